package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ProfileStatus;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What ABM knows: the inventory, the MDM servers with their tokens and profiles, which device is assigned where, and
 * per MDM server the log of device changes that fetch and sync read (PROTOCOL.md §1.5, §1.6).
 *
 * <p>A device assigned to an MDM server becomes visible to that server's DEP API at a pace of
 * {@code devicesPerMinute}: each server releases its assignments one after another, so the device at position
 * {@code p} of the queue is visible at {@code start + p / rate}. Every change gets a log position
 * ({@link EventKey}) at the moment it becomes visible; cursors are such positions. The clock seen here never goes
 * backwards, so a position handed out in a cursor stays valid.
 *
 * <p>All methods are atomic (one lock); results are immutable snapshots.
 */
final class AbmState {

    /** The OAuth keys of an MDM server's current token. */
    record OAuthKeys(String consumerKey, String consumerSecret, String accessToken, String accessSecret, Instant expiry) {
        OAuthKeys {
            requireNonNull(consumerKey, "consumerKey");
            requireNonNull(consumerSecret, "consumerSecret");
            requireNonNull(accessToken, "accessToken");
            requireNonNull(accessSecret, "accessSecret");
            requireNonNull(expiry, "expiry");
        }
    }

    /** An MDM server as the admin API and the DEP API see it. {@code keys} is null before the first token download. */
    record ServerView(String name, String uuid, X509Certificate certificate, OAuthKeys keys, long tokenGeneration,
            int devices) {
    }

    /**
     * A device as a DEP response shows it. {@code mdmServer} is null when unassigned; {@code opType}/{@code opDate}
     * are set for sync records only. For a sync record of a server the device has left, the assignment fields are
     * null.
     */
    record DeviceView(InventoryDevice device, String mdmServer, String profileUuid, ProfileStatus profileStatus,
            Instant profileAssignTime, Instant profilePushTime, Instant assignedDate, String assignedBy,
            OpType opType, Instant opDate) {

        String serialNumber() {
            return device.serialNumber();
        }
    }

    record FetchPage(List<DeviceView> devices, EventKey high, EventKey last, boolean moreToFollow) {
    }

    record SyncPage(List<DeviceView> devices, EventKey position, boolean moreToFollow) {
    }

    /** What a device's cloud-configuration request gets: the assigned profile, or null if it has none. */
    record CloudConfigGrant(DeviceView device, AbmProfile profile) {
    }

    private final Supplier<Instant> clock;
    private final long nanosPerDevice;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private final Map<String, Server> serversByConsumerKey = new LinkedHashMap<>();
    private long seq;
    private Instant lastNow = Instant.MIN;

    AbmState(List<InventoryDevice> inventory, Supplier<Instant> clock, int devicesPerMinute) {
        requireNonNull(inventory, "inventory");
        this.clock = requireNonNull(clock, "clock");
        if (devicesPerMinute < 0) {
            throw new IllegalArgumentException("devicesPerMinute: " + devicesPerMinute + " (expected: >= 0, 0 = unlimited)");
        }
        this.nanosPerDevice = devicesPerMinute == 0 ? 0 : Duration.ofMinutes(1).toNanos() / devicesPerMinute;
        for (InventoryDevice d : inventory) {
            if (devices.put(d.serialNumber(), new Device(d)) != null) {
                throw new IllegalArgumentException("inventory: duplicate serial " + d.serialNumber());
            }
        }
    }

    /** The simulated time, never earlier than any time this state has already used. */
    synchronized Instant now() {
        Instant t = clock.get();
        if (t.isBefore(lastNow)) {
            t = lastNow;
        }
        lastNow = t;
        return t;
    }

    // ---------------------------------------------------------------------------------------------- MDM servers

    synchronized ServerView addServer(String name, String uuid, X509Certificate certificate) {
        requireNonNull(name, "name");
        requireNonNull(uuid, "uuid");
        requireNonNull(certificate, "certificate");
        if (servers.containsKey(name)) {
            throw new StateConflict("MDM server " + name + " already exists");
        }
        Server s = new Server(name, uuid, certificate);
        servers.put(name, s);
        return s.view();
    }

    synchronized ServerView server(String name) {
        Server s = servers.get(name);
        return s == null ? null : s.view();
    }

    synchronized List<ServerView> servers() {
        return servers.values().stream().map(Server::view).toList();
    }

    /** Makes {@code keys} the server's only valid token; the previous token's keys stop working. */
    synchronized ServerView replaceToken(String serverName, OAuthKeys keys) {
        Server s = existing(serverName);
        if (s.keys != null) {
            serversByConsumerKey.remove(s.keys.consumerKey());
        }
        s.keys = requireNonNull(keys, "keys");
        s.tokenGeneration++;
        serversByConsumerKey.put(keys.consumerKey(), s);
        return s.view();
    }

