package io.mdmsim.abm.state;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.inventory.Inventory;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.inventory.StringPool;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import java.security.cert.X509Certificate;
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
 * <p>Devices are kept as primitive columns ({@link Inventory} for the facts, arrays here for the state), about 150
 * bytes a device with its log entries. With a {@link AbmStore} attached, every change is written through to it
 * before the method returns. All methods are atomic (one lock); results are immutable snapshots.
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

    /** Activation lock answers (AppleDoc:activation-lock-devices, ActivationLockStatusResponse). */
    static final String LOCK_SUCCESS = "SUCCESS";
    static final String LOCK_NOT_ACCESSIBLE = "NOT_ACCESSIBLE";
    static final String LOCK_ALREADY_LOCKED = "DEVICE_ALREADY_LOCKED";

    static final byte OP_ADDED = 0;
    static final byte OP_MODIFIED = 1;
    static final byte OP_DELETED = 2;
    private static final OpType[] OPS = {OpType.ADDED, OpType.MODIFIED, OpType.DELETED};
    private static final ProfileStatus[] STATUSES = ProfileStatus.values();
    private static final byte RELEASED = 1;
    private static final byte LOCKED = 2;
    private static final long NO_TIME = Long.MIN_VALUE;

    private final Supplier<Instant> clock;
    private final int defaultDevicesPerMinute;
    private final Inventory inventory = new Inventory();
    private final StringPool people = new StringPool();
    private final List<Org> orgs = new ArrayList<>();
    private final Map<String, Integer> orgsById = new HashMap<>();
    private final List<Server> servers = new ArrayList<>();
    private final Map<String, Server> serversByName = new LinkedHashMap<>();
    private final Map<String, Server> serversByConsumerKey = new HashMap<>();
    private final List<AbmProfile> profiles = new ArrayList<>();
    private final List<Server> profileOwners = new ArrayList<>();
    private final Map<Integer, Instant> migrationDeadlines = new HashMap<>();

    // device state columns, indexed like the inventory
    private short[] server = new short[0];
    private int[] profile = new int[0];
    private byte[] status = new byte[0];
    private byte[] flags = new byte[0];
    private long[] addNanos = new long[0];
    private long[] addSeq = new long[0];
    private int[] assignedBy = new int[0];
    private long[] assignMillis = new long[0];
    private long[] pushMillis = new long[0];

    private long seq;
    private Instant lastNow = Instant.MIN;

    // write-through journal
    private AbmStore store = AbmStore.NONE;
    private final BitSet dirtyDevices = new BitSet();
    private final BitSet dirtyServers = new BitSet();
    private final BitSet dirtyOrgs = new BitSet();
    private final List<long[]> cancelled = new ArrayList<>();
    private int devicesStored;
    private int profilesStored;

    /** An empty ABM: no organization, no devices, no servers. */
    public AbmState(Supplier<Instant> clock, int devicesPerMinute) {
        this.clock = requireNonNull(clock, "clock");
        if (devicesPerMinute < 0) {
            throw new IllegalArgumentException("devicesPerMinute: " + devicesPerMinute + " (expected: >= 0, 0 = unlimited)");
        }
        this.defaultDevicesPerMinute = devicesPerMinute;
    }

    /** One example organization holding {@code inventory}. */
    public AbmState(List<InventoryDevice> inventory, Supplier<Instant> clock, int devicesPerMinute) {
        this(clock, devicesPerMinute);
        addOrganization(FakeAbmConfig.Organization.example());
        addDevices(requireNonNull(inventory, "inventory"), FakeAbmConfig.Organization.example().orgId());
    }

    /** From now on every change is written to {@code store} before the changing method returns. */
    public synchronized void attach(AbmStore store) {
        this.store = requireNonNull(store, "store");
        devicesStored = inventory.size();
        profilesStored = profiles.size();
        for (Server s : servers) {
            s.membersStored = s.members.size();
            s.changesStored = s.changes.size();
        }
        dirtyDevices.clear();
        dirtyServers.clear();
        dirtyOrgs.clear();
        cancelled.clear();
    }

    /** The simulated time, never earlier than any time this state has already used. */
    public synchronized Instant now() {
        Instant t = clock.get();
        if (t.isBefore(lastNow)) {
            t = lastNow;
        }
        lastNow = t;
        return t;
    }

    // ---------------------------------------------------------------------------------------------- organizations

    public synchronized OrgView addOrganization(FakeAbmConfig.Organization organization) {
        requireNonNull(organization, "organization");
        if (orgsById.containsKey(organization.orgId())) {
            throw new StateConflict("organization " + organization.orgId() + " already exists");
        }
        Org o = new Org(orgs.size(), organization);
        orgs.add(o);
        orgsById.put(organization.orgId(), o.index);
        dirtyOrgs.set(o.index);
        flush();
        return orgView(o);
    }

    public synchronized List<OrgView> organizations() {
        int[] devices = new int[orgs.size()];
        for (int i = 0; i < inventory.size(); i++) {
            if ((flags[i] & RELEASED) == 0) {
                devices[inventory.organization(i)]++;
            }
        }
        return orgs.stream().map(o -> new OrgView(o.info, o.termsAccepted, devices[o.index],
                (int) servers.stream().filter(s -> s.org == o.index).count())).toList();
    }

    /** The organization with this id, or null. */
    public synchronized OrgView organization(String orgId) {
        Integer i = orgsById.get(orgId);
        return i == null ? null : orgView(orgs.get(i));
    }

    /** The first organization (the one a fake ABM starts with), or null. */
    public synchronized OrgView defaultOrganization() {
        return orgs.isEmpty() ? null : orgView(orgs.getFirst());
    }

    public synchronized OrgView setTermsAccepted(String orgId, boolean accepted) {
        Org o = existingOrg(orgId);
        o.termsAccepted = accepted;
        dirtyOrgs.set(o.index);
        flush();
        return orgView(o);
    }

    private OrgView orgView(Org o) {
        int devices = 0;
        for (int i = 0; i < inventory.size(); i++) {
            if (inventory.organization(i) == o.index && (flags[i] & RELEASED) == 0) {
                devices++;
            }
        }
        int n = (int) servers.stream().filter(s -> s.org == o.index).count();
        return new OrgView(o.info, o.termsAccepted, devices, n);
    }

    // ---------------------------------------------------------------------------------------------- inventory

    /** Adds devices to an organization's inventory. All or nothing: a serial already known adds none. */
    public synchronized int addDevices(List<InventoryDevice> devices, String orgId) {
        Org o = existingOrg(orgId);
        Set<String> seen = new LinkedHashSet<>();
        List<String> duplicates = new ArrayList<>();
        for (InventoryDevice d : devices) {
            if (!seen.add(d.serialNumber()) || inventory.indexOf(d.serialNumber()) >= 0) {
                duplicates.add(d.serialNumber());
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("serial" + (duplicates.size() == 1 ? " " : "s ") + list(duplicates)
                    + (duplicates.size() == 1 ? " is" : " are") + " already in the inventory");
        }
        for (InventoryDevice d : devices) {
            int i = inventory.add(d, o.index);
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
        flush();
        return devices.size();
    }

    public synchronized boolean knows(String serial) {
        return inventory.indexOf(serial) >= 0;
    }

    public synchronized int inventorySize() {
        return inventory.size();
    }

    public synchronized DeviceView device(String serial) {
        int i = inventory.indexOf(serial);
        return i < 0 ? null : view(i, serverOf(i), null, null);
    }

    public synchronized List<DeviceView> devices() {
        return devices(DeviceFilter.ALL, 0, Integer.MAX_VALUE);
    }

    /** The devices matching {@code filter}, in inventory order, skipping {@code offset} and at most {@code limit}. */
    public synchronized List<DeviceView> devices(DeviceFilter filter, int offset, int limit) {
        Server only = filter.mdmServer() == null ? null : existing(filter.mdmServer());
        int orgIndex = filter.organizationId() == null ? -1 : existingOrg(filter.organizationId()).index;
        List<DeviceView> out = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < inventory.size() && out.size() < limit; i++) {
            if (only != null && server[i] != only.index
                    || orgIndex >= 0 && inventory.organization(i) != orgIndex
                    || filter.released() != null && filter.released() != ((flags[i] & RELEASED) != 0)
                    || filter.unassignedOnly() && server[i] >= 0) {
                continue;
            }
            if (skipped++ < offset) {
                continue;
            }
            out.add(view(i, serverOf(i), null, null));
        }
        return out;
    }

    /** Serials of an order, in inventory order; empty if there is no such order. */
    public synchronized List<String> serialsOfOrder(String orderNumber) {
        return Arrays.stream(inventory.ofOrder(orderNumber)).mapToObj(inventory::serial).toList();
    }

    // ---------------------------------------------------------------------------------------------- MDM servers

    public synchronized ServerView addServer(String name, String uuid, X509Certificate certificate) {
        if (orgs.isEmpty()) {
            throw new StateConflict("there is no organization to add MDM server " + name + " to");
        }
        return addServer(name, uuid, certificate, orgs.getFirst().info.orgId());
    }

    public synchronized ServerView addServer(String name, String uuid, X509Certificate certificate, String orgId) {
        requireNonNull(name, "name");
        requireNonNull(uuid, "uuid");
        requireNonNull(certificate, "certificate");
        Org o = existingOrg(orgId);
        if (serversByName.containsKey(name)) {
            throw new StateConflict("MDM server " + name + " already exists");
        }
        if (servers.size() >= Short.MAX_VALUE) {
            throw new StateConflict("an ABM holds at most " + Short.MAX_VALUE + " MDM servers");
        }
        Server s = new Server(servers.size(), name, uuid, certificate, o.index);
        servers.add(s);
        serversByName.put(name, s);
        dirtyServers.set(s.index);
        flush();
        return s.view();
    }

    public synchronized ServerView server(String name) {
        Server s = serversByName.get(name);
        return s == null ? null : s.view();
    }

    public synchronized List<ServerView> servers() {
        return servers.stream().map(Server::view).toList();
    }

    /** Makes {@code keys} the server's only valid token; the previous token's keys stop working. */
    public synchronized ServerView replaceToken(String serverName, OAuthKeys keys) {
        Server s = existing(serverName);
        if (s.keys != null) {
            serversByConsumerKey.remove(s.keys.consumerKey());
        }
        s.keys = requireNonNull(keys, "keys");
        s.tokenGeneration++;
        serversByConsumerKey.put(keys.consumerKey(), s);
        dirtyServers.set(s.index);
        flush();
        return s.view();
    }

    /** The server whose current token has this consumer key, or null. */
    public synchronized ServerView serverByConsumerKey(String consumerKey) {
        Server s = serversByConsumerKey.get(consumerKey);
        return s == null ? null : s.view();
    }

    /** Sets the server's pace for assignments from now on; -1 = the ABM's default, 0 = unlimited. */
    public synchronized ServerView setPace(String serverName, int devicesPerMinute) {
        if (devicesPerMinute < -1) {
            throw new IllegalArgumentException("devicesPerMinute: " + devicesPerMinute + " (expected: >= 0, 0 = unlimited)");
        }
        Server s = existing(serverName);
        s.devicesPerMinute = devicesPerMinute;
        dirtyServers.set(s.index);
        flush();
        return s.view();
    }

    /** Every cursor of the server (or of all servers if null) issued before now answers EXPIRED_CURSOR. */
    public synchronized int expireCursors(String serverName) {
        Instant now = now();
        List<Server> which = serverName == null ? servers : List.of(existing(serverName));
        for (Server s : which) {
            s.cursorsValidFrom = now;
            dirtyServers.set(s.index);
        }
        flush();
        return which.size();
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
        Server target = existing(serverName);
        int[] idx = resolve(serials);
        for (int i : idx) {
            if (inventory.organization(i) != target.org) {
                throw new IllegalArgumentException("device " + inventory.serial(i) + " belongs to organization "
                        + orgs.get(inventory.organization(i)).info.orgId() + ", MDM server " + serverName
                        + " to organization " + orgs.get(target.org).info.orgId());
            }
        }
        Instant now = now();
        long nowNanos = EventKey.nanos(now);
        long nanosPerDevice = nanosPerDevice(target);
        long start = Math.max(target.releaseEnd, nowNanos);
        long position = 0;
        int who = people.id(assignedByWho);
        for (int i : idx) {
            if (server[i] == target.index) {
                continue;
            }
            leave(i, nowNanos);
            long visible = start + position++ * nanosPerDevice;
            long s = ++seq;
            server[i] = (short) target.index;
            addNanos[i] = visible;
            addSeq[i] = s;
            this.assignedBy[i] = who;
            target.members.append(visible, s, i, OP_ADDED);
            target.live++;
            if (migrationDeadline != null) {
                migrationDeadlines.put(i, migrationDeadline);
            }
            dirtyDevices.set(i);
        }
        if (position > 0) {
            target.releaseEnd = start + position * nanosPerDevice;
            dirtyServers.set(target.index);
        }
        flush();
        return idx.length;
    }

    /** Assigns every unreleased device of the server's organization to it, moving those on other servers. */
    public synchronized int assignAll(String serverName, String assignedByWho, Instant migrationDeadline) {
        Server target = existing(serverName);
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < inventory.size(); i++) {
            if (inventory.organization(i) == target.org && (flags[i] & RELEASED) == 0) {
                serials.add(inventory.serial(i));
            }
        }
        return assign(serverName, serials, assignedByWho, migrationDeadline);
    }

    /** Assigns every unreleased device of the server's organization that is not on another server yet. */
    public synchronized int assignAllUnassigned(String serverName, String assignedByWho) {
        Server target = existing(serverName);
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < inventory.size(); i++) {
            if (inventory.organization(i) == target.org && (flags[i] & RELEASED) == 0 && server[i] < 0) {
                serials.add(inventory.serial(i));
            }
        }
        assign(serverName, serials, assignedByWho);
        return target.live;
    }

    /** Takes devices off their MDM server (a {@code deleted} record there); unassigned ones are left alone. */
    public synchronized int unassign(Collection<String> serials) {
        int[] idx = resolve(serials);
        long nowNanos = EventKey.nanos(now());
        int n = 0;
        for (int i : idx) {
            if (server[i] >= 0) {
                leave(i, nowNanos);
                n++;
            }
        }
        flush();
        return n;
    }

    /**
     * Releases devices from the organization (ABM "release devices"): off their MDM server with a {@code deleted}
     * record, then gone for good from assignment.
     */
    public synchronized int release(Collection<String> serials) {
        int[] idx = resolve(serials);
        long nowNanos = EventKey.nanos(now());
        for (int i : idx) {
            leave(i, nowNanos);
            flags[i] |= RELEASED;
            dirtyDevices.set(i);
        }
        flush();
        return idx.length;
    }

    /** Turns activation lock off (ABM "turn off activation lock"); true if it was on. */
    public synchronized boolean clearActivationLock(String serial) {
        int i = inventory.indexOf(serial);
        if (i < 0) {
            throw new IllegalArgumentException("unknown serial " + serial);
        }
        boolean was = (flags[i] & LOCKED) != 0;
        flags[i] &= ~LOCKED;
        dirtyDevices.set(i);
        flush();
        return was;
    }

    /** The device leaves its MDM server now: a deleted record if the server could already see it. */
    private void leave(int i, long nowNanos) {
        if (server[i] < 0) {
            return;
        }
        Server old = servers.get(server[i]);
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

    private int[] resolve(Collection<String> serials) {
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

    // ---------------------------------------------------------------------------------------------- fetch and sync

    /** The position that closes a fetch snapshot taken now: every change recorded and visible so far. */
    public synchronized EventKey snapshot() {
        return EventKey.of(now(), seq);
    }

    /**
     * One page of a fetch: devices currently assigned (and visible) to the server whose assignment position lies in
     * {@code (after, high]}, oldest first.
     */
    public synchronized FetchPage fetch(String serverName, EventKey high, EventKey after, int limit) {
        Server s = existing(serverName);
        List<DeviceView> page = new ArrayList<>(Math.min(limit, 1024));
        EventKey last = after;
        int i = s.members.firstAfter(after);
        for (; i < s.members.size() && s.members.compare(i, high.epochNanos(), high.seq()) <= 0; i++) {
            if (!isLive(s, i)) {
                continue;
            }
            if (page.size() == limit) {
                break;
            }
            page.add(view(s.members.device(i), s, null, null));
            last = s.members.key(i);
        }
        return new FetchPage(List.copyOf(page), high, last, nextLive(s, i, high) >= 0);
    }

    /** True if a fetch with this snapshot has nothing left after {@code after}. */
    public synchronized boolean fetchExhausted(String serverName, EventKey high, EventKey after) {
        Server s = existing(serverName);
        return nextLive(s, s.members.firstAfter(after), high) < 0;
    }

    private int nextLive(Server s, int from, EventKey high) {
        for (int i = from; i < s.members.size() && s.members.compare(i, high.epochNanos(), high.seq()) <= 0; i++) {
            if (isLive(s, i)) {
                return i;
            }
        }
        return -1;
    }

    /** True if member entry {@code i} is the device's current assignment to {@code s}. */
    private boolean isLive(Server s, int i) {
        int d = s.members.device(i);
        return server[d] == s.index && addSeq[d] == s.members.seq(i);
    }

    /**
     * Per server, how many of its assignments ({@code added} records, not cancelled) became visible in each of
     * {@code buckets} buckets of {@code stepNanos} from {@code fromNanos}, up to (not including) {@code untilNanos}.
     */
    public synchronized Map<String, long[]> visibleCounts(long fromNanos, long stepNanos, int buckets, long untilNanos) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Server s : servers) {
            long[] counts = new long[buckets];
            for (int i = s.members.firstAfter(new EventKey(fromNanos, -1)); i < s.members.size(); i++) {
                long at = s.members.nanos(i);
                if (at >= untilNanos) {
                    break;
                }
                if ((s.members.flags(i) & KeyLog.CANCELLED) == 0) {
                    long b = (at - fromNanos) / stepNanos;
                    if (b < buckets) {
                        counts[(int) b]++;
                    }
                }
            }
            out.put(s.name, counts);
        }
        return out;
    }

    /** The earliest time any assignment became visible, before {@code untilNanos}; Long.MAX_VALUE if none did. */
    public synchronized long firstVisibleNanos(long untilNanos) {
        long first = Long.MAX_VALUE;
        for (Server s : servers) {
            for (int i = 0; i < s.members.size() && s.members.nanos(i) < untilNanos; i++) {
                if ((s.members.flags(i) & KeyLog.CANCELLED) == 0) {
                    first = Math.min(first, s.members.nanos(i));
                    break;
                }
            }
        }
        return first;
    }

    /** One page of changes after {@code after} that are visible now, in log order. */
    public synchronized SyncPage sync(String serverName, EventKey after, int limit) {
        Server s = existing(serverName);
        long nowNanos = EventKey.nanos(now());
        List<DeviceView> page = new ArrayList<>(Math.min(limit, 1024));
        EventKey position = after;
        boolean more = false;
        int a = s.members.firstAfter(after);
        int c = s.changes.firstAfter(after);
        while (true) {
            while (a < s.members.size() && (s.members.flags(a) & KeyLog.CANCELLED) != 0) {
                a++;
            }
            boolean haveA = a < s.members.size();
            boolean haveC = c < s.changes.size();
            if (!haveA && !haveC) {
                break;
            }
            boolean takeA = haveA && (!haveC || s.members.compare(a, s.changes.nanos(c), s.changes.seq(c)) < 0);
            KeyLog log = takeA ? s.members : s.changes;
            int e = takeA ? a : c;
            if (log.nanos(e) > nowNanos) {
                break;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            EventKey key = log.key(e);
            page.add(view(log.device(e), s, OPS[log.op(e)], key.instant()));
            position = key;
            if (takeA) {
                a++;
            } else {
                c++;
            }
        }
        return new SyncPage(List.copyOf(page), position, more);
    }

    // ---------------------------------------------------------------------------------------------- profiles

    public synchronized void defineProfile(String serverName, AbmProfile p) {
        Server s = existing(serverName);
        if (s.profiles.containsKey(p.profileUuid())) {
            throw new StateConflict("profile " + p.profileUuid() + " already exists");
        }
        s.profiles.put(p.profileUuid(), profiles.size());
        profiles.add(p);
        profileOwners.add(s);
        flush();
    }

    /** The server's profile with this UUID, or null. */
    public synchronized AbmProfile profile(String serverName, String profileUuid) {
        Integer i = existing(serverName).profiles.get(profileUuid);
        return i == null ? null : profiles.get(i);
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
     * {@code cooldown} ago is THROTTLED (AppleDoc:assign-profile "Throttling") and keeps its profile.
     */
    public synchronized AssignOutcome assignProfile(String serverName, String profileUuid, Collection<String> serials,
            Duration cooldown) {
        Server s = existing(serverName);
        Integer p = s.profiles.get(profileUuid);
        if (p == null) {
            throw new IllegalArgumentException("profile " + profileUuid + " does not exist on MDM server " + serverName);
        }
        Instant now = now();
        long nowNanos = EventKey.nanos(now);
        long nowMillis = now.toEpochMilli();
        long cooldownMillis = cooldown.toMillis();
        long retry = 0;
        Map<String, DeviceResult> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = inventory.indexOf(serial);
            if (!accessible(i, s, nowNanos)) {
                result.put(serial, DeviceResult.NOT_ACCESSIBLE);
                continue;
            }
            if (cooldownMillis > 0 && assignMillis[i] != NO_TIME && nowMillis - assignMillis[i] < cooldownMillis) {
                result.put(serial, DeviceResult.THROTTLED);
                retry = Math.max(retry, Math.ceilDiv(assignMillis[i] + cooldownMillis - nowMillis, 1000));
                continue;
            }
            profile[i] = p;
            status[i] = (byte) ProfileStatus.ASSIGNED.ordinal();
            assignMillis[i] = nowMillis;
            pushMillis[i] = NO_TIME;
            s.changes.append(nowNanos, ++seq, i, OP_MODIFIED);
            dirtyDevices.set(i);
            result.put(serial, DeviceResult.SUCCESS);
        }
        flush();
        return new AssignOutcome(result, retry);
    }

    /**
     * Removes the profile from devices visible to the server (DELETE /profile/devices): a device with a profile gets
     * {@code removed} and a {@code modified} record; one without stays as it is. Others are NOT_ACCESSIBLE.
     */
    public synchronized Map<String, DeviceResult> clearProfile(String serverName, Collection<String> serials) {
        Server s = existing(serverName);
        long nowNanos = EventKey.nanos(now());
        Map<String, DeviceResult> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = inventory.indexOf(serial);
            if (!accessible(i, s, nowNanos)) {
                result.put(serial, DeviceResult.NOT_ACCESSIBLE);
                continue;
            }
            if (profile[i] >= 0) {
                profile[i] = -1;
                status[i] = (byte) ProfileStatus.REMOVED.ordinal();
                s.changes.append(nowNanos, ++seq, i, OP_MODIFIED);
                dirtyDevices.set(i);
            }
            result.put(serial, DeviceResult.SUCCESS);
        }
        flush();
        return result;
    }

    /**
     * The deprecated disown (POST /devices/disown): the MDM server gives devices up, which releases them from the
     * organization as it did on Apple's service. Devices the server can't see are NOT_ACCESSIBLE.
     */
    public synchronized Map<String, DeviceResult> disown(String serverName, Collection<String> serials) {
        Server s = existing(serverName);
        long nowNanos = EventKey.nanos(now());
        Map<String, DeviceResult> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = inventory.indexOf(serial);
            if (!accessible(i, s, nowNanos)) {
                result.put(serial, DeviceResult.NOT_ACCESSIBLE);
                continue;
            }
            leave(i, nowNanos);
            flags[i] |= RELEASED;
            dirtyDevices.set(i);
            result.put(serial, DeviceResult.SUCCESS);
        }
        flush();
        return result;
    }

    /** Device details (POST /devices): the view of each serial the server can see, null for the others. */
    public synchronized Map<String, DeviceView> details(String serverName, Collection<String> serials) {
        Server s = existing(serverName);
        long nowNanos = EventKey.nanos(now());
        Map<String, DeviceView> result = new LinkedHashMap<>();
        for (String serial : serials) {
            int i = inventory.indexOf(serial);
            result.put(serial, accessible(i, s, nowNanos) ? view(i, s, null, null) : null);
        }
        return result;
    }

    /** Organization-linked activation lock (POST /device/activationlock): one of the LOCK_* answers. */
    public synchronized String activationLock(String serverName, String serial) {
        Server s = existing(serverName);
        int i = inventory.indexOf(serial);
        if (!accessible(i, s, EventKey.nanos(now()))) {
            return LOCK_NOT_ACCESSIBLE;
        }
        if ((flags[i] & LOCKED) != 0) {
            return LOCK_ALREADY_LOCKED;
        }
        flags[i] |= LOCKED;
        dirtyDevices.set(i);
        flush();
        return LOCK_SUCCESS;
    }

    private boolean accessible(int i, Server s, long nowNanos) {
        return i >= 0 && server[i] == s.index && addNanos[i] <= nowNanos && (flags[i] & RELEASED) == 0;
    }

    // ---------------------------------------------------------------------------------------------- cloud configuration

    /**
     * The cloud configuration a device gets when it activates: if it is assigned to a server and has a profile, the
     * profile is marked pushed (profile_push_time now, a {@code modified} record). Null for an unknown serial.
     */
    public synchronized CloudConfigGrant pushProfile(String serial) {
        int i = inventory.indexOf(serial);
        if (i < 0) {
            return null;
        }
        FakeAbmConfig.Organization org = orgs.get(inventory.organization(i)).info;
        if (server[i] < 0 || profile[i] < 0 || (flags[i] & RELEASED) != 0) {
            return new CloudConfigGrant(view(i, serverOf(i), null, null), null, org);
        }
        Instant now = now();
        Server s = servers.get(server[i]);
        status[i] = (byte) ProfileStatus.PUSHED.ordinal();
        pushMillis[i] = now.toEpochMilli();
        s.changes.append(EventKey.nanos(now), ++seq, i, OP_MODIFIED);
        dirtyDevices.set(i);
        flush();
        return new CloudConfigGrant(view(i, s, null, null), profiles.get(profile[i]), org);
    }

    // ---------------------------------------------------------------------------------------------- internals

    private Server serverOf(int i) {
        return server[i] < 0 ? null : servers.get(server[i]);
    }

    /** The device as {@code seenBy} sees it; assignment fields only if it is (still) assigned there. */
    private DeviceView view(int i, Server seenBy, OpType op, Instant opDate) {
        InventoryDevice d = inventory.get(i);
        Server current = serverOf(i);
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

    private static Instant time(long millis) {
        return millis == NO_TIME ? null : Instant.ofEpochMilli(millis);
    }

    private long nanosPerDevice(Server s) {
        int rate = s.devicesPerMinute >= 0 ? s.devicesPerMinute : defaultDevicesPerMinute;
        return rate == 0 ? 0 : Duration.ofMinutes(1).toNanos() / rate;
    }

    private Server existing(String serverName) {
        Server s = serversByName.get(requireNonNull(serverName, "serverName"));
        if (s == null) {
            throw new UnknownServer(serverName);
        }
        return s;
    }

    private Org existingOrg(String orgId) {
        Integer i = orgsById.get(requireNonNull(orgId, "orgId"));
        if (i == null) {
            throw new UnknownOrganization(orgId);
        }
        return orgs.get(i);
    }

    private void ensureState(int n) {
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

    private static String list(List<String> items) {
        return String.join(", ", items.subList(0, Math.min(10, items.size())))
                + (items.size() > 10 ? " and " + (items.size() - 10) + " more" : "");
    }

    // ---------------------------------------------------------------------------------------------- persistence

    /** Writes everything changed since the last flush to the store, in one transaction. */
    private void flush() {
        if (store == AbmStore.NONE) {
            return;
        }
        List<AbmStore.OrgRow> orgRows = new ArrayList<>();
        dirtyOrgs.stream().forEach(o -> orgRows.add(new AbmStore.OrgRow(o, orgs.get(o).info, orgs.get(o).termsAccepted)));
        List<AbmStore.ServerRow> serverRows = new ArrayList<>();
        dirtyServers.stream().forEach(s -> serverRows.add(servers.get(s).row()));
        List<AbmStore.DeviceRow> newDevices = new ArrayList<>();
        for (int i = devicesStored; i < inventory.size(); i++) {
            newDevices.add(deviceRow(i));
        }
        List<AbmStore.DeviceRow> changedDevices = new ArrayList<>();
        dirtyDevices.stream().filter(i -> i < devicesStored).forEach(i -> changedDevices.add(deviceRow(i)));
        List<AbmStore.ProfileRow> profileRows = new ArrayList<>();
        for (int p = profilesStored; p < profiles.size(); p++) {
            profileRows.add(new AbmStore.ProfileRow(profileOwners.get(p).index, profiles.get(p)));
        }
        List<AbmStore.LogRow> logRows = new ArrayList<>();
        for (Server s : servers) {
            for (int e = s.membersStored; e < s.members.size(); e++) {
                logRows.add(logRow(s, s.members, e));
            }
            for (int e = s.changesStored; e < s.changes.size(); e++) {
                logRows.add(logRow(s, s.changes, e));
            }
        }
        List<Long> cancelledSeqs = cancelled.stream().map(c -> c[1]).toList();
        store.write(new AbmStore.Changes(orgRows, serverRows, newDevices, changedDevices, profileRows, logRows,
                cancelledSeqs, lastNow));
        devicesStored = inventory.size();
        profilesStored = profiles.size();
        for (Server s : servers) {
            s.membersStored = s.members.size();
            s.changesStored = s.changes.size();
        }
        dirtyOrgs.clear();
        dirtyServers.clear();
        dirtyDevices.clear();
        cancelled.clear();
    }

    private AbmStore.LogRow logRow(Server s, KeyLog log, int e) {
        return new AbmStore.LogRow(log.seq(e), s.index, log.key(e).instant(), inventory.serial(log.device(e)),
                OPS[log.op(e)], (log.flags(e) & KeyLog.CANCELLED) != 0);
    }

    private AbmStore.DeviceRow deviceRow(int i) {
        return new AbmStore.DeviceRow(i, inventory.get(i), inventory.organization(i), server[i],
                addSeq[i] == 0 ? 0 : addSeq[i], addNanos[i] == NO_TIME ? null : new EventKey(addNanos[i], 0).instant(),
                people.get(assignedBy[i]), profile[i] < 0 ? null : profiles.get(profile[i]).profileUuid(),
                STATUSES[status[i]], time(assignMillis[i]), time(pushMillis[i]), (flags[i] & RELEASED) != 0,
                (flags[i] & LOCKED) != 0, migrationDeadlines.get(i));
    }

    /** Rebuilds the state from what a store holds (before {@link #attach}). */
    public synchronized void restore(AbmStore.Snapshot snap) {
        if (!orgs.isEmpty() || inventory.size() > 0 || !servers.isEmpty()) {
            throw new IllegalStateException("restore needs an empty state");
        }
        for (AbmStore.OrgRow o : snap.organizations()) {
            if (o.index() != orgs.size()) {
                throw new IllegalStateException("organizations out of order at " + o.index());
            }
            Org org = new Org(o.index(), o.organization());
            org.termsAccepted = o.termsAccepted();
            orgs.add(org);
            orgsById.put(o.organization().orgId(), org.index);
        }
        for (AbmStore.ServerRow r : snap.servers()) {
            if (r.index() != servers.size()) {
                throw new IllegalStateException("MDM servers out of order at " + r.index());
            }
            Server s = new Server(r.index(), r.name(), r.uuid(), r.certificate(), r.orgIndex());
            s.keys = r.keys();
            s.tokenGeneration = r.tokenGeneration();
            s.releaseEnd = r.releaseEndNanos();
            s.devicesPerMinute = r.devicesPerMinute();
            s.cursorsValidFrom = r.cursorsValidFrom();
            servers.add(s);
            serversByName.put(s.name, s);
            if (s.keys != null) {
                serversByConsumerKey.put(s.keys.consumerKey(), s);
            }
        }
        Map<String, Integer> profileIndex = new HashMap<>();
        for (AbmStore.ProfileRow p : snap.profiles()) {
            Server owner = servers.get(p.serverIndex());
            owner.profiles.put(p.profile().profileUuid(), profiles.size());
            profileIndex.put(p.serverIndex() + "\n" + p.profile().profileUuid(), profiles.size());
            profiles.add(p.profile());
            profileOwners.add(owner);
        }
        for (AbmStore.DeviceRow d : snap.devices()) {
            int i = inventory.add(d.device(), d.orgIndex());
            if (i != d.index()) {
                throw new IllegalStateException("devices out of order at " + d.index());
            }
            ensureState(i + 1);
            server[i] = (short) d.serverIndex();
            profile[i] = d.profileUuid() == null ? -1 : profileIndex.get(d.serverIndex() + "\n" + d.profileUuid());
            status[i] = (byte) d.profileStatus().ordinal();
            flags[i] = (byte) ((d.released() ? RELEASED : 0) | (d.activationLocked() ? LOCKED : 0));
            addSeq[i] = d.addSeq();
            addNanos[i] = d.assignedAt() == null ? NO_TIME : EventKey.nanos(d.assignedAt());
            assignedBy[i] = people.id(d.assignedBy());
            assignMillis[i] = d.profileAssignTime() == null ? NO_TIME : d.profileAssignTime().toEpochMilli();
            pushMillis[i] = d.profilePushTime() == null ? NO_TIME : d.profilePushTime().toEpochMilli();
            if (d.migrationDeadline() != null) {
                migrationDeadlines.put(i, d.migrationDeadline());
            }
            if (d.serverIndex() >= 0) {
                servers.get(d.serverIndex()).live++;
            }
        }
        for (AbmStore.LogRow r : snap.log()) {
            Server s = servers.get(r.serverIndex());
            int i = inventory.indexOf(r.serialNumber());
            KeyLog log = r.op() == OpType.ADDED ? s.members : s.changes;
            int e = log.append(EventKey.nanos(r.at()), r.seq(), i, (byte) r.op().ordinal());
            if (r.cancelled()) {
                log.setFlags(e, KeyLog.CANCELLED);
            }
            seq = Math.max(seq, r.seq());
        }
        for (int i = 0; i < inventory.size(); i++) {
            seq = Math.max(seq, addSeq[i]);
        }
        if (snap.lastNow() != null) {
            lastNow = snap.lastNow();
        }
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

    private static final class Org {
        final int index;
        final FakeAbmConfig.Organization info;
        boolean termsAccepted = true;

        Org(int index, FakeAbmConfig.Organization info) {
            this.index = index;
            this.info = info;
        }
    }

    private final class Server {
        final int index;
        final String name;
        final String uuid;
        final X509Certificate certificate;
        final int org;
        OAuthKeys keys;
        long tokenGeneration;
        long releaseEnd = Long.MIN_VALUE;
        int devicesPerMinute = -1;
        Instant cursorsValidFrom = Instant.EPOCH;
        int live;
        /** Assignments, at the position where each became (or becomes) visible: the {@code added} records. */
        final KeyLog members = new KeyLog();
        /** Later changes ({@code modified}, {@code deleted}), at the moment they happened. */
        final KeyLog changes = new KeyLog();
        final Map<String, Integer> profiles = new LinkedHashMap<>();
        int membersStored;
        int changesStored;

        Server(int index, String name, String uuid, X509Certificate certificate, int org) {
            this.index = index;
            this.name = name;
            this.uuid = uuid;
            this.certificate = certificate;
            this.org = org;
        }

        ServerView view() {
            Org o = orgs.get(org);
            return new ServerView(name, uuid, certificate, keys, tokenGeneration, live, o.info, o.termsAccepted,
                    devicesPerMinute >= 0 ? devicesPerMinute : defaultDevicesPerMinute, cursorsValidFrom, profiles.size());
        }

        AbmStore.ServerRow row() {
            return new AbmStore.ServerRow(index, name, uuid, certificate, org, keys, tokenGeneration, releaseEnd,
                    devicesPerMinute, cursorsValidFrom);
        }
    }
}
