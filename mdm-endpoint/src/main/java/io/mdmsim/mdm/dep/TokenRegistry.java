package io.mdmsim.mdm.dep;

import static io.mdmsim.mdm.dep.Token.str;
import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.store.StoredDep;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The token registry: the DEP tokens by name, kept in the store ({@link TokenStorage}) before the request that changed
 * them is answered; upload (decrypting the .p7m), renewal, deletion with the seeds' preconditions, scope tags and the
 * devices a token holds. {@link #tokens} is the monitor every part of the DEP service takes to read or change a token.
 */
final class TokenRegistry {

    private static final System.Logger LOG = System.getLogger(TokenRegistry.class.getName());
    /** The seeds' limit of tokens per account. */
    static final int MAX_TOKENS = 2000;

    /** The tokens by name; also the monitor guarding every token's fields. */
    final Map<String, Token> tokens = new LinkedHashMap<>();
    private final Identity keyPair;
    private final SimClock clock;
    private final URI defaultDepUrl;
    private final HttpClient http;
    private final StoredDep store;
    private final TokenStorage storage;
    private final EventLog events;
    /** Orders the writes of each token name without holding the tokens monitor. */
    private final Map<String, ReentrantLock> persistLocks = new ConcurrentHashMap<>();

    TokenRegistry(Identity keyPair, SimClock clock, URI defaultDepUrl, StoredDep store, TokenStorage storage,
            EventLog events) {
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.clock = requireNonNull(clock, "clock");
        this.defaultDepUrl = defaultDepUrl; // null: every upload names its DEP API
        this.store = requireNonNull(store, "store");
        this.storage = requireNonNull(storage, "storage");
        this.events = requireNonNull(events, "events");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The tokens of the store, as they were; their syncs wait for the scheduler. */
    void restore(StoredDep.Loaded loaded) {
        Map<String, List<StoredDep.Device>> serials = new LinkedHashMap<>();
        loaded.devices().forEach(d -> serials.computeIfAbsent(d.token(), k -> new ArrayList<>()).add(d));
        synchronized (tokens) {
            for (StoredDep.Token row : loaded.tokens()) {
                Token t = storage.restore(row, serials.getOrDefault(row.name(), List.of()));
                if (t.syncState == Token.SyncState.SYNCING) {
                    t.syncState = Token.SyncState.PENDING; // the server stopped during a round: it runs again
                }
                t.client = new DepClient(http, t.depUrl, t.serverToken, clock);
                tokens.put(t.name, t);
            }
        }
        if (!loaded.tokens().isEmpty()) {
            LOG.log(INFO, "{0} DEP tokens loaded from the store: {1}", loaded.tokens().size(), tokens.keySet());
        }
    }

    /** The server's token key pair: the certificate an ABM admin uploads when creating the MDM server. */
    Identity keyPair() {
        return keyPair;
    }

    /** Every token, in upload order. */
    List<Token> all() {
        synchronized (tokens) {
            return List.copyOf(tokens.values());
        }
    }

    /**
     * Writes the token and its changed serial numbers to the store (outside the tokens monitor; writes of one token
     * name are ordered by its lock). A token deleted or replaced meanwhile is not written.
     */
    void persist(Token token) {
        persist(token, false);
    }

    /** @param replace the token takes the place of a stored one of the same name: that one is deleted first */
    private void persist(Token token, boolean replace) {
        ReentrantLock lock = persistLock(token.name);
        lock.lock();
        try {
            StoredDep.Token row;
            List<StoredDep.Device> devices;
            synchronized (tokens) {
                if (token.removed || tokens.get(token.name) != token) {
                    return; // deleted, replaced, or the server is closing (a round it cut short is not kept)
                }
                row = storage.row(token);
                devices = replace ? storage.allDevices(token) : storage.drainChanges(token);
            }
            try {
                if (replace) {
                    store.delete(token.name);
                }
                store.save(row, devices);
            } catch (RuntimeException e) {
                synchronized (tokens) {
                    devices.forEach(d -> token.changedSerials.add(d.serialNumber())); // written with the next one
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock persistLock(String name) {
        return persistLocks.computeIfAbsent(name, k -> new ReentrantLock());
    }

    /**
     * Decrypts an uploaded token with the key {@code key} gives and keeps it (a renewal of the same consumer key replaces the old
     * one under the same name). The caller starts its sync.
     *
     * @param created filled with what the upload answers
     */
    Token add(byte[] p7m, Supplier<Identity> key, String appleId, URI depUrl, String requestedName,
            Map<String, Object> created) {
        URI url = depUrl != null ? depUrl : defaultDepUrl;
        if (url == null) {
            throw new BadInputException("depUrl: missing (expected: the DEP API the token syncs from, e.g. the fake"
                    + " ABM's http://127.0.0.1:8400 or Apple's https://mdmenrollment.apple.com; this MDM has no"
                    + " default DEP URL, so it sends nothing to an address nobody named)");
        }
        Identity tokenKey = key.get();
        ServerToken st = decrypt(p7m, tokenKey);
        Token token;
        synchronized (tokens) {
            Token previous = tokens.values().stream()
                    .filter(t -> t.serverToken.consumerKey().equals(st.consumerKey())).findFirst().orElse(null);
            String name = previous != null ? previous.name
                    : requestedName != null && !requestedName.isBlank() ? requestedName : "token-" + (tokens.size() + 1);
            if (previous == null && tokens.containsKey(name)) {
                throw new BadInputException("name: " + name + " is taken by another token (expected: a new name)");
            }
            if (previous == null && tokens.size() >= MAX_TOKENS) {
                throw new HttpError(409, "this account already has " + tokens.size() + " enrollment program tokens"
                        + " (limit: " + MAX_TOKENS + "); delete one before adding another");
            }
            if (previous != null) {
                previous.retire();
            }
            token = new Token(name, appleId, url, st, clock.now());
            token.key = tokenKey;
            token.client = new DepClient(http, url, st, clock);
            tokens.put(name, token);
            created.put("name", token.name);
            created.put("consumerKey", st.consumerKey());
            created.put("expiry", str(st.accessTokenExpiry()));
            created.put("syncState", token.syncState.name());
        }
        try {
            persist(token, true); // kept before the upload is answered
        } catch (RuntimeException e) {
            synchronized (tokens) {
                tokens.remove(token.name, token);
            }
            throw e;
        }
        LOG.log(INFO, "DEP token {0} uploaded (consumer key {1}, DEP API {2})", token.name, st.consumerKey(), url);
        return token;
    }

    /** Every token as the admin API lists it; a sync overdue by now is failed first. */
    List<Map<String, Object>> list() {
        synchronized (tokens) {
            tokens.values().forEach(this::expireOverdue);
            return tokens.values().stream().map(Token::json).toList();
        }
    }

    /** {@link Token#expireOverdue} now, reported as a failed sync. Called with the tokens monitor held. */
    void expireOverdue(Token token) {
        if (token.expireOverdue(clock.now())) {
            events.emit("dep.sync.failed", null, "token", token.name, "kind", token.syncKind, "reason",
                    token.lastError);
        }
    }

    /**
     * Renews a token with a new .p7m downloaded from ABM for the same MDM server: the devices, profiles and cursor stay;
     * a different Apple ID than the one the token was added with is accepted with a warning.
     */
    Map<String, Object> renew(String name, byte[] p7m, String appleId) {
        Identity key;
        synchronized (tokens) {
            key = existing(name).key;
        }
        ServerToken st = decrypt(p7m, key == null ? keyPair : key);
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        synchronized (tokens) {
            Token token = existing(name);
            if (appleId != null && !appleId.isBlank() && token.appleId != null && !appleId.equals(token.appleId)) {
                warnings.add("the Apple ID changed from " + token.appleId + " to " + appleId + "; use the Apple ID"
                        + " the token was created with, or renewals by another admin will fail to match");
            }
            token.serverToken = st;
            if (appleId != null && !appleId.isBlank()) {
                token.appleId = appleId;
            }
            token.renewedAt = clock.now();
            token.client = new DepClient(http, token.depUrl, st, clock);
            out.putAll(token.json());
        }
        persist(existingToken(name));
        out.put("warnings", warnings);
        events.emit("dep.token.renewed", null, "token", name, "appleId", appleId, "warnings", warnings);
        return out;
    }

    /**
     * Deletes a token: only when it has no devices (assigned or still listed "Removed from ABM"), no default profile and
     * no profiles (the seeds' rule).
     */
    void delete(String name) {
        synchronized (tokens) {
            Token token = existing(name);
            if (!token.serials.isEmpty()) {
                throw HttpError.conflict("token " + name + " cannot be deleted: it still has " + token.serials.size()
                        + " devices (unassign them from the MDM server in ABM, sync, then delete the devices here)");
            }
            if (!token.removedFromAbm.isEmpty()) {
                throw HttpError.conflict("token " + name + " cannot be deleted: it still lists "
                        + token.removedFromAbm.size() + " devices Removed from ABM (they are deleted 30-45 days after"
                        + " ABM released them; delete them now with DELETE /admin/dep/tokens/" + name
                        + "/devices/{serial})");
            }
            if (token.profileUuid != null) {
                throw HttpError.conflict("token " + name + " cannot be deleted: it has a default enrollment profile ("
                        + token.profileUuid + "); delete it first (DELETE /admin/dep/tokens/" + name
                        + "/profiles/default)");
            }
            if (!token.profiles.isEmpty()) {
                throw HttpError.conflict("token " + name + " cannot be deleted: it has " + token.profiles.size()
                        + " enrollment profiles; delete them first (DELETE /admin/dep/tokens/" + name
                        + "/profiles/{uuid})");
            }
            token.retire();
            tokens.remove(name);
        }
        ReentrantLock lock = persistLock(name);
        lock.lock();
        try {
            store.delete(name);
        } finally {
            lock.unlock();
        }
        events.emit("dep.token.deleted", null, "token", name);
    }

    /** The devices of a token with their DEP status. */
    List<Map<String, Object>> devices(String name) {
        Token token;
        List<Map<String, Object>> out = new ArrayList<>();
        boolean purged;
        synchronized (tokens) {
            token = existing(name);
            token.purge(clock.now());
            purged = !token.changedSerials.isEmpty();
            for (String serial : token.serials) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("serialNumber", serial);
                m.put("status", token.assigned.contains(serial) ? "Assigned" : "Not assigned");
                String uuid = token.profileOf.getOrDefault(serial, token.profileUuid);
                var p = uuid == null ? null : token.profiles.get(uuid);
                m.put("enrollmentProfileName", p == null ? null : p.name()); // dynamic groups (seeds)
                m.put("scopeTags", token.scopeTags);
                out.add(m);
            }
            token.removedFromAbm.forEach((serial, purgeAt) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("serialNumber", serial);
                m.put("status", "Removed from ABM");
                m.put("removedAt", str(token.removedAt.get(serial)));
                m.put("deleteAt", str(purgeAt));
                out.add(m);
            });
        }
        if (purged) {
            persist(token);
        }
        return out;
    }

    /** Sets a token's scope tags (at upload or renewal); its profiles and devices inherit them. */
    Map<String, Object> scopeTags(String name, List<String> tags) {
        Token token;
        Map<String, Object> out;
        synchronized (tokens) {
            token = existing(name);
            token.scopeTags = List.copyOf(tags);
            out = token.json();
        }
        persist(token);
        events.emit("dep.token.scope-tags", null, "token", name, "scopeTags", tags);
        return out;
    }

    /** A token's scope tags; empty for an unknown token. */
    List<String> scopeTagsOf(String name) {
        synchronized (tokens) {
            Token token = name == null ? null : tokens.get(name);
            return token == null ? List.of() : token.scopeTags;
        }
    }

    /** Deletes a device here; if ABM still assigns it to this server, the next full sync brings it back. */
    void deleteDevice(String name, String serial) {
        synchronized (tokens) {
            Token token = existing(name);
            boolean had = token.serials.remove(serial) | token.removedFromAbm.remove(serial) != null;
            token.assigned.remove(serial);
            token.removedAt.remove(serial);
            token.deletedHere.add(serial);
            if (!had) {
                throw HttpError.notFound("token " + name + " has no device " + serial);
            }
        }
        persist(existingToken(name));
        events.emit("dep.device.deleted", null, "token", name, "serialNumber", serial);
    }

    /** {@link #existing} taking the monitor. */
    Token existingToken(String name) {
        synchronized (tokens) {
            return existing(name);
        }
    }

    /** The token of that name. Called with the tokens monitor held. */
    Token existing(String name) {
        Token token = tokens.get(name);
        if (token == null) {
            throw HttpError.notFound("DEP token " + name + " is unknown (see GET /admin/dep/tokens)");
        }
        return token;
    }

    private static ServerToken decrypt(byte[] p7m, Identity keyPair) {
        if (p7m == null || p7m.length == 0) {
            throw new BadInputException("empty body (expected: the server token .p7m downloaded from ABM)");
        }
        try {
            return ServerToken.fromP7m(p7m, keyPair.certificate(), keyPair.privateKey());
        } catch (PkiException | io.mdmsim.core.dep.DepException | IllegalArgumentException e) {
            throw new BadInputException("cannot read the server token: " + e.getMessage()
                    + " (expected: the .p7m ABM made for this server's public key, GET /admin/dep/public-key)");
        }
    }

    /** Every token is retired: no more rounds. */
    void retireAll() {
        synchronized (tokens) {
            tokens.values().forEach(Token::retire);
        }
    }

    /** Closes the connections to the DEP APIs. */
    void close() {
        http.shutdownNow();
    }
}
