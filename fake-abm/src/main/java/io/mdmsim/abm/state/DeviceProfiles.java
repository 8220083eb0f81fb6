package io.mdmsim.abm.state;

import static io.mdmsim.abm.state.AbmTables.LOCKED;
import static io.mdmsim.abm.state.AbmTables.NO_TIME;
import static io.mdmsim.abm.state.AbmTables.OP_MODIFIED;
import static io.mdmsim.abm.state.AbmTables.RELEASED;
import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.state.AbmState.AssignOutcome;
import io.mdmsim.abm.state.AbmState.CloudConfigGrant;
import io.mdmsim.abm.state.AbmState.DeviceView;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.ProfileStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an MDM server does through the DEP API with the devices it can see, and what a device gets at activation:
 * profiles defined and assigned (with the cooldown that answers THROTTLED), removed, the deprecated disown, device
 * details, organization-linked activation lock, and the cloud configuration that marks a profile pushed. Not
 * thread-safe: every caller holds {@link AbmState}'s lock.
 */
final class DeviceProfiles {

    /** Activation lock answers (Apple's "Activation Lock a Device", ActivationLockStatusResponse). */
    static final String LOCK_SUCCESS = "SUCCESS";
    static final String LOCK_NOT_ACCESSIBLE = "NOT_ACCESSIBLE";
    static final String LOCK_ALREADY_LOCKED = "DEVICE_ALREADY_LOCKED";

    private final AbmTables t;
    private final AbmPersistence journal;

    DeviceProfiles(AbmTables tables, AbmPersistence journal) {
        this.t = requireNonNull(tables, "tables");
        this.journal = requireNonNull(journal, "journal");
    }

    void define(String serverName, AbmProfile p) {
        ServerEntry s = t.existing(serverName);
        if (s.profiles.containsKey(p.profileUuid())) {
            throw new AbmState.StateConflict("profile " + p.profileUuid() + " already exists");
        }
        s.profiles.put(p.profileUuid(), t.profiles.size());
        t.profiles.add(p);
        t.profileOwners.add(s);
        journal.flush();
    }

    /** The server's profile with this UUID, or null. */
    AbmProfile get(String serverName, String profileUuid) {
        Integer i = t.existing(serverName).profiles.get(profileUuid);
        return i == null ? null : t.profiles.get(i);
    }

