package io.mdmsim.abm.state;

import static io.mdmsim.abm.state.AbmTables.LOCKED;
import static io.mdmsim.abm.state.AbmTables.NO_TIME;
import static io.mdmsim.abm.state.AbmTables.OPS;
import static io.mdmsim.abm.state.AbmTables.RELEASED;
import static io.mdmsim.abm.state.AbmTables.STATUSES;
import static io.mdmsim.abm.state.AbmTables.time;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The persistence mapping of {@link AbmState}: with a store attached, what changed since the last write (new and
 * changed rows, log entries, withdrawn assignments) goes to it in one transaction at the end of each change; at start
 * the tables are rebuilt from what the store holds. Not thread-safe: every caller holds {@link AbmState}'s lock.
 */
final class AbmPersistence {

    private final AbmTables t;
    private AbmStore store = AbmStore.NONE;
    private int devicesStored;
    private int profilesStored;

    AbmPersistence(AbmTables tables) {
        this.t = requireNonNull(tables, "tables");
    }

    /** From now on every change is written to {@code store}; what the tables hold now counts as stored. */
    void attach(AbmStore store) {
        this.store = requireNonNull(store, "store");
        markStored();
    }

    /** Writes everything changed since the last flush to the store, in one transaction. */
    void flush() {
        if (store == AbmStore.NONE) {
            return;
        }
        List<AbmStore.OrgRow> orgRows = new ArrayList<>();
        t.dirtyOrgs.stream().forEach(o -> orgRows.add(new AbmStore.OrgRow(o, t.orgs.get(o).info,
                t.orgs.get(o).termsAccepted)));
        List<AbmStore.ServerRow> serverRows = new ArrayList<>();
        t.dirtyServers.stream().forEach(s -> serverRows.add(t.servers.get(s).row()));
        List<AbmStore.DeviceRow> newDevices = new ArrayList<>();
        for (int i = devicesStored; i < t.inventory.size(); i++) {
            newDevices.add(deviceRow(i));
        }
        List<AbmStore.DeviceRow> changedDevices = new ArrayList<>();
        t.dirtyDevices.stream().filter(i -> i < devicesStored).forEach(i -> changedDevices.add(deviceRow(i)));
        List<AbmStore.ProfileRow> profileRows = new ArrayList<>();
        for (int p = profilesStored; p < t.profiles.size(); p++) {
            profileRows.add(new AbmStore.ProfileRow(t.profileOwners.get(p).index, t.profiles.get(p)));
        }
        List<AbmStore.LogRow> logRows = new ArrayList<>();
        for (ServerEntry s : t.servers) {
            for (int e = s.membersStored; e < s.members.size(); e++) {
                logRows.add(logRow(s, s.members, e));
            }
            for (int e = s.changesStored; e < s.changes.size(); e++) {
                logRows.add(logRow(s, s.changes, e));
            }
        }
        List<Long> cancelledSeqs = t.cancelled.stream().map(c -> c[1]).toList();
        store.write(new AbmStore.Changes(orgRows, serverRows, newDevices, changedDevices, profileRows, logRows,
                cancelledSeqs, t.lastNow));
        markStored();
    }

    /** Everything the tables hold now counts as stored: nothing is dirty. */
    private void markStored() {
        devicesStored = t.inventory.size();
        profilesStored = t.profiles.size();
        for (ServerEntry s : t.servers) {
            s.membersStored = s.members.size();
            s.changesStored = s.changes.size();
        }
        t.dirtyOrgs.clear();
        t.dirtyServers.clear();
        t.dirtyDevices.clear();
        t.cancelled.clear();
    }

    private AbmStore.LogRow logRow(ServerEntry s, KeyLog log, int e) {
        return new AbmStore.LogRow(log.seq(e), s.index, log.key(e).instant(), t.inventory.serial(log.device(e)),
                OPS[log.op(e)], (log.flags(e) & KeyLog.CANCELLED) != 0);
    }

    private AbmStore.DeviceRow deviceRow(int i) {
        return new AbmStore.DeviceRow(i, t.inventory.get(i), t.inventory.organization(i), t.server[i],
                t.addSeq[i] == 0 ? 0 : t.addSeq[i],
                t.addNanos[i] == NO_TIME ? null : new EventKey(t.addNanos[i], 0).instant(),
                t.people.get(t.assignedBy[i]), t.profile[i] < 0 ? null : t.profiles.get(t.profile[i]).profileUuid(),
                STATUSES[t.status[i]], time(t.assignMillis[i]), time(t.pushMillis[i]), (t.flags[i] & RELEASED) != 0,
                (t.flags[i] & LOCKED) != 0, t.migrationDeadlines.get(i));
    }

