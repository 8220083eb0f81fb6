package io.mdmsim.mdm.dep;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.dep.AccountDetail;
import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.time.ClockTimer;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredDep;
import io.mdmsim.mdm.store.TrackedMap;
import io.mdmsim.mdm.store.TrackedSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * DEP server tokens (DESIGN.md "The reference MDM's rules"): the MDM's token key pair, upload of the .p7m an ABM
 * admin downloaded (decrypted with that key), and the sync of each token in the background: session, account, a full
 * fetch of all devices, the enrollment profile defined once, and the profile assigned to every serial (batches of
 * 1000). Then a delta sync ({@code POST /devices/sync} from the last cursor) every {@code syncInterval} of simulated
 * time, or at once on {@link #syncNow}, assigns devices added since. A failed round is retried at the next interval
 * (from a full fetch if there is no cursor yet).
 *
 * <p>Tokens, their serial numbers, profiles, sync state and cursor, and the add flows are written to the store
 * ({@link TokenStorage}) before the request that changed them is answered and at the end of each sync round; a
 * service made on a store that holds tokens carries on with them ({@link #resumeSyncs()}: the next delta sync comes
 * when the interval since the last one is over), so a restarted server needs no new upload.
 */
public final class DepTokenService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DepTokenService.class.getName());
    static final int FETCH_PAGE = 1000;
    /** The seeds' limits and intervals (000_…: 1,000 profiles and 200,000 devices per token). */
    static final int MAX_TOKENS = 2000;
    static final int MAX_DEVICES_PER_TOKEN = 200_000;
    /** 000_… "Maximum Automated Device Enrollment devices per profile: 200,000" (the 2020 page had no limit). */
    static final int MAX_DEVICES_PER_PROFILE = 200_000;
    static final int MAX_PROFILES_PER_TOKEN = 1000;
    static final Duration FULL_SYNC_MIN = Duration.ofDays(7);
    static final Duration MANUAL_SYNC_MIN = Duration.ofMinutes(15);
    /** "All sync requests are given 15 minutes to finish" (seeds): full and delta alike. */
    static final Duration SYNC_TIMEOUT = Duration.ofMinutes(15);
    static final Duration PURGE_MIN = Duration.ofDays(30);
    static final int PURGE_SPREAD_DAYS = 15;

    enum SyncState { PENDING, SYNCING, SYNCED, FAILED }

    /** One uploaded token and what its syncs found. Fields are guarded by the service's {@code tokens} monitor. */
    static final class Token {
        final String name;
        String appleId;
        final URI depUrl;
        final Instant uploadedAt;
        ServerToken serverToken;
        Instant renewedAt;
        /** The key pair the token was encrypted to (the server's, or the add flow's). */
        Identity key;
        /** Serialises the syncs of this token (its client is not thread-safe). */
        final ReentrantLock syncLock = new ReentrantLock();
        DepClient client;
        volatile boolean removed;
        /** The background sync on the clock's timers (a round, then one every sync interval). */
        volatile ClockTimer syncTimer;
        SyncState syncState = SyncState.PENDING;
        String lastError;
        String orgName;
        String serverName;
        String profileUuid;
        String cursor;
        Instant lastSyncAt;
        int syncs;
        /** Failed rounds in a row: the first is logged as a warning, the rest at debug level, and each waits longer. */
        int failedInARow;
        /** The sync rules of the seeds (DESIGN.md "The reference MDM's rules"). */
        Instant lastFullSyncAt;
        Instant lastManualSyncAt;
        Instant syncStartedAt;
        String syncKind;
        String lastSyncKind;
        boolean nextFull;
        int progressDevices;
        /** Its scope tags, inherited by its profiles and devices (2020 page). */
        List<String> scopeTags = List.of();
        /** Counts sync rounds; a round that ran out of time no longer changes the token when it returns. */
        long round;
        /** Serial numbers whose state below changed since the token was last stored. */
        final Set<String> changedSerials = new LinkedHashSet<>();
        /** Serials ABM released from this server: shown "Removed from ABM" until purged (30–45 days). */
        final Map<String, Instant> removedFromAbm = new TrackedMap<>(changedSerials::add);
        final Map<String, Instant> removedAt = new TrackedMap<>(changedSerials::add);
        final List<String> warnings = new ArrayList<>();
        /** Deleted here while ABM may still assign them: only a full sync brings them back (the seeds). */
        final Set<String> deletedHere = new TrackedSet<>(changedSerials::add);
        /** Enrollment profiles defined in ABM through this token, by profile UUID; and which serial has which. */
        final Map<String, EnrollmentProfile> profiles = new LinkedHashMap<>();
        final Map<String, String> profileOf = new TrackedMap<>(changedSerials::add);
        /**
         * Profile edits (lifecycle): a profile keeps the UUID it was created with here; each edit defines it again in
         * ABM, which gives a new profile_uuid (kept here, by profile UUID), and bumps its revision.
         */
        final Map<String, String> abmUuidOf = new LinkedHashMap<>();
        final Map<String, Integer> revisionOf = new LinkedHashMap<>();
        final Map<String, Instant> editedAt = new LinkedHashMap<>();
        /** Serials this server currently holds in DEP, and those the profile is assigned to. */
        final Set<String> serials = new TrackedSet<>(changedSerials::add);
        final Set<String> assigned = new TrackedSet<>(changedSerials::add);

        Token(String name, String appleId, URI depUrl, ServerToken serverToken, Instant uploadedAt) {
            this.name = name;
            this.appleId = appleId;
            this.depUrl = depUrl;
            this.serverToken = serverToken;
            this.uploadedAt = uploadedAt;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("consumerKey", serverToken.consumerKey());
            m.put("orgName", orgName);
            m.put("serverName", serverName);
            m.put("appleId", appleId);
            m.put("depUrl", depUrl.toString());
            m.put("expiry", str(serverToken.accessTokenExpiry()));
            m.put("syncState", syncState.name());
            m.put("lastError", lastError);
            m.put("devices", serials.size());
            m.put("profileUuid", profileUuid);
            m.put("assigned", assigned.size());
            m.put("syncs", syncs);
            m.put("failedRounds", failedInARow);
            m.put("uploadedAt", str(uploadedAt));
            m.put("lastSyncAt", str(lastSyncAt));
            m.put("lastSyncKind", lastSyncKind);
            m.put("lastFullSyncAt", str(lastFullSyncAt));
            m.put("lastManualSyncAt", str(lastManualSyncAt));
            m.put("nextFullSyncAllowedAt", str(lastFullSyncAt == null ? null : lastFullSyncAt.plus(FULL_SYNC_MIN)));
            m.put("nextManualSyncAllowedAt",
                    str(lastManualSyncAt == null ? null : lastManualSyncAt.plus(MANUAL_SYNC_MIN)));
            m.put("nextSyncFull", nextFull || cursor == null);
            m.put("removedFromAbm", removedFromAbm.size());
            m.put("scopeTags", scopeTags);
            m.put("profiles", profiles.size());
            m.put("defaultProfileUuid", profileUuid);
            if (syncState == SyncState.SYNCING) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("kind", syncKind);
                p.put("startedAt", str(syncStartedAt));
                p.put("devicesReceived", progressDevices);
                m.put("progress", p);
            }
            List<String> w = new ArrayList<>(warnings);
            if (serials.size() > MAX_DEVICES_PER_TOKEN) {
                w.add("token holds " + serials.size() + " devices, above the limit of " + MAX_DEVICES_PER_TOKEN
                        + " per token");
            }
            m.put("warnings", w);
            return m;
        }
    }

    private final Identity keyPair;
    private final SimClock clock;
    private final Ids ids;
    private final URI defaultDepUrl;
    private final Supplier<URI> publicBase;
    private final String organization;
    private final Duration syncInterval;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final Map<String, Token> tokens = new LinkedHashMap<>();
    private final StoredDep store;
    private final TokenStorage storage;
    /** Orders the writes of each token name (and of the add flows) without holding the tokens monitor. */
    private final Map<String, ReentrantLock> persistLocks = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReentrantLock flowLock = new ReentrantLock();
    private final EventLog events;
    /** Add flows (seeds: the admin downloads a public key, creates the server in ABM, uploads the .p7m). */
    private final Map<String, AddFlow> flows = new LinkedHashMap<>();

    private static final class AddFlow {
        final String id;
        final Identity key;
        final Instant startedAt;
        String state = "OPEN"; // OPEN, COMPLETED, ABANDONED

        AddFlow(String id, Identity key, Instant startedAt) {
            this.id = id;
            this.key = key;
            this.startedAt = startedAt;
        }
    }

    /**
     * Starts an add flow with a new key pair; an open flow started before is abandoned, and an abandoned flow's key
     * pair can no longer decrypt a token (the seeds: leaving the add flow invalidates its key pair).
     */
    public Map<String, Object> startAddFlow() {
        java.security.KeyPair pair = io.mdmsim.core.pki.KeyPairs.rsa2048();
        Instant now = clock.now();
        Identity key = new Identity(io.mdmsim.core.pki.Certificates.selfSigned(pair, "CN=" + organization
                + " MDM DEP token " + ids.uuid(), now.minus(Duration.ofHours(1)), Duration.ofDays(365)),
                pair.getPrivate());
        AddFlow flow;
        flowLock.lock();
        try {
            List<StoredDep.Flow> changed = new ArrayList<>();
            synchronized (tokens) {
                for (AddFlow f : flows.values()) {
                    if (f.state.equals("OPEN")) {
                        f.state = "ABANDONED";
                        changed.add(storage.flowRow(f.id, f.key, f.startedAt, f.state));
                    }
                }
                flow = new AddFlow("flow-" + (flows.size() + 1), key, now);
                flows.put(flow.id, flow);
                changed.add(storage.flowRow(flow.id, flow.key, flow.startedAt, flow.state));
            }
            changed.forEach(store::saveFlow);
        } finally {
            flowLock.unlock();
        }
        events.emit("dep.addflow.started", null, "flow", flow.id);
        return Map.of("flow", flow.id, "publicKeyPem", io.mdmsim.core.pki.Pem.encode(key.certificate()),
                "startedAt", now.toString());
    }

    public void abandonAddFlow(String id) {
        setFlowState(id, "ABANDONED", true);
        events.emit("dep.addflow.abandoned", null, "flow", id);
    }

    /** The key of an open add flow; the flow is completed. */
    private Identity flowKey(String id) {
        synchronized (tokens) {
            AddFlow flow = flows.get(id);
            if (flow == null) {
                throw new BadInputException("flow: " + id + " is unknown (expected: an add flow from"
                        + " POST /admin/dep/add-flows)");
            }
            if (!flow.state.equals("OPEN")) {
                throw new BadInputException("add flow " + id + " was " + flow.state.toLowerCase(java.util.Locale.ROOT)
                        + "; its key pair is no longer valid (start a new add flow, upload its public key to ABM and"
                        + " download a new token)");
            }
            return flow.key;
        }
    }

    private void completeFlow(String id) {
        setFlowState(id, "COMPLETED", false);
    }

    /** An open flow becomes {@code state}, stored. */
    private void setFlowState(String id, String state, boolean mustExist) {
        flowLock.lock();
        try {
            StoredDep.Flow row = null;
            synchronized (tokens) {
                AddFlow flow = flows.get(id);
                if (flow == null && mustExist) {
                    throw HttpError.notFound("add flow " + id + " is unknown");
                }
                if (flow != null && flow.state.equals("OPEN")) {
                    flow.state = state;
                    row = storage.flowRow(flow.id, flow.key, flow.startedAt, flow.state);
                }
            }
            if (row != null) {
                store.saveFlow(row);
            }
        } finally {
            flowLock.unlock();
        }
    }

    public DepTokenService(Identity keyPair, SimClock clock, Ids ids, URI defaultDepUrl, Supplier<URI> publicBase,
            String organization, Duration syncInterval, EventLog events) {
        this(keyPair, clock, ids, defaultDepUrl, publicBase, organization, syncInterval, events,
                MdmStore.inMemory().dep());
    }

    /** A service with the tokens and add flows {@code store} holds; their syncs start with {@link #resumeSyncs()}. */
    public DepTokenService(Identity keyPair, SimClock clock, Ids ids, URI defaultDepUrl, Supplier<URI> publicBase,
            String organization, Duration syncInterval, EventLog events, StoredDep store) {
        this.store = requireNonNull(store, "store");
        this.storage = new TokenStorage(requireNonNull(keyPair, "keyPair"));
        this.events = requireNonNull(events, "events");
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
        this.defaultDepUrl = defaultDepUrl; // null: every upload names its DEP API
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.organization = requireNonNull(organization, "organization");
        this.syncInterval = requireNonNull(syncInterval, "syncInterval");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        load();
    }

    /** The tokens and flows of the store, as they were; their syncs wait for {@link #resumeSyncs()}. */
    private void load() {
        StoredDep.Loaded loaded = store.load();
        Map<String, List<StoredDep.Device>> serials = new LinkedHashMap<>();
        loaded.devices().forEach(d -> serials.computeIfAbsent(d.token(), k -> new ArrayList<>()).add(d));
        synchronized (tokens) {
            for (StoredDep.Token row : loaded.tokens()) {
                Token t = storage.restore(row, serials.getOrDefault(row.name(), List.of()));
                if (t.syncState == SyncState.SYNCING) {
                    t.syncState = SyncState.PENDING; // the server stopped during a round: it runs again
                }
                t.client = new DepClient(http, t.depUrl, t.serverToken, clock);
                tokens.put(t.name, t);
            }
            for (StoredDep.Flow row : loaded.flows()) {
                TokenStorage.FlowDoc doc = storage.flow(row);
                AddFlow f = new AddFlow(doc.id(), storage.flowKey(doc), doc.startedAt());
                f.state = doc.state();
                flows.put(f.id, f);
            }
        }
        if (!loaded.tokens().isEmpty()) {
            LOG.log(INFO, "{0} DEP tokens loaded from the store: {1}", loaded.tokens().size(), tokens.keySet());
        }
    }

    /**
     * Starts the background sync of every token loaded from the store: a token that synced goes on with a delta sync
     * once the interval since its last sync is over; one that never finished a round syncs at once. Call once the
     * server's public URL is known (profiles carry it).
     */
    public void resumeSyncs() {
        List<Token> loaded;
        synchronized (tokens) {
            loaded = List.copyOf(tokens.values());
        }
        Instant now = clock.now();
        for (Token t : loaded) {
            Duration wait = Duration.ZERO;
            synchronized (tokens) {
                if (t.syncState == SyncState.SYNCED && t.cursor != null && t.lastSyncAt != null) {
                    Duration since = Duration.between(t.lastSyncAt, now);
                    wait = since.compareTo(syncInterval) >= 0 ? Duration.ZERO : syncInterval.minus(since);
                }
            }
            Duration first = wait;
            startSyncLoop(t, first);
        }
    }

    /**
     * Writes the token and its changed serial numbers to the store (outside the tokens monitor; writes of one token
     * name are ordered by its lock). A token deleted or replaced meanwhile is not written.
     */
    private void persist(Token token) {
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

    /** The certificate an ABM admin uploads when creating the MDM server. */
    public Identity keyPair() {
        return keyPair;
    }

    /**
     * Decrypts and stores an uploaded token, then starts its sync. Re-uploading a token of the same consumer key
     * (a renewal) replaces the old one under the same name.
     *
     * @throws BadInputException if the body is not a server token encrypted to this server's key
     */
    public Map<String, Object> upload(byte[] p7m, String appleId, URI depUrl, String requestedName) {
        return upload(p7m, appleId, depUrl, requestedName, null);
    }

    public Map<String, Object> upload(byte[] p7m, String appleId, URI depUrl, String requestedName, String flowId) {
        URI url = depUrl != null ? depUrl : defaultDepUrl;
        if (url == null) {
            throw new BadInputException("depUrl: missing (expected: the DEP API the token syncs from, e.g. the fake"
                    + " ABM's http://127.0.0.1:8400 or Apple's https://mdmenrollment.apple.com; this MDM has no"
                    + " default DEP URL, so it sends nothing to an address nobody named)");
        }
        Identity key = flowId == null ? keyPair : flowKey(flowId);
        ServerToken st = decrypt(p7m, key);
        Token token;
        Map<String, Object> created = new LinkedHashMap<>();
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
                retire(previous);
            }
            token = new Token(name, appleId, url, st, clock.now());
            token.key = key;
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
        if (flowId != null) {
            completeFlow(flowId);
        }
        events.emit("dep.token.added", null, "token", token.name, "appleId", appleId, "expiry",
                str(st.accessTokenExpiry()));
        startSyncLoop(token, Duration.ZERO);
        return created;
    }

    public List<Map<String, Object>> list() {
        synchronized (tokens) {
            tokens.values().forEach(this::expireOverdue);
            return tokens.values().stream().map(Token::json).toList();
        }
    }

    /**
     * A sync still running 15 minutes after it started has failed (seeds: "All sync requests are given 15 minutes to
     * finish"), even while ABM has not answered yet: the Sync button is enabled again and the next sync is full.
     * Called with the tokens monitor held.
     */
    private void expireOverdue(Token token) {
        Instant now = clock.now();
        if (token.syncState == SyncState.SYNCING && token.syncStartedAt != null
                && now.isAfter(token.syncStartedAt.plus(SYNC_TIMEOUT))) {
            token.round++; // the round still waiting for ABM changes nothing when it returns
            token.nextFull = true;
            token.syncState = SyncState.FAILED;
            token.lastError = overdue(token.syncKind, token.syncStartedAt, token.progressDevices);
            token.lastSyncAt = now;
            events.emit("dep.sync.failed", null, "token", token.name, "kind", token.syncKind, "reason",
                    token.lastError);
        }
    }

    private static String overdue(String kind, Instant started, int devices) {
        return (kind == null ? "" : kind + " ") + "sync did not finish within 15 minutes (started " + started + ", "
                + devices + " devices received); all sync requests are given 15 minutes to finish";
    }

    /**
     * Renews a token with a new .p7m downloaded from ABM for the same MDM server: the devices, profiles and cursor stay;
     * a different Apple ID than the one the token was added with is accepted with a warning.
     */
    public Map<String, Object> renew(String name, byte[] p7m, String appleId) {
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
    public void delete(String name) {
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
            retire(token);
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

    /** Deletes the token's (default) enrollment profile here; the devices keep the profile ABM assigned. */
    public void deleteProfile(String name) {
        synchronized (tokens) {
            Token token = existing(name);
            if (token.profileUuid == null) {
                throw HttpError.notFound("token " + name + " has no enrollment profile");
            }
            if (!token.serials.isEmpty()) {
                throw HttpError.conflict("the default profile of token " + name + " cannot be deleted while "
                        + token.serials.size() + " devices are assigned to it");
            }
            token.profiles.remove(token.profileUuid);
            token.profileUuid = null;
        }
        persist(existingToken(name));
    }

    /**
     * Creates an enrollment profile: validated with the seeds' constraints (all violations in one 400), defined in
     * ABM ({@code POST /profile}), and made the token's default profile when asked (new devices get it at sync).
     */
    public Map<String, Object> createProfile(String name, EnrollmentProfile created, boolean makeDefault)
            throws IOException, InterruptedException {
        requireValid(created);
        EnrollmentProfile profile = created.stamped(null); // a new profile: await final configuration defaults to Yes
        Token token;
        synchronized (tokens) {
            token = existing(name);
            if (token.profiles.size() >= MAX_PROFILES_PER_TOKEN) {
                throw HttpError.conflict("token " + name + " already has " + token.profiles.size()
                        + " enrollment profiles (limit: " + MAX_PROFILES_PER_TOKEN + " per token)");
            }
        }
        String uuid;
        token.syncLock.lock();
        try {
            uuid = token.client.defineProfile(depProfile(token, profile));
        } catch (DepClient.DepCallException e) {
            throw new HttpError(502, "defining the profile in ABM failed: " + e.getMessage());
        } finally {
            token.syncLock.unlock();
        }
        synchronized (tokens) {
            token.profiles.put(uuid, profile);
            if (makeDefault) {
                token.profileUuid = uuid;
            }
        }
        persist(token);
        events.emit("dep.profile.created", null, "token", name, "profileUuid", uuid, "name", profile.name(),
                "default", makeDefault);
        return profileJson(token, uuid);
    }

    private volatile java.util.function.Function<EnrollmentProfile, List<String>> profileRules = p -> List.of();

    /** More rules for enrollment profiles than their own (the enrollment policy: a vppToken must be known). */
    public void profileRules(java.util.function.Function<EnrollmentProfile, List<String>> rules) {
        this.profileRules = java.util.Objects.requireNonNull(rules, "rules");
    }

    /**
     * Every violation of a profile: the seeds' constraints, the server's other rules, then Apple's rules for the DEP
     * profile it becomes (the ones the fake ABM checks), so a profile saved here is one ABM accepts.
     */
    public List<String> validate(EnrollmentProfile profile) {
        List<String> v = new ArrayList<>(profile.violations());
        v.addAll(profileRules.apply(profile));
        if (v.isEmpty()) {
            String enroll = publicBase.get() + "/mdm/enroll";
            io.mdmsim.core.dep.ProfileRules.violations(profile.toDep(enroll, enroll, null, List.of()))
                    .forEach(x -> v.add(x.message() + " [" + x.code() + "]"));
        }
        return v;
    }

    /** Every enrollment profile of every token. */
    public List<EnrollmentProfile> allProfiles() {
        synchronized (tokens) {
            List<EnrollmentProfile> out = new ArrayList<>();
            tokens.values().forEach(t -> out.addAll(t.profiles.values()));
            return out;
        }
    }

    /** Assigns a profile to serials in ABM ({@code POST /profile/devices}); returns ABM's result per serial. */
    public Map<String, Object> assignProfile(String name, String uuid, List<String> serials)
            throws IOException, InterruptedException {
        Token token;
        synchronized (tokens) {
            token = existing(name);
            if (!token.profiles.containsKey(uuid) && !uuid.equals(token.profileUuid)) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid);
            }
        }
        if (serials == null || serials.isEmpty()) {
            throw new BadInputException("serials: missing or empty (expected: the serial numbers to assign)");
        }
        synchronized (tokens) {
            Set<String> after = new java.util.HashSet<>(serials);
            token.profileOf.forEach((serial, p) -> {
                if (p.equals(uuid)) {
                    after.add(serial);
                }
            });
            if (after.size() > MAX_DEVICES_PER_PROFILE) {
                throw HttpError.conflict("profile " + uuid + " of token " + name + " would have " + after.size()
                        + " devices (limit: " + MAX_DEVICES_PER_PROFILE + " per profile); nothing was assigned"
                        + " (expected: split the devices over more profiles)");
            }
        }
        Map<String, DeviceResult> results;
        String abmUuid;
        synchronized (tokens) {
            abmUuid = token.abmUuidOf.getOrDefault(uuid, uuid);
        }
        token.syncLock.lock();
        try {
            results = token.client.assignProfile(abmUuid, serials);
        } catch (DepClient.DepCallException e) {
            throw new HttpError(502, "assigning the profile in ABM failed: " + e.getMessage());
        } finally {
            token.syncLock.unlock();
        }
        synchronized (tokens) {
            results.forEach((serial, r) -> {
                if (r == DeviceResult.SUCCESS) {
                    token.profileOf.put(serial, uuid);
                    if (token.serials.contains(serial)) {
                        token.assigned.add(serial);
                    }
                }
            });
        }
        persist(token);
        Map<String, Object> out = new LinkedHashMap<>();
        results.forEach((k, r) -> out.put(k, r.name()));
        return Map.of("profileUuid", uuid, "devices", out);
    }

    public List<Map<String, Object>> profiles(String name) {
        synchronized (tokens) {
            Token token = existing(name);
            return token.profiles.keySet().stream().map(uuid -> profileJson(token, uuid)).toList();
        }
    }

    /** The enrollment profile a serial was assigned (or the token's default), null if none is known. */
    public EnrollmentProfile profileFor(String serial) {
        ProfileRef ref = profileRefFor(serial);
        return ref == null ? null : ref.profile();
    }

    /** Where a serial's enrollment profile comes from: token, profile UUID, revision and the profile itself. */
    public record ProfileRef(String token, String profileUuid, int revision, EnrollmentProfile profile) {}

    /** Like {@link #profileFor} with the token, profile UUID and revision; null if none is known. */
    public ProfileRef profileRefFor(String serial) {
        synchronized (tokens) {
            for (Token token : tokens.values()) {
                String uuid = token.profileOf.get(serial);
                if (uuid == null && token.serials.contains(serial)) {
                    uuid = token.profileUuid;
                }
                if (uuid != null && token.profiles.containsKey(uuid)) {
                    return new ProfileRef(token.name, uuid, token.revisionOf.getOrDefault(uuid, 1),
                            token.profiles.get(uuid));
                }
            }
            return null;
        }
    }

    /** One profile of a token, as listed by {@link #profiles}. */
    public Map<String, Object> profile(String name, String uuid) {
        synchronized (tokens) {
            Token token = existing(name);
            if (!token.profiles.containsKey(uuid)) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid
                        + " (see GET /admin/dep/tokens/" + name + "/profiles)");
            }
            return profileJson(token, uuid);
        }
    }

    /**
     * Edits a profile (seeds: "If you make changes to an existing enrollment profile, the new settings won't
     * take effect on assigned devices until devices are reset back to factory settings"): validated like a new one,
     * defined again in ABM ({@code POST /profile}, a new profile_uuid) and assigned again to its serials ({@code POST
     * /profile/devices}): the serials assigned to it, and for the default profile every serial of the token without a
     * profile of its own. Enrolled devices keep the settings they enrolled with (their snapshot); the device name
     * template is read live at each check-in.
     */
    public Map<String, Object> editProfile(String name, String uuid, EnrollmentProfile edited)
            throws IOException, InterruptedException {
        if (edited == null) {
            throw new BadInputException("body: null (expected: the enrollment profile JSON)");
        }
        requireValid(edited);
        Token token;
        EnrollmentProfile old;
        EnrollmentProfile profile;
        List<String> serials;
        synchronized (tokens) {
            token = existing(name);
            old = token.profiles.get(uuid);
            if (old == null) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid
                        + " (see GET /admin/dep/tokens/" + name + "/profiles)");
            }
            profile = edited.stamped(old.settingsVersion()); // an existing profile keeps its settings version
            boolean isDefault = uuid.equals(token.profileUuid);
            List<String> s = new ArrayList<>();
            token.profileOf.forEach((serial, p) -> {
                if (p.equals(uuid)) {
                    s.add(serial);
                }
            });
            if (isDefault) {
                for (String serial : token.serials) {
                    if (!token.profileOf.containsKey(serial)) {
                        s.add(serial);
                    }
                }
            }
            serials = s.stream().distinct().toList();
        }
        String abmUuid;
        Map<String, DeviceResult> results;
        token.syncLock.lock();
        try {
            abmUuid = token.client.defineProfile(depProfile(token, profile));
            results = serials.isEmpty() ? Map.of() : token.client.assignProfile(abmUuid, serials);
        } catch (DepClient.DepCallException e) {
            throw new HttpError(502, "defining the edited profile in ABM failed: " + e.getMessage());
        } finally {
            token.syncLock.unlock();
        }
        List<String> changed = changedSettings(old, profile);
        Map<String, Object> out;
        int revision;
        synchronized (tokens) {
            token.profiles.put(uuid, profile);
            token.abmUuidOf.put(uuid, abmUuid);
            revision = token.revisionOf.getOrDefault(uuid, 1) + 1;
            token.revisionOf.put(uuid, revision);
            token.editedAt.put(uuid, clock.now());
            out = profileJson(token, uuid);
        }
        persist(token);
        Map<String, Integer> counts = new LinkedHashMap<>();
        results.values().forEach(r -> counts.merge(r.name(), 1, Integer::sum));
        out.put("changed", changed);
        out.put("reassigned", counts);
        events.emit("dep.profile.edited", null, "token", name, "profileUuid", uuid, "abmProfileUuid", abmUuid,
                "revision", revision, "changed", changed, "reassigned", serials.size());
        LOG.log(INFO, "DEP token {0}: profile {1} edited (revision {2}, ABM {3}, {4} serials assigned again): {5}",
                name, uuid, revision, abmUuid, serials.size(), changed);
        return out;
    }

    /** The settings (JSON keys) that differ between two versions of a profile. */
    private static List<String> changedSettings(EnrollmentProfile a, EnrollmentProfile b) {
        Map<String, Object> x = Json.MAPPER.convertValue(a, new com.fasterxml.jackson.core.type.TypeReference<
                LinkedHashMap<String, Object>>() {});
        Map<String, Object> y = Json.MAPPER.convertValue(b, new com.fasterxml.jackson.core.type.TypeReference<
                LinkedHashMap<String, Object>>() {});
        Set<String> keys = new LinkedHashSet<>(x.keySet());
        keys.addAll(y.keySet());
        return keys.stream().filter(k -> !java.util.Objects.equals(x.get(k), y.get(k))).toList();
    }

    /** Every violation of the seeds' constraints and the server's other rules, in one 400. */
    private void requireValid(EnrollmentProfile profile) {
        List<String> violations = validate(profile);
        if (!violations.isEmpty()) {
            throw new HttpError(400, "application/json", Json.write(Map.of("error",
                    "the enrollment profile is not valid: " + String.join("; ", violations), "violations", violations)));
        }
    }

    /** The DEP profile ABM gets for an enrollment profile of this token. */
    private io.mdmsim.core.dep.DepProfile depProfile(Token token, EnrollmentProfile profile) {
        // the web view's start page is GET /mdm/enroll with x-apple-aspen-deviceinfo (MdmHttp.enrollGet)
        return profile.toDep(publicBase.get() + "/mdm/enroll", publicBase.get() + "/mdm/enroll",
                "mdmsim-" + token.serverToken.consumerKey(), List.of());
    }

    public void deleteProfile(String name, String uuid) {
        synchronized (tokens) {
            Token token = existing(name);
            if (!token.profiles.containsKey(uuid)) {
                throw HttpError.notFound("token " + name + " has no enrollment profile " + uuid);
            }
            if (uuid.equals(token.profileUuid)) {
                throw HttpError.conflict("profile " + uuid + " is the default profile of token " + name
                        + "; delete it with DELETE /admin/dep/tokens/" + name + "/profiles/default");
            }
            token.profiles.remove(uuid);
            token.abmUuidOf.remove(uuid);
            token.revisionOf.remove(uuid);
            token.editedAt.remove(uuid);
            token.profileOf.values().removeIf(uuid::equals);
        }
        persist(existingToken(name));
    }

    private static Map<String, Object> profileJson(Token token, String uuid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profileUuid", uuid);
        m.put("default", uuid.equals(token.profileUuid));
        m.put("assigned", token.profileOf.values().stream().filter(uuid::equals).count());
        m.put("abmProfileUuid", token.abmUuidOf.getOrDefault(uuid, uuid));
        m.put("revision", token.revisionOf.getOrDefault(uuid, 1));
        m.put("editedAt", str(token.editedAt.get(uuid)));
        m.put("profile", token.profiles.get(uuid));
        m.put("scopeTags", token.scopeTags); // inherited from the token
        return m;
    }

    /** The devices of a token with their DEP status. */
    public List<Map<String, Object>> devices(String name) {
        Token token;
        List<Map<String, Object>> out = new ArrayList<>();
        boolean purged;
        synchronized (tokens) {
            token = existing(name);
            purge(token);
            purged = !token.changedSerials.isEmpty();
            for (String serial : token.serials) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("serialNumber", serial);
                m.put("status", token.assigned.contains(serial) ? "Assigned" : "Not assigned");
                String uuid = token.profileOf.getOrDefault(serial, token.profileUuid);
                EnrollmentProfile p = uuid == null ? null : token.profiles.get(uuid);
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
    public Map<String, Object> scopeTags(String name, List<String> tags) {
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
    public List<String> scopeTagsOf(String name) {
        synchronized (tokens) {
            Token token = name == null ? null : tokens.get(name);
            return token == null ? List.of() : token.scopeTags;
        }
    }

    /** Deletes a device here; if ABM still assigns it to this server, the next full sync brings it back. */
    public void deleteDevice(String name, String serial) {
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
    private Token existingToken(String name) {
        synchronized (tokens) {
            return existing(name);
        }
    }

    private Token existing(String name) {
        Token token = tokens.get(name);
        if (token == null) {
            throw HttpError.notFound("DEP token " + name + " is unknown (see GET /admin/dep/tokens)");
        }
        return token;
    }

    private ServerToken decrypt(byte[] p7m, Identity keyPair) {
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

    /**
     * A manual sync (the admin's Sync button): at most once per 15 minutes, never while a sync runs; a full sync at
     * most once per 7 days. A refusal says when the next one is allowed.
     *
     * @return empty if there is no such token
     */
    public Optional<Map<String, Object>> syncNow(String name, boolean full) {
        Token token;
        synchronized (tokens) {
            token = tokens.get(name);
            if (token == null) {
                return Optional.empty();
            }
            Instant now = clock.now();
            expireOverdue(token);
            if (token.syncState == SyncState.SYNCING || token.syncState == SyncState.PENDING) {
                throw refusal(409, "a sync of token " + name + " is running (started "
                        + str(token.syncStartedAt) + "); the Sync button is disabled until it completes", null);
            }
            if (token.lastManualSyncAt != null && now.isBefore(token.lastManualSyncAt.plus(MANUAL_SYNC_MIN))) {
                Instant next = token.lastManualSyncAt.plus(MANUAL_SYNC_MIN);
                throw refusal(429, "a manual sync of token " + name + " is allowed at most once every 15 minutes"
                        + " (last at " + token.lastManualSyncAt + "); next allowed at " + next, next);
            }
            if (full && token.lastFullSyncAt != null && now.isBefore(token.lastFullSyncAt.plus(FULL_SYNC_MIN))) {
                Instant next = token.lastFullSyncAt.plus(FULL_SYNC_MIN);
                throw refusal(429, "a full sync of token " + name + " runs at most once every 7 days (last at "
                        + token.lastFullSyncAt + "); next allowed at " + next, next);
            }
            token.lastManualSyncAt = now;
            token.syncState = SyncState.SYNCING;
            token.syncStartedAt = now;
        }
        persist(token); // the 15-minute rule holds across a restart
        events.emit("dep.sync.requested", null, "token", name, "full", full);
        executor.submit(() -> syncRound(token, full));
        synchronized (tokens) {
            return Optional.of(token.json());
        }
    }

    private static HttpError refusal(int status, String message, Instant nextAllowed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("nextAllowedAt", str(nextAllowed));
        return new HttpError(status, "application/json", Json.write(body));
    }

    /**
     * The token's background sync on the clock's timers: a round after {@code first}, then the next one a sync interval
     * of simulated time after the previous round ends (longer after failed rounds, see {@link #nextSyncIn}), until the
     * token is removed.
     */
    private void startSyncLoop(Token token, Duration first) {
        token.syncTimer = clock.schedule(first, () -> backgroundRound(token));
    }

    private void backgroundRound(Token token) {
        if (token.removed) {
            retire(token);
            return;
        }
        syncRound(token, false);
        int failed;
        synchronized (tokens) {
            failed = token.failedInARow;
        }
        if (!token.removed) {
            token.syncTimer = clock.schedule(nextSyncIn(syncInterval, failed), () -> backgroundRound(token));
        }
    }

    /** The token is gone (deleted, replaced, or the server stops): no more rounds. */
    private static void retire(Token token) {
        token.removed = true;
        ClockTimer timer = token.syncTimer;
        if (timer != null) {
            timer.cancel();
        }
    }

    void syncRound(Token token) {
        syncRound(token, false);
    }

    /** After failed rounds, at least 1, 2, 4 ... minutes up to an hour (simulated), never less than the interval. */
    static Duration nextSyncIn(Duration interval, int failedInARow) {
        if (failedInARow <= 0) {
            return interval;
        }
        Duration backoff = Duration.ofMinutes(1L << Math.min(failedInARow - 1, 6));
        backoff = backoff.compareTo(MAX_FAILURE_BACKOFF) > 0 ? MAX_FAILURE_BACKOFF : backoff;
        return backoff.compareTo(interval) > 0 ? backoff : interval;
    }

    static final Duration MAX_FAILURE_BACKOFF = Duration.ofHours(1);

    /**
     * One round: a full fetch (first time, on request, after a failed delta or a lost cursor) or a delta sync, then
     * assignment. A full fetch marks devices ABM no longer lists "Removed from ABM" and brings back devices deleted
     * here; every round, full or delta, is given 15 minutes of simulated time (seeds).
     */
    void syncRound(Token token, boolean requestedFull) {
        if (token.removed) {
            return;
        }
        token.syncLock.lock();
        long round = -1;
        try {
            String cursor;
            boolean full;
            Instant started = clock.now();
            synchronized (tokens) {
                round = ++token.round;
                full = requestedFull || token.nextFull || token.cursor == null;
                token.syncState = SyncState.SYNCING;
                token.syncStartedAt = started;
                token.syncKind = full ? "full" : "delta";
                token.progressDevices = 0;
                cursor = full ? null : token.cursor;
            }
            DepClient client = token.client;
            if (full) {
                AccountDetail account = client.account();
                synchronized (tokens) {
                    token.orgName = account.orgName();
                    token.serverName = account.serverName();
                }
            }
            Instant deadline = started.plus(SYNC_TIMEOUT);
            String kind = full ? "full" : "delta";
            DepClient.PageListener progress = n -> {
                synchronized (tokens) {
                    token.progressDevices = n;
                }
                if (clock.now().isAfter(deadline)) {
                    throw new DepClient.DepCallException(overdue(kind, started, n));
                }
            };
            DepClient.FetchAll changes = full ? client.fetchAllDevices(FETCH_PAGE, progress)
                    : client.syncAllDevices(cursor, FETCH_PAGE, progress);
            List<String> toAssign = new ArrayList<>();
            progress.page(changes.devices().size()); // the last page may have come after the deadline
            synchronized (tokens) {
                Set<String> seen = new LinkedHashSet<>();
                for (DepDevice d : changes.devices()) {
                    String serial = d.serialNumber();
                    if (serial == null || serial.isEmpty()) {
                        continue;
                    }
                    if (d.opType() == OpType.DELETED) {
                        markRemoved(token, serial);
                    } else if (!full && token.deletedHere.contains(serial)) {
                        continue;
                    } else {
                        token.deletedHere.remove(serial);
                        seen.add(serial);
                        token.removedFromAbm.remove(serial);
                        token.removedAt.remove(serial);
                        if (token.serials.add(serial) || !token.assigned.contains(serial)) {
                            toAssign.add(serial);
                        }
                    }
                }
                if (full) {
                    for (String serial : List.copyOf(token.serials)) {
                        if (!seen.contains(serial)) {
                            markRemoved(token, serial);
                        }
                    }
                }
                purge(token);
            }
            String profileUuid;
            synchronized (tokens) {
                profileUuid = token.profileUuid;
            }
            if (profileUuid == null) {
                profileUuid = client.defineProfile(profile(token));
                synchronized (tokens) {
                    token.profileUuid = profileUuid;
                }
            }
            List<String> distinct = toAssign.stream().distinct().toList();
            String abmUuid;
            synchronized (tokens) {
                abmUuid = token.abmUuidOf.getOrDefault(profileUuid, profileUuid);
            }
            Map<String, DeviceResult> results = distinct.isEmpty() ? Map.of()
                    : client.assignProfile(abmUuid, distinct);
            progress.page(changes.devices().size());
            synchronized (tokens) {
                results.forEach((serial, result) -> {
                    if (result == DeviceResult.SUCCESS && token.serials.contains(serial)) {
                        token.assigned.add(serial);
                    }
                });
                token.cursor = changes.cursor();
                token.syncState = SyncState.SYNCED;
                token.lastError = null;
                token.lastSyncAt = clock.now();
                token.lastSyncKind = full ? "full" : "delta";
                if (full) {
                    token.lastFullSyncAt = started;
                    token.nextFull = false;
                }
                token.syncs++;
                if (token.failedInARow > 0) {
                    LOG.log(INFO, "DEP token {0} syncs again after {1} failed rounds", token.name, token.failedInARow);
                }
                token.failedInARow = 0;
            }
            persist(token); // the cursor with what it brought
            events.emit("dep.sync.completed", null, "token", token.name, "kind", full ? "full" : "delta",
                    "changes", changes.devices().size(), "assigned", distinct.size());
            long refused = results.values().stream().filter(r -> r != DeviceResult.SUCCESS).count();
            if (refused > 0) {
                LOG.log(WARNING, "DEP token {0}: {1} of {2} assignments refused: {3}", token.name, refused,
                        results.size(), summary(results));
            }
            LOG.log(full || !distinct.isEmpty() ? INFO : DEBUG,
                    "DEP token {0} {1}: {2} device changes, {3} newly assigned (profile {4})", token.name,
                    full ? "fetched" : "synced", changes.devices().size(), distinct.size(), profileUuid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(token, round, "interrupted (server closing)");
        } catch (DepClient.DepCallException e) {
            LOG.log(failureLevel(token), "DEP token {0} sync failed: {1}; next try in {2}", token.name,
                    e.getMessage(), nextSyncIn(syncInterval, token.failedInARow + 1));
            failed(token, round, e.getMessage());
        } catch (IOException e) {
            LOG.log(failureLevel(token), "DEP token {0} sync failed: {1}; next try in {2}", token.name, e.toString(),
                    nextSyncIn(syncInterval, token.failedInARow + 1));
            failed(token, round, "DEP API " + token.depUrl + " unreachable: " + e);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "DEP token " + token.name + " sync failed", e);
            failed(token, round, e.toString());
        } finally {
            token.syncLock.unlock();
        }
    }

    /** Called with the tokens monitor held. */
    private void markRemoved(Token token, String serial) {
        token.serials.remove(serial);
        token.assigned.remove(serial);
        if (!token.removedFromAbm.containsKey(serial)) {
            Instant now = clock.now();
            int spread = Math.floorMod(serial.hashCode(), PURGE_SPREAD_DAYS + 1);
            token.removedAt.put(serial, now);
            token.removedFromAbm.put(serial, now.plus(PURGE_MIN).plus(Duration.ofDays(spread)));
        }
    }

    /** Deletes devices released from ABM 30–45 days ago. Called with the tokens monitor held. */
    private void purge(Token token) {
        Instant now = clock.now();
        token.removedFromAbm.entrySet().removeIf(e -> {
            boolean due = !now.isBefore(e.getValue());
            if (due) {
                token.removedAt.remove(e.getKey());
            }
            return due;
        });
    }

    /** A warning for the first failure in a row, debug after: a broken link does not flood the log. */
    private System.Logger.Level failureLevel(Token token) {
        synchronized (tokens) {
            return token.failedInARow == 0 ? WARNING : DEBUG;
        }
    }

    private void failed(Token token, long round, String msg) {
        synchronized (tokens) {
            if (round != -1 && token.round != round) {
                return; // this round already ran out of time (expireOverdue); a later one owns the state
            }
            token.failedInARow++;
            token.nextFull = true; // the seeds: if a sync fails for any reason, the next sync is a full sync
            token.syncState = SyncState.FAILED;
            token.lastError = msg;
            token.lastSyncAt = clock.now();
        }
        try {
            persist(token);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "DEP token {0}: the failed sync could not be stored: {1}", token.name, e.getMessage());
        }
    }

    /** The ADE profile (Apple's "Define a Profile"; ADS Profile.json). */
    private DepProfile profile(Token token) {
        return DepProfile.builder()
                .profileName(organization + " ADE enrollment")
                .url(publicBase.get() + "/mdm/enroll")
                .isSupervised(true)
                .isMdmRemovable(false)
                .isMandatory(true)
                .awaitDeviceConfigured(true)
                .orgMagic("mdmsim-" + token.serverToken.consumerKey())
                .department(organization)
                .build();
    }

    private static String summary(Map<String, DeviceResult> results) {
        Map<DeviceResult, Integer> counts = new LinkedHashMap<>();
        results.values().forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts.toString();
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    @Override
    public void close() {
        synchronized (tokens) {
            tokens.values().forEach(DepTokenService::retire);
        }
        executor.shutdownNow();
        http.shutdownNow();
    }
}
