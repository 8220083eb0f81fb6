package io.mdmsim.mdm;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * DEP server tokens (DESIGN.md "The reference MDM's rules"): the MDM's token key pair, upload of the .p7m an ABM
 * admin downloaded (decrypted with that key), and the first sync of each token in the background: session, account,
 * fetch all devices, define the enrollment profile, assign it to every fetched serial.
 */
final class DepTokenService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DepTokenService.class.getName());
    static final int FETCH_PAGE = 1000;

    enum SyncState { PENDING, SYNCING, SYNCED, FAILED }

    /** One uploaded token and what its sync found. Guarded by the service's lock. */
    static final class Token {
        final String name;
        final String appleId;
        final URI depUrl;
        final Instant uploadedAt;
        ServerToken serverToken;
        SyncState syncState = SyncState.PENDING;
        String lastError;
        String orgName;
        String serverName;
        int devices;
        String profileUuid;
        int assigned;
        Instant lastSyncAt;
        String cursor;
        final List<String> serials = new ArrayList<>();

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
            m.put("devices", devices);
            m.put("profileUuid", profileUuid);
            m.put("assigned", assigned);
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
    private final HttpClient http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Token> tokens = new LinkedHashMap<>();

    DepTokenService(Identity keyPair, SimClock clock, Ids ids, URI defaultDepUrl, Supplier<URI> publicBase,
            String organization) {
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
        this.defaultDepUrl = requireNonNull(defaultDepUrl, "defaultDepUrl");
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.organization = requireNonNull(organization, "organization");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
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
        } catch (CmsException | IllegalArgumentException e) {
            throw new BadInputException("cannot read the server token: " + e.getMessage()
                    + " (expected: the .p7m ABM made for this server's public key, GET /admin/dep/public-key)");
        }
        URI url = depUrl != null ? depUrl : defaultDepUrl;
        Token token;
        synchronized (tokens) {
            Token previous = tokens.values().stream()
                    .filter(t -> t.serverToken.consumerKey().equals(st.consumerKey())).findFirst().orElse(null);
            String name = previous != null ? previous.name
                    : requestedName != null && !requestedName.isBlank() ? requestedName : "token-" + (tokens.size() + 1);
            if (previous == null && tokens.containsKey(name)) {
                throw new BadInputException("name: " + name + " is taken by another token (expected: a new name)");
            }
            token = new Token(name, appleId, url, st, clock.now());
            tokens.put(name, token);
        }
        LOG.log(INFO, "DEP token {0} uploaded (consumer key {1}, DEP API {2})", token.name, st.consumerKey(), url);
        executor.submit(() -> sync(token));
        synchronized (tokens) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", token.name);
            m.put("consumerKey", st.consumerKey());
            m.put("expiry", str(st.accessTokenExpiry()));
            m.put("syncState", token.syncState.name());
            return m;
        }
    }

    List<Map<String, Object>> list() {
        synchronized (tokens) {
            return tokens.values().stream().map(Token::json).toList();
        }
    }

    void sync(Token token) {
        ServerToken st;
        synchronized (tokens) {
            if (tokens.get(token.name) != token) {
                return; // replaced by a renewal before its sync started
            }
            token.syncState = SyncState.SYNCING;
            st = token.serverToken;
        }
        try {
            DepClient client = new DepClient(http, token.depUrl, st, clock, ids);
            client.authenticate();
            JsonNode account = client.account();
            synchronized (tokens) {
                token.orgName = account.path("org_name").asText(null);
                token.serverName = account.path("server_name").asText(null);
            }
            DepClient.FetchAll all = client.fetchAllDevices(FETCH_PAGE);
            List<String> serials = all.devices().stream().map(d -> d.path("serial_number").asText(null))
                    .filter(s -> s != null && !s.isEmpty()).distinct().toList();
            synchronized (tokens) {
                token.devices = serials.size();
                token.cursor = all.cursor();
                token.serials.clear();
                token.serials.addAll(serials);
            }
            String profileUuid = client.defineProfile(profile(token));
            synchronized (tokens) {
                token.profileUuid = profileUuid;
            }
            int assigned = 0;
            if (!serials.isEmpty()) {
                Map<String, String> results = client.assignProfile(profileUuid, serials);
                assigned = (int) results.values().stream().filter("SUCCESS"::equals).count();
                if (assigned < serials.size()) {
                    LOG.log(WARNING, "DEP token {0}: {1} of {2} devices not assigned: {3}", token.name,
                            serials.size() - assigned, serials.size(), summary(results));
                }
            }
            synchronized (tokens) {
                token.assigned = assigned;
                token.syncState = SyncState.SYNCED;
                token.lastError = null;
                token.lastSyncAt = clock.now();
            }
            LOG.log(INFO, "DEP token {0} synced: {1} devices, profile {2}, {3} assigned", token.name, serials.size(),
                    profileUuid, assigned);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(token, "interrupted (server closing)");
        } catch (DepClient.DepException e) {
            LOG.log(WARNING, "DEP token {0} sync failed: {1}", token.name, e.getMessage());
            failed(token, e.getMessage());
        } catch (java.io.IOException e) {
            LOG.log(WARNING, "DEP token {0} sync failed: {1}", token.name, e.toString());
            failed(token, "DEP API " + token.depUrl + " unreachable: " + e);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "DEP token " + token.name + " sync failed", e);
            failed(token, e.toString());
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
    private Map<String, Object> profile(Token token) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("profile_name", organization + " ADE enrollment");
        p.put("url", publicBase.get() + "/mdm/enroll");
        p.put("is_supervised", true);
        p.put("is_mdm_removable", false);
        p.put("is_mandatory", true);
        p.put("await_device_configured", true);
        p.put("org_magic", "mdmsim-" + token.serverToken.consumerKey());
        p.put("department", organization);
        p.put("skip_setup_items", List.of());
        return p;
    }

    private static String summary(Map<String, String> results) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        results.values().forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts.toString();
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        http.close();
    }
}
