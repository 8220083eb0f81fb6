package io.mdmsim.mdm.dep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.store.StoredDep;
import io.mdmsim.mdm.store.StoredIdentities;
import io.mdmsim.mdm.store.StoredJson;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a DEP token ({@link Token}) and an add flow are kept in the store: the token's settings, sync
 * state, cursor and enrollment profiles as one JSON document; each serial number it knows as one row, written when it
 * changed; a key pair other than the server's as PEM. The client, locks and progress are not kept; they are made
 * again at load.
 */
final class TokenStorage {

    /** The stored form of a token, without its serial numbers. */
    record TokenDoc(String name, String appleId, String depUrl, Instant uploadedAt, String serverToken,
            Instant renewedAt, String keyPem, String syncState, String lastError, String orgName, String serverName,
            String profileUuid, String cursor, Instant lastSyncAt, int syncs, Instant lastFullSyncAt,
            Instant lastManualSyncAt, Instant syncStartedAt, String syncKind, String lastSyncKind, boolean nextFull,
            List<String> warnings, Map<String, EnrollmentProfile> profiles, Map<String, String> abmUuidOf,
            Map<String, Integer> revisionOf, Map<String, Instant> editedAt, List<String> scopeTags) {}

    /** The stored form of an add flow. */
    record FlowDoc(String id, String keyPem, Instant startedAt, String state) {}

    private final Identity serverKey;

    TokenStorage(Identity serverKey) {
        this.serverKey = requireNonNull(serverKey, "serverKey");
    }

    /** The token's document. Called with the tokens monitor held. */
    StoredDep.Token row(Token t) {
        TokenDoc doc = new TokenDoc(t.name, t.appleId, t.depUrl.toString(), t.uploadedAt, t.serverToken.toJson(),
                t.renewedAt, pem(t.key), t.syncState.name(), t.lastError, t.orgName, t.serverName, t.profileUuid,
                t.cursor, t.lastSyncAt, t.syncs, t.lastFullSyncAt, t.lastManualSyncAt, t.syncStartedAt, t.syncKind,
                t.lastSyncKind, t.nextFull, List.copyOf(t.warnings), new LinkedHashMap<>(t.profiles),
                new LinkedHashMap<>(t.abmUuidOf), new LinkedHashMap<>(t.revisionOf), new LinkedHashMap<>(t.editedAt),
                t.scopeTags);
        return new StoredDep.Token(t.name, t.serverToken.consumerKey(), StoredJson.write(doc));
    }

    /** The rows of the serial numbers that changed since the last call; the token forgets them. Monitor held. */
    List<StoredDep.Device> drainChanges(Token t) {
        List<StoredDep.Device> out = new ArrayList<>(t.changedSerials.size());
        for (String serial : t.changedSerials) {
            out.add(device(t, serial));
        }
        t.changedSerials.clear();
        return out;
    }

    /** Every serial number the token knows, as rows (a token written in full). Monitor held. */
    List<StoredDep.Device> allDevices(Token t) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(t.serials);
        all.addAll(t.assigned);
        all.addAll(t.profileOf.keySet());
        all.addAll(t.removedFromAbm.keySet());
        all.addAll(t.removedAt.keySet());
        all.addAll(t.deletedHere);
        t.changedSerials.clear();
        return all.stream().map(s -> device(t, s)).toList();
    }

    private static StoredDep.Device device(Token t, String serial) {
        return new StoredDep.Device(t.name, serial, t.serials.contains(serial), t.assigned.contains(serial),
                t.profileOf.get(serial), t.removedAt.get(serial), t.removedFromAbm.get(serial),
                t.deletedHere.contains(serial));
    }

    /** A token from its document and its serial numbers (in stored order). */
    Token restore(StoredDep.Token row, List<StoredDep.Device> devices) {
        TokenDoc d = StoredJson.read(row.json(), TokenDoc.class);
        Token t = new Token(d.name(), d.appleId(), URI.create(d.depUrl()),
                ServerToken.fromJson(d.serverToken()), d.uploadedAt());
        t.renewedAt = d.renewedAt();
        t.key = d.keyPem() == null ? serverKey : StoredIdentities.decode("key of DEP token " + d.name(), d.keyPem());
        t.syncState = Token.SyncState.valueOf(d.syncState());
        t.lastError = d.lastError();
        t.orgName = d.orgName();
        t.serverName = d.serverName();
        t.profileUuid = d.profileUuid();
        t.cursor = d.cursor();
        t.lastSyncAt = d.lastSyncAt();
        t.syncs = d.syncs();
        t.lastFullSyncAt = d.lastFullSyncAt();
        t.lastManualSyncAt = d.lastManualSyncAt();
        t.syncStartedAt = d.syncStartedAt();
        t.syncKind = d.syncKind();
        t.lastSyncKind = d.lastSyncKind();
        t.nextFull = d.nextFull();
        t.warnings.addAll(orEmpty(d.warnings()));
        t.profiles.putAll(orEmpty(d.profiles()));
        t.abmUuidOf.putAll(orEmpty(d.abmUuidOf()));
        t.revisionOf.putAll(orEmpty(d.revisionOf()));
        t.editedAt.putAll(orEmpty(d.editedAt()));
        t.scopeTags = List.copyOf(orEmpty(d.scopeTags()));
        for (StoredDep.Device s : devices) {
            if (s.held()) {
                t.serials.add(s.serialNumber());
            }
            if (s.assigned()) {
                t.assigned.add(s.serialNumber());
            }
            if (s.profileUuid() != null) {
                t.profileOf.put(s.serialNumber(), s.profileUuid());
            }
            if (s.removedAt() != null) {
                t.removedAt.put(s.serialNumber(), s.removedAt());
            }
            if (s.purgeAt() != null) {
                t.removedFromAbm.put(s.serialNumber(), s.purgeAt());
            }
            if (s.deletedHere()) {
                t.deletedHere.add(s.serialNumber());
            }
        }
        t.changedSerials.clear();
        return t;
    }

    StoredDep.Flow flowRow(String id, Identity key, Instant startedAt, String state) {
        return new StoredDep.Flow(id, StoredJson.write(new FlowDoc(id, StoredIdentities.encode(key), startedAt, state)));
    }

    FlowDoc flow(StoredDep.Flow row) {
        return StoredJson.read(row.json(), FlowDoc.class);
    }

    Identity flowKey(FlowDoc flow) {
        return StoredIdentities.decode("key of add flow " + flow.id(), flow.keyPem());
    }

    /** Null for the server's own key (kept once, in meta), PEM for the key pair of an add flow. */
    private String pem(Identity key) {
        return key == null || key.equals(serverKey) ? null : StoredIdentities.encode(key);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
