package io.mdmsim.abm.state;

import static io.mdmsim.abm.state.AbmTables.LOCKED;
import static io.mdmsim.abm.state.AbmTables.OP_ADDED;
import static io.mdmsim.abm.state.AbmTables.RELEASED;
import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What an ABM admin does with devices: assign them to an MDM server (at the server's pace: each becomes visible at
 * its place in the server's queue), take them off, release them from the organization, turn activation lock off.
 * Not thread-safe: every caller holds {@link AbmState}'s lock.
 */
final class Assignments {

    private final AbmTables t;
    private final AbmPersistence journal;

    Assignments(AbmTables tables, AbmPersistence journal) {
        this.t = requireNonNull(tables, "tables");
        this.journal = requireNonNull(journal, "journal");
    }

    /**
     * Assigns devices to an MDM server (ABM "assign to server"), with an MDM migration deadline (protocol version
     * 8+) or null. Devices already there are left alone; devices of another server move (a {@code deleted} record
     * there). All or nothing: an unknown, released or foreign serial assigns none.
     *
     * @return how many of the given devices are now assigned to the server
     */
    int assign(String serverName, Collection<String> serials, String assignedByWho, Instant migrationDeadline) {
        ServerEntry target = t.existing(serverName);
        int[] idx = t.resolve(serials);
        for (int i : idx) {
            if (t.inventory.organization(i) != target.org) {
                throw new IllegalArgumentException("device " + t.inventory.serial(i) + " belongs to organization "
                        + t.orgs.get(t.inventory.organization(i)).info.orgId() + ", MDM server " + serverName
                        + " to organization " + t.orgs.get(target.org).info.orgId());
            }
        }
        Instant now = t.now();
        long nowNanos = EventKey.nanos(now);
        long nanosPerDevice = t.nanosPerDevice(target);
        long start = Math.max(target.releaseEnd, nowNanos);
        long position = 0;
        int who = t.people.id(assignedByWho);
        for (int i : idx) {
            if (t.server[i] == target.index) {
                continue;
            }
            t.leave(i, nowNanos);
            long visible = start + position++ * nanosPerDevice;
            long s = ++t.seq;
            t.server[i] = (short) target.index;
            t.addNanos[i] = visible;
            t.addSeq[i] = s;
            t.assignedBy[i] = who;
            target.members.append(visible, s, i, OP_ADDED);
            target.live++;
            if (migrationDeadline != null) {
                t.migrationDeadlines.put(i, migrationDeadline);
            }
            t.dirtyDevices.set(i);
        }
        if (position > 0) {
            target.releaseEnd = start + position * nanosPerDevice;
            t.dirtyServers.set(target.index);
        }
        journal.flush();
        return idx.length;
    }

    /** Assigns every unreleased device of the server's organization to it, moving those on other servers. */
    int assignAll(String serverName, String assignedByWho, Instant migrationDeadline) {
        ServerEntry target = t.existing(serverName);
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < t.inventory.size(); i++) {
            if (t.inventory.organization(i) == target.org && (t.flags[i] & RELEASED) == 0) {
                serials.add(t.inventory.serial(i));
            }
        }
        return assign(serverName, serials, assignedByWho, migrationDeadline);
    }

    /** Assigns every unreleased device of the server's organization that is not on another server yet. */
    int assignAllUnassigned(String serverName, String assignedByWho) {
        ServerEntry target = t.existing(serverName);
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < t.inventory.size(); i++) {
            if (t.inventory.organization(i) == target.org && (t.flags[i] & RELEASED) == 0 && t.server[i] < 0) {
                serials.add(t.inventory.serial(i));
            }
        }
        assign(serverName, serials, assignedByWho, null);
        return target.live;
    }

    /** Takes devices off their MDM server (a {@code deleted} record there); unassigned ones are left alone. */
    int unassign(Collection<String> serials) {
        int[] idx = t.resolve(serials);
        long nowNanos = EventKey.nanos(t.now());
        int n = 0;
        for (int i : idx) {
            if (t.server[i] >= 0) {
                t.leave(i, nowNanos);
                n++;
            }
        }
        journal.flush();
        return n;
    }

    /**
     * Releases devices from the organization (ABM "release devices"): off their MDM server with a {@code deleted}
     * record, then gone for good from assignment.
     */
    int release(Collection<String> serials) {
        int[] idx = t.resolve(serials);
        long nowNanos = EventKey.nanos(t.now());
        for (int i : idx) {
            t.leave(i, nowNanos);
            t.flags[i] |= RELEASED;
            t.dirtyDevices.set(i);
        }
        journal.flush();
        return idx.length;
    }

    /** Turns activation lock off (ABM "turn off activation lock"); true if it was on. */
    boolean clearActivationLock(String serial) {
        int i = t.inventory.indexOf(serial);
        if (i < 0) {
            throw new IllegalArgumentException("unknown serial " + serial);
        }
        boolean was = (t.flags[i] & LOCKED) != 0;
        t.flags[i] &= ~LOCKED;
        t.dirtyDevices.set(i);
        journal.flush();
        return was;
    }
}