    /** The server whose current token has this consumer key, or null. */
    synchronized ServerView serverByConsumerKey(String consumerKey) {
        Server s = serversByConsumerKey.get(consumerKey);
        return s == null ? null : s.view();
    }

    // ---------------------------------------------------------------------------------------------- assignment (ABM admin)

    /**
     * Assigns devices to an MDM server (ABM "assign to server"). Devices already there are left alone; devices of
     * another server move (a {@code deleted} record there). All or nothing: an unknown serial assigns none.
     *
     * @return how many of the given devices are now assigned to the server
     */
    synchronized int assign(String serverName, Collection<String> serials, String assignedBy) {
        Server server = existing(serverName);
        Set<String> unique = new LinkedHashSet<>(serials);
        List<String> unknown = unique.stream().filter(s -> !devices.containsKey(s)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown serial" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown.subList(0, Math.min(10, unknown.size())))
                    + (unknown.size() > 10 ? " and " + (unknown.size() - 10) + " more" : ""));
        }
        Instant now = now();
        List<Device> incoming = unique.stream().map(devices::get).filter(d -> d.server != server).toList();
        Instant start = server.releaseEnd.isAfter(now) ? server.releaseEnd : now;
        long position = 0;
        for (Device d : incoming) {
            if (d.server != null) {
                Server old = d.server;
                old.members.remove(d.addKey);
                old.log(new EventKey(EventKey.nanos(now), ++seq), d, OpType.DELETED);
            }
            Instant visible = start.plusNanos(position++ * nanosPerDevice);
            d.server = server;
            d.addKey = EventKey.of(visible, ++seq);
            d.assignedBy = assignedBy;
            d.profile = null;
            d.profileStatus = ProfileStatus.EMPTY;
            d.profileAssignTime = null;
            d.profilePushTime = null;
            server.members.put(d.addKey, d);
            server.log(d.addKey, d, OpType.ADDED);
        }
        server.releaseEnd = start.plusNanos(position * nanosPerDevice);
        return unique.size();
    }

    synchronized List<String> serials() {
        return List.copyOf(devices.keySet());
    }

    // ---------------------------------------------------------------------------------------------- fetch and sync

    /** The position that closes a fetch snapshot taken now: every change recorded and visible so far. */
    synchronized EventKey snapshot() {
        return EventKey.of(now(), seq);
    }

    /**
     * One page of a fetch: devices currently assigned (and visible) to the server whose assignment position lies in
     * {@code (after, high]}, oldest first.
     */
    synchronized FetchPage fetch(String serverName, EventKey high, EventKey after, int limit) {
        Server server = existing(serverName);
        NavigableMap<EventKey, Device> range = server.members.subMap(after, false, high, true);
        List<DeviceView> page = new ArrayList<>(Math.min(limit, range.size()));
        EventKey last = after;
        for (Map.Entry<EventKey, Device> e : range.entrySet()) {
            if (page.size() == limit) {
                break;
            }
            page.add(e.getValue().view(server, null, null));
            last = e.getKey();
        }
        boolean more = !server.members.subMap(last, false, high, true).isEmpty();
        return new FetchPage(List.copyOf(page), high, last, more);
    }

    /** True if a fetch with this snapshot has nothing left after {@code after}. */
    synchronized boolean fetchExhausted(String serverName, EventKey high, EventKey after) {
        return existing(serverName).members.subMap(after, false, high, true).isEmpty();
    }

    /** One page of changes after {@code after} that are visible now, in log order. */
    synchronized SyncPage sync(String serverName, EventKey after, int limit) {
        Server server = existing(serverName);
        Instant now = now();
        List<DeviceView> page = new ArrayList<>();
        EventKey position = after;
        boolean more = false;
        for (Map.Entry<EventKey, Event> e : server.events.tailMap(after, false).entrySet()) {
            if (!e.getKey().visibleAt(now)) {
                break;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            Event event = e.getValue();
            page.add(event.device.view(server, event.op, e.getKey().instant()));
            position = e.getKey();
        }
        return new SyncPage(List.copyOf(page), position, more);
    }

    // ---------------------------------------------------------------------------------------------- profiles

    synchronized void defineProfile(String serverName, AbmProfile profile) {
        Server server = existing(serverName);
        if (server.profiles.putIfAbsent(profile.profileUuid(), profile) != null) {
            throw new StateConflict("profile " + profile.profileUuid() + " already exists");
        }
    }

    /** The server's profile with this UUID, or null. */
    synchronized AbmProfile profile(String serverName, String profileUuid) {
        return existing(serverName).profiles.get(profileUuid);
    }

    /**
     * Assigns a profile of this server to devices visible to it: {@code assigned}, profile_assign_time now, a
     * {@code modified} record. Devices the server can't see get NOT_ACCESSIBLE.
     */
    synchronized Map<String, DeviceResult> assignProfile(String serverName, String profileUuid, Collection<String> serials) {
        Server server = existing(serverName);
        AbmProfile profile = server.profiles.get(profileUuid);
        if (profile == null) {
            throw new IllegalArgumentException("profile " + profileUuid + " does not exist on MDM server " + serverName);
        }
        Instant now = now();
        Map<String, DeviceResult> result = new LinkedHashMap<>();
        for (String serial : serials) {
            Device d = devices.get(serial);
            if (d == null || d.server != server || !d.addKey.visibleAt(now)) {
                result.put(serial, DeviceResult.NOT_ACCESSIBLE);
                continue;
            }
            d.profile = profile;
            d.profileStatus = ProfileStatus.ASSIGNED;
            d.profileAssignTime = now;
            d.profilePushTime = null;
            server.log(EventKey.of(now, ++seq), d, OpType.MODIFIED);
            result.put(serial, DeviceResult.SUCCESS);
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------- devices

    synchronized boolean knows(String serial) {
        return devices.containsKey(serial);
    }

    synchronized DeviceView device(String serial) {
        Device d = devices.get(serial);
        return d == null ? null : d.view(d.server, null, null);
    }

    synchronized List<DeviceView> devices() {
        return devices.values().stream().map(d -> d.view(d.server, null, null)).toList();
    }

    /**
     * The cloud configuration a device gets when it activates: if it is assigned to a server and has a profile, the
     * profile is marked pushed (profile_push_time now, a {@code modified} record). Null for an unknown serial.
     */
    synchronized CloudConfigGrant pushProfile(String serial) {
        Device d = devices.get(serial);
        if (d == null) {
            return null;
        }
        if (d.server == null || d.profile == null) {
            return new CloudConfigGrant(d.view(d.server, null, null), null);
        }
        Instant now = now();
        d.profileStatus = ProfileStatus.PUSHED;
        d.profilePushTime = now;
        d.server.log(EventKey.of(now, ++seq), d, OpType.MODIFIED);
        return new CloudConfigGrant(d.view(d.server, null, null), d.profile);
    }

    // ---------------------------------------------------------------------------------------------- internals

    private Server existing(String serverName) {
        Server s = servers.get(requireNonNull(serverName, "serverName"));
        if (s == null) {
            throw new UnknownServer(serverName);
        }
        return s;
    }

    /** Thrown when a name does not match any MDM server. */
    static final class UnknownServer extends RuntimeException {
        UnknownServer(String name) {
            super("no MDM server named " + name);
        }
    }

    /** Thrown when an admin action conflicts with what exists. */
    static final class StateConflict extends RuntimeException {
        StateConflict(String message) {
            super(message);
        }
    }

    private record Event(Device device, OpType op) {
    }

    private static final class Server {
        final String name;
        final String uuid;
        final X509Certificate certificate;
        OAuthKeys keys;
        long tokenGeneration;
        Instant releaseEnd = Instant.MIN;
        /** Devices assigned here, by the position at which they became (or become) visible. */
        final TreeMap<EventKey, Device> members = new TreeMap<>();
        final TreeMap<EventKey, Event> events = new TreeMap<>();
        final Map<String, AbmProfile> profiles = new LinkedHashMap<>();

        Server(String name, String uuid, X509Certificate certificate) {
            this.name = name;
            this.uuid = uuid;
            this.certificate = certificate;
        }

        void log(EventKey key, Device d, OpType op) {
            events.put(key, new Event(d, op));
        }

        ServerView view() {
            return new ServerView(name, uuid, certificate, keys, tokenGeneration, members.size());
        }
    }

    private static final class Device {
        final InventoryDevice inventory;
        Server server;
        EventKey addKey;
        String assignedBy;
        AbmProfile profile;
        ProfileStatus profileStatus = ProfileStatus.EMPTY;
        Instant profileAssignTime;
        Instant profilePushTime;

        Device(InventoryDevice inventory) {
            this.inventory = inventory;
        }

        /** The device as {@code seenBy} sees it; assignment fields only if it is (still) assigned there. */
        DeviceView view(Server seenBy, OpType op, Instant opDate) {
            if (seenBy == null || server != seenBy) {
                return new DeviceView(inventory, server == null ? null : server.name, null,
                        seenBy == null ? profileStatus : null, null, null, null, null, op, opDate);
            }
            return new DeviceView(inventory, server.name, profile == null ? null : profile.profileUuid(), profileStatus,
                    profileAssignTime, profilePushTime, addKey.instant(), assignedBy, op, opDate);
        }
    }
}
