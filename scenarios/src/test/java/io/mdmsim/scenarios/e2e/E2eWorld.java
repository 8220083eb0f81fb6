package io.mdmsim.scenarios.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.testing.AdminTokens;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

/**
 * The servers of one end-to-end test: the fake ABM and the reference MDM on 127.0.0.1, on one ManualClock, with
 * small helpers over their admin APIs (real HTTP). Tests drive the clock themselves.
 */
final class E2eWorld implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static SimPki sharedPki;

    final SimPki pki;
    /** The world's clock, of any kind. */
    final SimClock time;
    /** The world's clock when it is a ManualClock (tests drive it), else null. */
    final ManualClock clock;
    final long seed;
    final FakeAbmServer abm;
    final MdmServer mdm;
    final AdminClient abmAdmin;
    final AdminClient mdmAdmin;
    final HttpClient http = HttpClient.newHttpClient();

    static synchronized SimPki pki() {
        if (sharedPki == null) {
            sharedPki = SimPki.create(T0.minus(Duration.ofDays(1)));
        }
        return sharedPki;
    }

    /**
     * A world on this clock (manual, scaled or system) and seed with {@code devices} ABM devices; the tweaks change
     * the fake ABM's and the MDM's configuration ({@code mdmTweak} also sees the started fake ABM).
     */
    E2eWorld(SimClock time, long seed, int devices, Consumer<FakeAbmConfig.Builder> abmTweak,
            BiConsumer<FakeAbmServer, MdmConfig.Builder> mdmTweak) {
        this.pki = pki();
        this.time = time;
        this.clock = time instanceof ManualClock m ? m : null;
        this.seed = seed;
        FakeAbmConfig.Builder ab = FakeAbmConfig.builder().seed(seed).deviceCount(devices).clock(time)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate());
        abmTweak.accept(ab);
        this.abm = FakeAbmServer.start(ab.build());
        MdmConfig.Builder mb = MdmConfig.builder().clock(time).seed(seed).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri());
        MdmServer started;
        try {
            mdmTweak.accept(abm, mb);
            started = MdmServer.start(mb.build());
        } catch (RuntimeException e) {
            abm.close();
            throw e;
        }
        this.mdm = started;
        AdminTokens.register(abm.baseUri(), abm.adminToken());
        AdminTokens.register(abm.apnsUri(), abm.adminToken());
        AdminTokens.register(mdm.baseUri(), mdm.adminToken());
        this.abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
        this.mdmAdmin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());
    }

    /** A world on this clock and seed; only the MDM's configuration is tweaked. */
    E2eWorld(SimClock time, long seed, int devices, Consumer<MdmConfig.Builder> mdmTweak) {
        this(time, seed, devices, b -> { }, (abm, b) -> mdmTweak.accept(b));
    }

    /**
     * A world on a ManualClock at {@link #T0}, seed 11; the MDM's scheduled DEP sync is kept out of the way (tests
     * drive every sync themselves).
     */
    E2eWorld(int devices, Consumer<FakeAbmConfig.Builder> abmTweak, Consumer<MdmConfig.Builder> mdmTweak) {
        this(SimClock.manual(T0), 11, devices, abmTweak, (abm, b) -> {
            b.depSyncInterval(Duration.ofDays(3650));
            mdmTweak.accept(b);
        });
    }

    E2eWorld(int devices) {
        this(devices, b -> { }, b -> { });
    }

    /** The seeds' add flow done by an admin: MDM server in ABM with the MDM's key, all devices, token uploaded. */
    String addToken(String server, boolean assignAll) {
        return addToken(server, assignAll, n -> n.path("syncState").asText().equals("SYNCED"));
    }

    /** {@link #addToken(String, boolean)}, then waits until the MDM's view of the token satisfies {@code until}. */
    String addToken(String server, boolean assignAll, Predicate<JsonNode> until) {
        return addToken(server, assignAll, until, "");
    }

    /** {@link #addToken(String, boolean, Predicate)} with more query parameters for the upload, e.g. "&scopeTags=A". */
    String addToken(String server, boolean assignAll, Predicate<JsonNode> until, String moreQuery) {
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", server, "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        if (assignAll) {
            abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", server, "all", true));
        }
        JsonNode added = mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + enc("admin@example.com") + "&depUrl="
                + enc(abm.baseUri().toString()) + moreQuery, abmAdmin.postForBytes("/admin/mdm-servers/" + enc(server)
                + "/token"),
                "application/pkcs7-mime");
        String token = added.path("name").asText();
        awaitToken(token, until);
        return token;
    }

    JsonNode token(String name) {
        for (JsonNode n : mdmAdmin.getJson("/admin/dep/tokens")) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        return null;
    }

    JsonNode awaitToken(String name, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            last[0] = token(name);
            return last[0] != null && condition.test(last[0]);
        });
        return last[0];
    }

    List<JsonNode> depDevices(String token) {
        return list(mdmAdmin.getJson("/admin/dep/tokens/" + token + "/devices"));
    }

    static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    HttpResponse<String> mdm(String method, String path) throws Exception {
        return http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(mdm.baseUri() + path))
                .method(method, BodyPublishers.noBody()).build()), BodyHandlers.ofString());
    }

    HttpResponse<String> mdmJson(String method, String path, String json) throws Exception {
        return http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(mdm.baseUri() + path)).header("Content-Type",
                "application/json").method(method, BodyPublishers.ofString(json)).build()), BodyHandlers.ofString());
    }

    /** An admin request to the MDM with a JSON body, or none when {@code json} is null. */
    HttpResponse<String> send(String method, String path, String json) throws Exception {
        return json == null ? http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(mdm.baseUri() + path)).header("Content-Type",
                "application/json").method(method, BodyPublishers.noBody()).build()), BodyHandlers.ofString())
                : mdmJson(method, path, json);
    }

    HttpResponse<String> mdmBytes(String method, String path, byte[] body) throws Exception {
        return http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(mdm.baseUri() + path)).header("Content-Type",
                "application/pkcs7-mime").method(method, BodyPublishers.ofByteArray(body)).build()),
                BodyHandlers.ofString());
    }

    /** Creates an enrollment profile (201 expected) and returns its UUID. */
    String createProfile(String token, String json, boolean makeDefault) throws Exception {
        HttpResponse<String> r = mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles"
                + (makeDefault ? "?default=true" : ""), json);
        if (r.statusCode() != 201) {
            throw new AssertionError("profile not created: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("profileUuid").asText();
    }

    /** Assigns a profile to serials in ABM through the MDM; every serial must be SUCCESS. */
    void assignProfile(String token, String uuid, List<String> serials) throws Exception {
        HttpResponse<String> r = mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                JSON.writeValueAsString(Map.of("serials", serials)));
        if (r.statusCode() != 200) {
            throw new AssertionError("profile not assigned: " + r.statusCode() + " " + r.body());
        }
        for (String s : serials) {
            if (!JSON.readTree(r.body()).path("devices").path(s).asText().equals("SUCCESS")) {
                throw new AssertionError("profile not assigned to " + s + ": " + r.body());
            }
        }
    }

    /**
     * Imports devices into the fake ABM's inventory (CSV: serial, product type, OS version, build), e.g.
     * {@code importDevices("F2LXA0000001,iPhone15,2,17.5,21F90")}: a test chooses the models and OS versions.
     */
    void importDevices(String... rows) throws Exception {
        StringBuilder csv = new StringBuilder("serial_number,product_type,os_version,build_version\n");
        for (String row : rows) {
            String[] f = row.split(",");
            csv.append(f[0]).append(",\"").append(f[1]).append(',').append(f[2]).append("\",").append(f[3])
                    .append(',').append(f[4]).append('\n');
        }
        HttpResponse<String> r = http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(abm.baseUri() + "/admin/devices/import"))
                .header("Content-Type", "text/csv").POST(BodyPublishers.ofString(csv.toString())).build()),
                BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AssertionError("import refused: " + r.statusCode() + " " + r.body());
        }
    }

    /** One ABM device by serial. */
    JsonNode abmDevice(String serial) {
        return abmAdmin.getJson("/admin/devices/" + serial);
    }

    /** The ABM devices as the fake lists them (serialNumber, productType, osVersion, ...). */
    List<JsonNode> abmDevices() {
        return list(abmAdmin.getJson("/admin/devices"));
    }

    /** The MDM's device record of a serial, null if none. */
    JsonNode mdmDevice(String serial) {
        for (JsonNode d : mdmAdmin.getJson("/admin/devices")) {
            if (d.path("serialNumber").asText().equals(serial)) {
                return d;
            }
        }
        return null;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        try {
            mdm.close();
        } finally {
            abm.close();
        }
    }
}
