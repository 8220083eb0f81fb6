package io.mdmsim.abm.state;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.inventory.Inventory;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.inventory.StringPool;
import io.mdmsim.abm.state.AbmState.DeviceView;
import io.mdmsim.abm.state.AbmState.ServerView;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The data of {@link AbmState}: organizations, the inventory with the devices' state as primitive columns indexed like
 * it, MDM servers with their logs, profiles, and which of them changed since the last write to the store; with the
 * lookups and the device view every part of the state uses. Not thread-safe: every caller holds {@link AbmState}'s
 * lock.
 */
final class AbmTables {

    static final byte OP_ADDED = 0;
    static final byte OP_MODIFIED = 1;
    static final byte OP_DELETED = 2;
    static final OpType[] OPS = {OpType.ADDED, OpType.MODIFIED, OpType.DELETED};
    static final ProfileStatus[] STATUSES = ProfileStatus.values();
    static final byte RELEASED = 1;
    static final byte LOCKED = 2;
    static final long NO_TIME = Long.MIN_VALUE;

    final Supplier<Instant> clock;
    final int defaultDevicesPerMinute;
    final Inventory inventory = new Inventory();
    final StringPool people = new StringPool();
    final List<OrgEntry> orgs = new ArrayList<>();
    final Map<String, Integer> orgsById = new HashMap<>();
    final List<ServerEntry> servers = new ArrayList<>();
    final Map<String, ServerEntry> serversByName = new LinkedHashMap<>();
    final Map<String, ServerEntry> serversByConsumerKey = new HashMap<>();
    final List<AbmProfile> profiles = new ArrayList<>();
    final List<ServerEntry> profileOwners = new ArrayList<>();
    final Map<Integer, Instant> migrationDeadlines = new HashMap<>();

    // device state columns, indexed like the inventory
    short[] server = new short[0];
    int[] profile = new int[0];
    byte[] status = new byte[0];
    byte[] flags = new byte[0];
    long[] addNanos = new long[0];
    long[] addSeq = new long[0];
    int[] assignedBy = new int[0];
    long[] assignMillis = new long[0];
    long[] pushMillis = new long[0];

    long seq;
    Instant lastNow = Instant.MIN;

    // what changed since the last write to the store
    final BitSet dirtyDevices = new BitSet();
    final BitSet dirtyServers = new BitSet();
    final BitSet dirtyOrgs = new BitSet();
    /** Added records withdrawn after they were stored: {server index, seq}. */
    final List<long[]> cancelled = new ArrayList<>();

    AbmTables(Supplier<Instant> clock, int defaultDevicesPerMinute) {
        this.clock = requireNonNull(clock, "clock");
        this.defaultDevicesPerMinute = defaultDevicesPerMinute;
    }

    /** The simulated time, never earlier than any time this state has already used. */
    Instant now() {
        Instant t = clock.get();
        if (t.isBefore(lastNow)) {
            t = lastNow;
        }
        lastNow = t;
        return t;
    }

    ServerEntry serverOf(int i) {
        return server[i] < 0 ? null : servers.get(server[i]);
    }

    /** The device as {@code seenBy} sees it; assignment fields only if it is (still) assigned there. */
    DeviceView view(int i, ServerEntry seenBy, OpType op, Instant opDate) {
        InventoryDevice d = inventory.get(i);
        ServerEntry current = serverOf(i);
        String orgId = orgs.get(inventory.organization(i)).info.orgId();
        boolean released = (flags[i] & RELEASED) != 0;
        boolean locked = (flags[i] & LOCKED) != 0;
        if (seenBy == null || current != seenBy) {
            return new DeviceView(d, current == null ? null : current.name, null,
                    seenBy == null ? STATUSES[status[i]] : null, null, null, null, null, op, opDate, null, orgId,
                    released, locked);
        }
        return new DeviceView(d, current.name, profile[i] < 0 ? null : profiles.get(profile[i]).profileUuid(),
                STATUSES[status[i]], time(assignMillis[i]), time(pushMillis[i]), new EventKey(addNanos[i], 0).instant(),
                people.get(assignedBy[i]), op, opDate, migrationDeadlines.get(i), orgId, released, locked);
    }

    /** An MDM server as the admin API and the DEP API see it. */
    ServerView view(ServerEntry s) {
        OrgEntry o = orgs.get(s.org);
        return new ServerView(s.name, s.uuid, s.certificate, s.keys, s.tokenGeneration, s.live, o.info,
                o.termsAccepted, s.devicesPerMinute >= 0 ? s.devicesPerMinute : defaultDevicesPerMinute,
                s.cursorsValidFrom, s.profiles.size());
    }

