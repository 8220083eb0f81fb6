package io.mdmsim.abm.state;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.AbmState.OAuthKeys;
import io.mdmsim.abm.state.AbmState.ServerView;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The MDM servers of each organization: adding them, their current token (the only one whose keys work), their pace
 * and the expiry of their cursors. Not thread-safe: every caller holds {@link AbmState}'s lock.
 */
final class MdmServers {

    private final AbmTables t;
    private final AbmPersistence journal;

    MdmServers(AbmTables tables, AbmPersistence journal) {
        this.t = requireNonNull(tables, "tables");
        this.journal = requireNonNull(journal, "journal");
    }

    ServerView add(String name, String uuid, X509Certificate certificate, String orgId) {
        requireNonNull(name, "name");
        requireNonNull(uuid, "uuid");
        requireNonNull(certificate, "certificate");
        OrgEntry o = t.existingOrg(orgId);
        if (t.serversByName.containsKey(name)) {
            throw new AbmState.StateConflict("MDM server " + name + " already exists");
        }
        if (t.servers.size() >= Short.MAX_VALUE) {
            throw new AbmState.StateConflict("an ABM holds at most " + Short.MAX_VALUE + " MDM servers");
        }
        ServerEntry s = new ServerEntry(t.servers.size(), name, uuid, certificate, o.index);
        t.servers.add(s);
        t.serversByName.put(name, s);
        t.dirtyServers.set(s.index);
        journal.flush();
        return t.view(s);
    }

    ServerView get(String name) {
        ServerEntry s = t.serversByName.get(name);
        return s == null ? null : t.view(s);
    }

    List<ServerView> all() {
        return t.servers.stream().map(t::view).toList();
    }

    /** Makes {@code keys} the server's only valid token; the previous token's keys stop working. */
    ServerView replaceToken(String serverName, OAuthKeys keys) {
        ServerEntry s = t.existing(serverName);
        if (s.keys != null) {
            t.serversByConsumerKey.remove(s.keys.consumerKey());
        }
        s.keys = requireNonNull(keys, "keys");
        s.tokenGeneration++;
        t.serversByConsumerKey.put(keys.consumerKey(), s);
        t.dirtyServers.set(s.index);
        journal.flush();
        return t.view(s);
    }

    /** The server whose current token has this consumer key, or null. */
    ServerView byConsumerKey(String consumerKey) {
        ServerEntry s = t.serversByConsumerKey.get(consumerKey);
        return s == null ? null : t.view(s);
    }

    /** Sets the server's pace for assignments from now on; -1 = the ABM's default, 0 = unlimited. */
    ServerView setPace(String serverName, int devicesPerMinute) {
        if (devicesPerMinute < -1) {
            throw new IllegalArgumentException("devicesPerMinute: " + devicesPerMinute
                    + " (expected: >= 0, 0 = unlimited)");
        }
        ServerEntry s = t.existing(serverName);
        s.devicesPerMinute = devicesPerMinute;
        t.dirtyServers.set(s.index);
        journal.flush();
        return t.view(s);
    }

    /** Every cursor of the server (or of all servers if null) issued before now answers EXPIRED_CURSOR. */
    int expireCursors(String serverName) {
        Instant now = t.now();
        List<ServerEntry> which = serverName == null ? t.servers : List.of(t.existing(serverName));
        for (ServerEntry s : which) {
            s.cursorsValidFrom = now;
            t.dirtyServers.set(s.index);
        }
        journal.flush();
        return which.size();
    }
}
