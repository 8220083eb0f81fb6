package io.mdmsim.mdm;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.dep.AccountDetail;
import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.OpType;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
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
 */
final class DepTokenService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DepTokenService.class.getName());
    static final int FETCH_PAGE = 1000;

    enum SyncState { PENDING, SYNCING, SYNCED, FAILED }

    /** One uploaded token and what its syncs found. Fields are guarded by the service's {@code tokens} monitor. */
    static final class Token {
        final String name;
        final String appleId;
        final URI depUrl;
        final Instant uploadedAt;
        final ServerToken serverToken;
        /** Serialises the syncs of this token (its client is not thread-safe). */
        final ReentrantLock syncLock = new ReentrantLock();
        DepClient client;
        volatile boolean removed;
        SyncState syncState = SyncState.PENDING;
        String lastError;
        String orgName;
        String serverName;
        String profileUuid;
        String cursor;
        Instant lastSyncAt;
        int syncs;
        /** Serials this server currently holds in DEP, and those the profile is assigned to. */
        final Set<String> serials = new LinkedHashSet<>();
        final Set<String> assigned = new LinkedHashSet<>();

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
            m.put("uploadedAt", str(uploadedAt));
            m.put("lastSyncAt", str(lastSyncAt));
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

    DepTokenService(Identity keyPair, SimClock clock, Ids ids, URI defaultDepUrl, Supplier<URI> publicBase,
            String organization, Duration syncInterval) {
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
        this.defaultDepUrl = requireNonNull(defaultDepUrl, "defaultDepUrl");
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.organization = requireNonNull(organization, "organization");
        this.syncInterval = requireNonNull(syncInterval, "syncInterval");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The certificate an ABM admin uploads when creating the MDM server. */
    Identity keyPair() {
        return keyPair;
    }

    /**
     * Decrypts and stores an uploaded token, then starts its sync. Re-uploading a token of the same consumer key
     * (a renewal) replaces the old one under the same name.
     *
     * @throws BadInputException if the body is not a server token encrypted to this server's key
     */
    Map<String, Object> upload(byte[] p7m, String appleId, URI depUrl, String requestedName) {
        if (p7m == null || p7m.length == 0) {
            throw new BadInputException("empty body (expected: the server token .p7m downloaded from ABM)");
        }
        ServerToken st;
        try {
            st = ServerToken.fromP7m(p7m, keyPair.certificate(), keyPair.privateKey());
        } catch (CmsException | io.mdmsim.core.dep.DepException | IllegalArgumentException e) {
            throw new BadInputException("cannot read the server token: " + e.getMessage()
                    + " (expected: the .p7m ABM made for this server's public key, GET /admin/dep/public-key)");
        }
        URI url = depUrl != null ? depUrl : defaultDepUrl;
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
            if (previous != null) {
                previous.removed = true;
            }
            token = new Token(name, appleId, url, st, clock.now());
            token.client = new DepClient(http, url, st, clock, ids);
            tokens.put(name, token);
            created.put("name", token.name);
            created.put("consumerKey", st.consumerKey());
            created.put("expiry", str(st.accessTokenExpiry()));
            created.put("syncState", token.syncState.name());
        }
        LOG.log(INFO, "DEP token {0} uploaded (consumer key {1}, DEP API {2})", token.name, st.consumerKey(), url);
        executor.submit(() -> syncLoop(token));
        return created;
    }

    List<Map<String, Object>> list() {
        synchronized (tokens) {
            return tokens.values().stream().map(Token::json).toList();
        }
    }

    /** Starts a sync round of the named token now; empty if there is no such token. */
    Optional<Map<String, Object>> syncNow(String name) {
        Token token;
        synchronized (tokens) {
            token = tokens.get(name);
            if (token == null) {
                return Optional.empty();
            }
        }
        executor.submit(() -> syncRound(token));
        synchronized (tokens) {
            return Optional.of(token.json());
        }
    }

    private void syncLoop(Token token) {
        try {
            while (!token.removed && !Thread.currentThread().isInterrupted()) {
                syncRound(token);
                clock.sleep(syncInterval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One round: a full fetch (first time, or after a failure without cursor) or a delta sync, then assignment. */
    void syncRound(Token token) {
        if (token.removed) {
            return;
        }
        token.syncLock.lock();
        try {
            String cursor;
            synchronized (tokens) {
                token.syncState = SyncState.SYNCING;
                cursor = token.cursor;
            }
            DepClient client = token.client;
            if (cursor == null) {
                AccountDetail account = client.account();
                synchronized (tokens) {
                    token.orgName = account.orgName();
                    token.serverName = account.serverName();
                }
            }
            DepClient.FetchAll changes = cursor == null ? client.fetchAllDevices(FETCH_PAGE)
                    : client.syncAllDevices(cursor, FETCH_PAGE);
            List<String> toAssign = new ArrayList<>();
            synchronized (tokens) {
                for (DepDevice d : changes.devices()) {
                    String serial = d.serialNumber();
                    if (serial == null || serial.isEmpty()) {
                        continue;
                    }
                    if (d.opType() == OpType.DELETED) {
                        token.serials.remove(serial);
                        token.assigned.remove(serial);
                    } else if (token.serials.add(serial) || !token.assigned.contains(serial)) {
                        toAssign.add(serial);
                    }
                }
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
            Map<String, DeviceResult> results = distinct.isEmpty() ? Map.of()
                    : client.assignProfile(profileUuid, distinct);
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
                token.syncs++;
            }
            long refused = results.values().stream().filter(r -> r != DeviceResult.SUCCESS).count();
            if (refused > 0) {
                LOG.log(WARNING, "DEP token {0}: {1} of {2} assignments refused: {3}", token.name, refused,
                        results.size(), summary(results));
            }
            LOG.log(cursor == null || !distinct.isEmpty() ? INFO : DEBUG,
                    "DEP token {0} {1}: {2} device changes, {3} newly assigned (profile {4})", token.name,
                    cursor == null ? "fetched" : "synced", changes.devices().size(), distinct.size(), profileUuid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(token, "interrupted (server closing)");
        } catch (DepClient.DepCallException e) {
            if (e.getMessage().contains("EXPIRED_CURSOR") || e.getMessage().contains("INVALID_CURSOR")) {
                synchronized (tokens) {
                    token.cursor = null; // the next round starts over with a full fetch
                }
            }
            LOG.log(WARNING, "DEP token {0} sync failed: {1}", token.name, e.getMessage());
            failed(token, e.getMessage());
        } catch (IOException e) {
            LOG.log(WARNING, "DEP token {0} sync failed: {1}", token.name, e.toString());
            failed(token, "DEP API " + token.depUrl + " unreachable: " + e);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "DEP token " + token.name + " sync failed", e);
            failed(token, e.toString());
        } finally {
            token.syncLock.unlock();
        }
    }

    private void failed(Token token, String msg) {
        synchronized (tokens) {
            token.syncState = SyncState.FAILED;
            token.lastError = msg;
            token.lastSyncAt = clock.now();
        }
    }

    /** The ADE profile (PROTOCOL.md §1.7; ADS Profile.json), CONTRACT.md B. */
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
            tokens.values().forEach(t -> t.removed = true);
        }
        executor.shutdownNow();
        http.shutdownNow();
    }
}