    static Instant time(long millis) {
        return millis == NO_TIME ? null : Instant.ofEpochMilli(millis);
    }

    long nanosPerDevice(ServerEntry s) {
        int rate = s.devicesPerMinute >= 0 ? s.devicesPerMinute : defaultDevicesPerMinute;
        return rate == 0 ? 0 : Duration.ofMinutes(1).toNanos() / rate;
    }

    /** True if the device is assigned to {@code s}, visible to it by now and not released. */
    boolean accessible(int i, ServerEntry s, long nowNanos) {
        return i >= 0 && server[i] == s.index && addNanos[i] <= nowNanos && (flags[i] & RELEASED) == 0;
    }

    ServerEntry existing(String serverName) {
        ServerEntry s = serversByName.get(requireNonNull(serverName, "serverName"));
        if (s == null) {
            throw new AbmState.UnknownServer(serverName);
        }
        return s;
    }

    OrgEntry existingOrg(String orgId) {
        Integer i = orgsById.get(requireNonNull(orgId, "orgId"));
        if (i == null) {
            throw new AbmState.UnknownOrganization(orgId);
        }
        return orgs.get(i);
    }

    /** Inventory indexes of the serials; an unknown or released serial fails them all. */
    int[] resolve(Collection<String> serials) {
        Set<String> unique = new LinkedHashSet<>(serials);
        int[] idx = new int[unique.size()];
        List<String> unknown = new ArrayList<>();
        List<String> released = new ArrayList<>();
        int n = 0;
        for (String s : unique) {
            int i = inventory.indexOf(s);
            if (i < 0) {
                unknown.add(s);
            } else if ((flags[i] & RELEASED) != 0) {
                released.add(s);
            }
            idx[n++] = i;
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown serial" + (unknown.size() == 1 ? " " : "s ") + list(unknown));
        }
        if (!released.isEmpty()) {
            throw new IllegalArgumentException("serial" + (released.size() == 1 ? " " : "s ") + list(released)
                    + (released.size() == 1 ? " was" : " were") + " released from the organization");
        }
        return idx;
    }

    /** The device leaves its MDM server now: a deleted record if the server could already see it. */
    void leave(int i, long nowNanos) {
        if (server[i] < 0) {
            return;
        }
        ServerEntry old = servers.get(server[i]);
        old.live--;
        if (addNanos[i] <= nowNanos) {
            old.changes.append(nowNanos, ++seq, i, OP_DELETED);
        } else {
            // never seen by the MDM server: withdraw the added record instead of reporting added after deleted
            int entry = old.members.indexOf(addNanos[i], addSeq[i]);
            if (entry >= 0) {
                old.members.setFlags(entry, KeyLog.CANCELLED);
                if (entry < old.membersStored) {
                    cancelled.add(new long[] {old.index, addSeq[i]});
                }
            }
        }
        dirtyServers.set(old.index);
        server[i] = -1;
        profile[i] = -1;
        status[i] = (byte) ProfileStatus.EMPTY.ordinal();
        addNanos[i] = NO_TIME;
        addSeq[i] = 0;
        assignedBy[i] = StringPool.NONE;
        assignMillis[i] = NO_TIME;
        pushMillis[i] = NO_TIME;
        migrationDeadlines.remove(i);
        dirtyDevices.set(i);
    }

    /** A device's state when it joins the inventory: on no server, no profile, no times. */
    void initDevice(int i) {
        ensureState(i + 1);
        server[i] = -1;
        profile[i] = -1;
        status[i] = (byte) ProfileStatus.EMPTY.ordinal();
        flags[i] = 0;
        addNanos[i] = NO_TIME;
        addSeq[i] = 0;
        assignedBy[i] = StringPool.NONE;
        assignMillis[i] = NO_TIME;
        pushMillis[i] = NO_TIME;
    }

    void ensureState(int n) {
        if (n <= server.length) {
            return;
        }
        int cap = Math.max(16, Math.max(n, server.length + (server.length >> 1)));
        server = Arrays.copyOf(server, cap);
        profile = Arrays.copyOf(profile, cap);
        status = Arrays.copyOf(status, cap);
        flags = Arrays.copyOf(flags, cap);
        addNanos = Arrays.copyOf(addNanos, cap);
        addSeq = Arrays.copyOf(addSeq, cap);
        assignedBy = Arrays.copyOf(assignedBy, cap);
        assignMillis = Arrays.copyOf(assignMillis, cap);
        pushMillis = Arrays.copyOf(pushMillis, cap);
    }

    static String list(List<String> items) {
        return String.join(", ", items.subList(0, Math.min(10, items.size())))
                + (items.size() > 10 ? " and " + (items.size() - 10) + " more" : "");
    }
}