    /** Rebuilds the tables from what a store holds (before {@link #attach}). */
    void restore(AbmStore.Snapshot snap) {
        if (!t.orgs.isEmpty() || t.inventory.size() > 0 || !t.servers.isEmpty()) {
            throw new IllegalStateException("restore needs an empty state");
        }
        for (AbmStore.OrgRow o : snap.organizations()) {
            if (o.index() != t.orgs.size()) {
                throw new IllegalStateException("organizations out of order at " + o.index());
            }
            OrgEntry org = new OrgEntry(o.index(), o.organization());
            org.termsAccepted = o.termsAccepted();
            t.orgs.add(org);
            t.orgsById.put(o.organization().orgId(), org.index);
        }
        for (AbmStore.ServerRow r : snap.servers()) {
            if (r.index() != t.servers.size()) {
                throw new IllegalStateException("MDM servers out of order at " + r.index());
            }
            ServerEntry s = new ServerEntry(r.index(), r.name(), r.uuid(), r.certificate(), r.orgIndex());
            s.keys = r.keys();
            s.tokenGeneration = r.tokenGeneration();
            s.releaseEnd = r.releaseEndNanos();
            s.devicesPerMinute = r.devicesPerMinute();
            s.cursorsValidFrom = r.cursorsValidFrom();
            t.servers.add(s);
            t.serversByName.put(s.name, s);
            if (s.keys != null) {
                t.serversByConsumerKey.put(s.keys.consumerKey(), s);
            }
        }
        Map<String, Integer> profileIndex = new HashMap<>();
        for (AbmStore.ProfileRow p : snap.profiles()) {
            ServerEntry owner = t.servers.get(p.serverIndex());
            owner.profiles.put(p.profile().profileUuid(), t.profiles.size());
            profileIndex.put(p.serverIndex() + "\n" + p.profile().profileUuid(), t.profiles.size());
            t.profiles.add(p.profile());
            t.profileOwners.add(owner);
        }
        for (AbmStore.DeviceRow d : snap.devices()) {
            int i = t.inventory.add(d.device(), d.orgIndex());
            if (i != d.index()) {
                throw new IllegalStateException("devices out of order at " + d.index());
            }
            t.ensureState(i + 1);
            t.server[i] = (short) d.serverIndex();
            t.profile[i] = d.profileUuid() == null ? -1 : profileIndex.get(d.serverIndex() + "\n" + d.profileUuid());
            t.status[i] = (byte) d.profileStatus().ordinal();
            t.flags[i] = (byte) ((d.released() ? RELEASED : 0) | (d.activationLocked() ? LOCKED : 0));
            t.addSeq[i] = d.addSeq();
            t.addNanos[i] = d.assignedAt() == null ? NO_TIME : EventKey.nanos(d.assignedAt());
            t.assignedBy[i] = t.people.id(d.assignedBy());
            t.assignMillis[i] = d.profileAssignTime() == null ? NO_TIME : d.profileAssignTime().toEpochMilli();
            t.pushMillis[i] = d.profilePushTime() == null ? NO_TIME : d.profilePushTime().toEpochMilli();
            if (d.migrationDeadline() != null) {
                t.migrationDeadlines.put(i, d.migrationDeadline());
            }
            if (d.serverIndex() >= 0) {
                t.servers.get(d.serverIndex()).live++;
            }
        }
        for (AbmStore.LogRow r : snap.log()) {
            ServerEntry s = t.servers.get(r.serverIndex());
            int i = t.inventory.indexOf(r.serialNumber());
            KeyLog log = r.op() == OpType.ADDED ? s.members : s.changes;
            int e = log.append(EventKey.nanos(r.at()), r.seq(), i, (byte) r.op().ordinal());
            if (r.cancelled()) {
                log.setFlags(e, KeyLog.CANCELLED);
            }
            t.seq = Math.max(t.seq, r.seq());
        }
        for (int i = 0; i < t.inventory.size(); i++) {
            t.seq = Math.max(t.seq, t.addSeq[i]);
        }
        if (snap.lastNow() != null) {
            t.lastNow = snap.lastNow();
        }
    }
}