    /**
     * Assigns a profile of this server to devices visible to it: {@code assigned}, profile_assign_time now, a
     * {@code modified} record. Devices the server can't see get NOT_ACCESSIBLE; a device whose profile was assigned
     * less than {@code cooldown} ago is THROTTLED (Apple's "Assign a Profile", throttling) and keeps its profile.
     */
    AssignOutcome assign(String serverName, String profileUuid, Collection<String> serials, Duration cooldown) {
        ServerEntry s = t.existing(serverName);
        Integer p = s.profiles.get(profileUuid);
        if (p == null) {
            throw new IllegalArgumentException("profile " + profileUuid + " does not exist on MDM server " + serverName);
        }
        Instant now = t.now();
        long nowNanos = EventKey.nanos(now);
        long nowMillis = now.toEpochMilli();
        long cooldownMillis = cooldown.toMillis();
        long retry = 0;
        Map<String, DeviceResult> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = t.inventory.indexOf(serial);
            if (!t.accessible(i, s, nowNanos)) {
                result.put(serial, DeviceResult.NOT_ACCESSIBLE);
                continue;
            }
            if (cooldownMillis > 0 && t.assignMillis[i] != NO_TIME && nowMillis - t.assignMillis[i] < cooldownMillis) {
                result.put(serial, DeviceResult.THROTTLED);
                retry = Math.max(retry, Math.ceilDiv(t.assignMillis[i] + cooldownMillis - nowMillis, 1000));
                continue;
            }
            t.profile[i] = p;
            t.status[i] = (byte) ProfileStatus.ASSIGNED.ordinal();
            t.assignMillis[i] = nowMillis;
            t.pushMillis[i] = NO_TIME;
            s.changes.append(nowNanos, ++t.seq, i, OP_MODIFIED);
            t.dirtyDevices.set(i);
            result.put(serial, DeviceResult.SUCCESS);
        }
        journal.flush();
        return new AssignOutcome(result, retry);
    }

    /**
     * Removes the profile from devices visible to the server (DELETE /profile/devices): a device with a profile gets
     * {@code removed} and a {@code modified} record; one without stays as it is. Others are NOT_ACCESSIBLE.
     */
    Map<String, DeviceResult> clear(String serverName, Collection<String> serials) {
        return eachAccessible(serverName, serials, (s, i, nowNanos) -> {
            if (t.profile[i] >= 0) {
                t.profile[i] = -1;
                t.status[i] = (byte) ProfileStatus.REMOVED.ordinal();
                s.changes.append(nowNanos, ++t.seq, i, OP_MODIFIED);
                t.dirtyDevices.set(i);
            }
        });
    }

    /**
     * The deprecated disown (POST /devices/disown): the MDM server gives devices up, which releases them from the
     * organization as it did on Apple's service. Devices the server can't see are NOT_ACCESSIBLE.
     */
    Map<String, DeviceResult> disown(String serverName, Collection<String> serials) {
        return eachAccessible(serverName, serials, (s, i, nowNanos) -> {
            t.leave(i, nowNanos);
            t.flags[i] |= RELEASED;
            t.dirtyDevices.set(i);
        });
    }

    /** What the server does to one device it can see (inventory index {@code i}). */
    private interface DeviceChange {
        void apply(ServerEntry s, int i, long nowNanos);
    }

    /** {@code change} for each serial the server can see (SUCCESS), NOT_ACCESSIBLE for the others; then stored. */
    private Map<String, DeviceResult> eachAccessible(String serverName, Collection<String> serials,
            DeviceChange change) {
        ServerEntry s = t.existing(serverName);
        long nowNanos = EventKey.nanos(t.now());
        Map<String, DeviceResult> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = t.inventory.indexOf(serial);
            if (!t.accessible(i, s, nowNanos)) {
                result.put(serial, DeviceResult.NOT_ACCESSIBLE);
                continue;
            }
            change.apply(s, i, nowNanos);
            result.put(serial, DeviceResult.SUCCESS);
        }
        journal.flush();
        return result;
    }

    /** Device details (POST /devices): the view of each serial the server can see, null for the others. */
    Map<String, DeviceView> details(String serverName, Collection<String> serials) {
        ServerEntry s = t.existing(serverName);
        long nowNanos = EventKey.nanos(t.now());
        Map<String, DeviceView> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = t.inventory.indexOf(serial);
            result.put(serial, t.accessible(i, s, nowNanos) ? t.view(i, s, null, null) : null);
        }
        return result;
    }

    /** Organization-linked activation lock (POST /device/activationlock): one of the LOCK_* answers. */
    String activationLock(String serverName, String serial) {
        ServerEntry s = t.existing(serverName);
        int i = t.inventory.indexOf(serial);
        if (!t.accessible(i, s, EventKey.nanos(t.now()))) {
            return LOCK_NOT_ACCESSIBLE;
        }
        if ((t.flags[i] & LOCKED) != 0) {
            return LOCK_ALREADY_LOCKED;
        }
        t.flags[i] |= LOCKED;
        t.dirtyDevices.set(i);
        journal.flush();
        return LOCK_SUCCESS;
    }

    /**
     * The cloud configuration a device gets when it activates: if it is assigned to a server and has a profile, the
     * profile is marked pushed (profile_push_time now, a {@code modified} record). Null for an unknown serial.
     */
    CloudConfigGrant push(String serial) {
        int i = t.inventory.indexOf(serial);
        if (i < 0) {
            return null;
        }
        FakeAbmConfig.Organization org = t.orgs.get(t.inventory.organization(i)).info;
        if (t.server[i] < 0 || t.profile[i] < 0 || (t.flags[i] & RELEASED) != 0) {
            return new CloudConfigGrant(t.view(i, t.serverOf(i), null, null), null, org);
        }
        Instant now = t.now();
        ServerEntry s = t.servers.get(t.server[i]);
        t.status[i] = (byte) ProfileStatus.PUSHED.ordinal();
        t.pushMillis[i] = now.toEpochMilli();
        s.changes.append(EventKey.nanos(now), ++t.seq, i, OP_MODIFIED);
        t.dirtyDevices.set(i);
        journal.flush();
        return new CloudConfigGrant(t.view(i, s, null, null), t.profiles.get(t.profile[i]), org);
    }
}
