package io.mdmsim.abm.state;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What ABM knows: organizations, the inventory, the MDM servers with their tokens and profiles, which device is
 * assigned where, and per MDM server the log of device changes that fetch and sync read (Apple's "Get a List of
 * Devices" and "Sync the List of Devices").
 *
 * <p>A device assigned to an MDM server becomes visible to that server's DEP API at the server's pace
 * ({@code devicesPerMinute}): each server releases its assignments one after another, so the device at position
 * {@code p} of the queue is visible at {@code start + p / rate}. Every change gets a log position ({@link EventKey})
 * at the moment it becomes visible; cursors are such positions. The clock seen here never goes backwards, so each
 * server's two logs (assignments, which may lie in the future, and later changes, which happen now) are each in
 * ascending order and a page is a binary search plus a merge, never a scan of the inventory.
 *
 * <p>Devices are kept as primitive columns (the inventory for the facts, arrays for the state; {@link AbmTables}),
 * about 150 bytes a device with its log entries. With a {@link AbmStore} attached, every change is written through to
 * it before the method returns ({@link AbmPersistence}). All methods are atomic (one lock, this object's); results
 * are immutable snapshots. The work is done by one part per job, each called under that lock: {@link Organizations}
 * (organizations and inventory), {@link MdmServers} (servers, tokens, pace, cursors), {@link Assignments} (the
 * admin's assignments), {@link DeviceProfiles} (profiles, the DEP API's device operations, cloud configuration) and
 * {@link AssignmentLog} (fetch and sync pages). This class is the public API only (the view records and one
 * synchronized delegate per operation), which is why it stays a little over 400 lines.
 */
public final class AbmState {

    /** The OAuth keys of an MDM server's current token. */
    public record OAuthKeys(String consumerKey, String consumerSecret, String accessToken, String accessSecret, Instant expiry) {
        public OAuthKeys {
            requireNonNull(consumerKey, "consumerKey");
            requireNonNull(consumerSecret, "consumerSecret");
            requireNonNull(accessToken, "accessToken");
            requireNonNull(accessSecret, "accessSecret");
            requireNonNull(expiry, "expiry");
        }
    }

    /** An organization and whether it has accepted the current terms (T_C_NOT_SIGNED otherwise). */
    public record OrgView(FakeAbmConfig.Organization organization, boolean termsAccepted, int devices, int servers) {
    }

    /**
     * An MDM server as the admin API and the DEP API see it. {@code keys} is null before the first token download;
     * {@code devicesPerMinute} is its pace (0 = unlimited); cursors issued before {@code cursorsValidFrom} are expired.
     */
    public record ServerView(String name, String uuid, X509Certificate certificate, OAuthKeys keys, long tokenGeneration,
            int devices, FakeAbmConfig.Organization organization, boolean termsAccepted, int devicesPerMinute,
            Instant cursorsValidFrom, int profiles) {
    }

    /**
     * A device as a DEP response shows it. {@code mdmServer} is null when unassigned; {@code opType}/{@code opDate}
     * are set for sync records only. For a sync record of a server the device has left, the assignment fields are
     * null.
     */
    public record DeviceView(InventoryDevice device, String mdmServer, String profileUuid, ProfileStatus profileStatus,
            Instant profileAssignTime, Instant profilePushTime, Instant assignedDate, String assignedBy,
            OpType opType, Instant opDate, Instant mdmMigrationDeadline, String organizationId, boolean released,
            boolean activationLocked) {

        String serialNumber() {
            return device.serialNumber();
        }
    }

    public record FetchPage(List<DeviceView> devices, EventKey high, EventKey last, boolean moreToFollow) {
    }

    public record SyncPage(List<DeviceView> devices, EventKey position, boolean moreToFollow) {
    }

    /** What a device's cloud-configuration request gets: the assigned profile (or null) and its organization. */
    public record CloudConfigGrant(DeviceView device, AbmProfile profile, FakeAbmConfig.Organization organization) {
    }

    /** Per-serial results of assigning a profile, and how long THROTTLED serials must wait (0 if none). */
    public record AssignOutcome(Map<String, DeviceResult> devices, long retryAfterSeconds) {
    }

    /** Which devices an admin listing wants; null fields match everything. */
    public record DeviceFilter(String mdmServer, String organizationId, Boolean released, boolean unassignedOnly) {
        static final DeviceFilter ALL = new DeviceFilter(null, null, null, false);
    }

    private final AbmTables tables;
    private final AbmPersistence journal;
    private final Organizations organizations;
    private final MdmServers servers;
    private final Assignments assignments;
    private final DeviceProfiles profiles;
    private final AssignmentLog log;

    /** An empty ABM: no organization, no devices, no servers. */
    public AbmState(Supplier<Instant> clock, int devicesPerMinute) {
        requireNonNull(clock, "clock");
        if (devicesPerMinute < 0) {
            throw new IllegalArgumentException("devicesPerMinute: " + devicesPerMinute + " (expected: >= 0, 0 = unlimited)");
        }
        this.tables = new AbmTables(clock, devicesPerMinute);
        this.journal = new AbmPersistence(tables);
        this.organizations = new Organizations(tables, journal);
        this.servers = new MdmServers(tables, journal);
        this.assignments = new Assignments(tables, journal);
        this.profiles = new DeviceProfiles(tables, journal);
        this.log = new AssignmentLog(tables);
    }

    /** One example organization holding {@code inventory}. */
    public AbmState(List<InventoryDevice> inventory, Supplier<Instant> clock, int devicesPerMinute) {
        this(clock, devicesPerMinute);
        addOrganization(FakeAbmConfig.Organization.example());
        addDevices(requireNonNull(inventory, "inventory"), FakeAbmConfig.Organization.example().orgId());
    }

    /** From now on every change is written to {@code store} before the changing method returns. */
    public synchronized void attach(AbmStore store) {
        journal.attach(store);
    }

    /** Rebuilds the state from what a store holds (before {@link #attach}). */
    public synchronized void restore(AbmStore.Snapshot snap) {
        journal.restore(snap);
    }

    /** The simulated time, never earlier than any time this state has already used. */
    public synchronized Instant now() {
        return tables.now();
    }

    // ---------------------------------------------------------------------------------------------- organizations

    public synchronized OrgView addOrganization(FakeAbmConfig.Organization organization) {
        return organizations.add(organization);
    }

    public synchronized List<OrgView> organizations() {
        return organizations.all();
    }

    /** The organization with this id, or null. */
    public synchronized OrgView organization(String orgId) {
        return organizations.get(orgId);
    }

    /** The first organization (the one a fake ABM starts with), or null. */
    public synchronized OrgView defaultOrganization() {
        return organizations.first();
    }

    public synchronized OrgView setTermsAccepted(String orgId, boolean accepted) {
        return organizations.setTermsAccepted(orgId, accepted);
    }

    // ---------------------------------------------------------------------------------------------- inventory

    /** Adds devices to an organization's inventory. All or nothing: a serial already known adds none. */
    public synchronized int addDevices(List<InventoryDevice> devices, String orgId) {
        return organizations.addDevices(devices, orgId);
    }

    public synchronized boolean knows(String serial) {
        return tables.inventory.indexOf(serial) >= 0;
    }

    public synchronized int inventorySize() {
        return tables.inventory.size();
    }

    public synchronized DeviceView device(String serial) {
        int i = tables.inventory.indexOf(serial);
        return i < 0 ? null : tables.view(i, tables.serverOf(i), null, null);
    }

    public synchronized List<DeviceView> devices() {
        return devices(DeviceFilter.ALL, 0, Integer.MAX_VALUE);
    }

    /** The devices matching {@code filter}, in inventory order, skipping {@code offset} and at most {@code limit}. */
    public synchronized List<DeviceView> devices(DeviceFilter filter, int offset, int limit) {
        return organizations.devices(filter, offset, limit);
    }

    /** Serials of an order, in inventory order; empty if there is no such order. */
    public synchronized List<String> serialsOfOrder(String orderNumber) {
        return organizations.serialsOfOrder(orderNumber);
    }

    // ---------------------------------------------------------------------------------------------- MDM servers

    public synchronized ServerView addServer(String name, String uuid, X509Certificate certificate) {
        if (tables.orgs.isEmpty()) {
            throw new StateConflict("there is no organization to add MDM server " + name + " to");
        }
        return addServer(name, uuid, certificate, tables.orgs.getFirst().info.orgId());
    }

    public synchronized ServerView addServer(String name, String uuid, X509Certificate certificate, String orgId) {
        return servers.add(name, uuid, certificate, orgId);
    }

    public synchronized ServerView server(String name) {
        return servers.get(name);
    }

    public synchronized List<ServerView> servers() {
        return servers.all();
    }

    /** Makes {@code keys} the server's only valid token; the previous token's keys stop working. */
    public synchronized ServerView replaceToken(String serverName, OAuthKeys keys) {
        return servers.replaceToken(serverName, keys);
    }

    /** The server whose current token has this consumer key, or null. */
    public synchronized ServerView serverByConsumerKey(String consumerKey) {
        return servers.byConsumerKey(consumerKey);
    }

    /** Sets the server's pace for assignments from now on; -1 = the ABM's default, 0 = unlimited. */
    public synchronized ServerView setPace(String serverName, int devicesPerMinute) {
        return servers.setPace(serverName, devicesPerMinute);
    }

    /** Every cursor of the server (or of all servers if null) issued before now answers EXPIRED_CURSOR. */
    public synchronized int expireCursors(String serverName) {
        return servers.expireCursors(serverName);
    }

    // ---------------------------------------------------------------------------------------------- assignment (ABM admin)

    /**
     * Assigns devices to an MDM server (ABM "assign to server"). Devices already there are left alone; devices of
     * another server move (a {@code deleted} record there). All or nothing: an unknown, released or foreign serial
     * assigns none.
     *
     * @return how many of the given devices are now assigned to the server
     */
    public synchronized int assign(String serverName, Collection<String> serials, String assignedBy) {
        return assign(serverName, serials, assignedBy, null);
    }

    /** As {@link #assign(String, Collection, String)}, with an MDM migration deadline (protocol version 8+). */
    public synchronized int assign(String serverName, Collection<String> serials, String assignedByWho, Instant migrationDeadline) {
        return assignments.assign(serverName, serials, assignedByWho, migrationDeadline);
    }

    /** Assigns every unreleased device of the server's organization to it, moving those on other servers. */
    public synchronized int assignAll(String serverName, String assignedByWho, Instant migrationDeadline) {
        return assignments.assignAll(serverName, assignedByWho, migrationDeadline);
    }

    /** Assigns every unreleased device of the server's organization that is not on another server yet. */
    public synchronized int assignAllUnassigned(String serverName, String assignedByWho) {
        return assignments.assignAllUnassigned(serverName, assignedByWho);
    }

    /** Takes devices off their MDM server (a {@code deleted} record there); unassigned ones are left alone. */
    public synchronized int unassign(Collection<String> serials) {
        return assignments.unassign(serials);
    }

    /**
     * Releases devices from the organization (ABM "release devices"): off their MDM server with a {@code deleted}
     * record, then gone for good from assignment.
     */
    public synchronized int release(Collection<String> serials) {
        return assignments.release(serials);
    }

    /** Turns activation lock off (ABM "turn off activation lock"); true if it was on. */
    public synchronized boolean clearActivationLock(String serial) {
        return assignments.clearActivationLock(serial);
    }

    // ---------------------------------------------------------------------------------------------- fetch and sync

    /** The position that closes a fetch snapshot taken now: every change recorded and visible so far. */
    public synchronized EventKey snapshot() {
        return log.snapshot();
    }

    /**
     * One page of a fetch: devices currently assigned (and visible) to the server whose assignment position lies in
     * {@code (after, high]}, oldest first.
     */
    public synchronized FetchPage fetch(String serverName, EventKey high, EventKey after, int limit) {
        return log.fetch(tables.existing(serverName), high, after, limit);
    }

    /** True if a fetch with this snapshot has nothing left after {@code after}. */
    public synchronized boolean fetchExhausted(String serverName, EventKey high, EventKey after) {
        return log.fetchExhausted(tables.existing(serverName), high, after);
    }

    /**
     * Per server, how many of its assignments ({@code added} records, not cancelled) became visible in each of
     * {@code buckets} buckets of {@code stepNanos} from {@code fromNanos}, up to (not including) {@code untilNanos}.
     */
    public synchronized Map<String, long[]> visibleCounts(long fromNanos, long stepNanos, int buckets, long untilNanos) {
        return log.visibleCounts(fromNanos, stepNanos, buckets, untilNanos);
    }

    /** The earliest time any assignment became visible, before {@code untilNanos}; Long.MAX_VALUE if none did. */
    public synchronized long firstVisibleNanos(long untilNanos) {
        return log.firstVisibleNanos(untilNanos);
    }

    /** One page of changes after {@code after} that are visible now, in log order. */
    public synchronized SyncPage sync(String serverName, EventKey after, int limit) {
        return log.sync(tables.existing(serverName), after, limit);
    }

    // ---------------------------------------------------------------------------------------------- profiles

    public synchronized void defineProfile(String serverName, AbmProfile p) {
        profiles.define(serverName, p);
    }

    /** The server's profile with this UUID, or null. */
    public synchronized AbmProfile profile(String serverName, String profileUuid) {
        return profiles.get(serverName, profileUuid);
    }

    /**
     * Assigns a profile of this server to devices visible to it: {@code assigned}, profile_assign_time now, a
     * {@code modified} record. Devices the server can't see get NOT_ACCESSIBLE.
     */
    public synchronized Map<String, DeviceResult> assignProfile(String serverName, String profileUuid, Collection<String> serials) {
        return assignProfile(serverName, profileUuid, serials, Duration.ZERO).devices();
    }

    /**
     * As {@link #assignProfile(String, String, Collection)}; a device whose profile was assigned less than
     * {@code cooldown} ago is THROTTLED (Apple's "Assign a Profile", throttling) and keeps its profile.
     */
    public synchronized AssignOutcome assignProfile(String serverName, String profileUuid, Collection<String> serials,
            Duration cooldown) {
        return profiles.assign(serverName, profileUuid, serials, cooldown);
    }

    /**
     * Removes the profile from devices visible to the server (DELETE /profile/devices): a device with a profile gets
     * {@code removed} and a {@code modified} record; one without stays as it is. Others are NOT_ACCESSIBLE.
     */
    public synchronized Map<String, DeviceResult> clearProfile(String serverName, Collection<String> serials) {
        return profiles.clear(serverName, serials);
    }

    /**
     * The deprecated disown (POST /devices/disown): the MDM server gives devices up, which releases them from the
     * organization as it did on Apple's service. Devices the server can't see are NOT_ACCESSIBLE.
     */
    public synchronized Map<String, DeviceResult> disown(String serverName, Collection<String> serials) {
        return profiles.disown(serverName, serials);
    }

    /** Device details (POST /devices): the view of each serial the server can see, null for the others. */
    public synchronized Map<String, DeviceView> details(String serverName, Collection<String> serials) {
        return profiles.details(serverName, serials);
    }

    /** Organization-linked activation lock (POST /device/activationlock): SUCCESS, NOT_ACCESSIBLE or DEVICE_ALREADY_LOCKED. */
    public synchronized String activationLock(String serverName, String serial) {
        return profiles.activationLock(serverName, serial);
    }

    // ---------------------------------------------------------------------------------------------- cloud configuration

    /**
     * The cloud configuration a device gets when it activates: if it is assigned to a server and has a profile, the
     * profile is marked pushed (profile_push_time now, a {@code modified} record). Null for an unknown serial.
     */
    public synchronized CloudConfigGrant pushProfile(String serial) {
        return profiles.push(serial);
    }

    /** Thrown when a name does not match any MDM server. */
    static final class UnknownServer extends RuntimeException {
        UnknownServer(String name) {
            super("no MDM server named " + name);
        }
    }

    /** Thrown when an id does not match any organization. */
    static final class UnknownOrganization extends RuntimeException {
        UnknownOrganization(String orgId) {
            super("no organization with id " + orgId);
        }
    }

    /** Thrown when an admin action conflicts with what exists. */
    public static final class StateConflict extends RuntimeException {
        StateConflict(String message) {
            super(message);
        }
    }
}
