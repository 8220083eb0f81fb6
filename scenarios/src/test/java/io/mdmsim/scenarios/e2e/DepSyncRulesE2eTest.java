package io.mdmsim.scenarios.e2e;

import io.mdmsim.scenarios.CliRun;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seeds' enrollment program token and DEP sync rules (DESIGN.md "The reference MDM's rules"), end to end: the
 * fake ABM and the reference MDM on 127.0.0.1 over HTTP, on one ManualClock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DepSyncRulesE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static SimPki pki;

    private final HttpClient http = HttpClient.newHttpClient();
    private ManualClock clock;
    private FakeAbmServer abm;
    private MdmServer mdm;
    private AdminClient abmAdmin;
    private AdminClient mdmAdmin;
    private String token;

    @BeforeAll
    static void pki() {
        pki = SimPki.create(T0.minus(Duration.ofDays(1)));
    }

    @BeforeEach
    void start() throws Exception {
        clock = SimClock.manual(T0);
        abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(11).deviceCount(6).clock(clock).devicesPerMinute(0)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).build());
        // the scheduled delta (every 12 h) is kept out of the way: these tests drive every sync themselves
        mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(11).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri())
                .depSyncInterval(Duration.ofDays(3650)).build());
        abmAdmin = new AdminClient("fake ABM", abm.baseUri());
        mdmAdmin = new AdminClient("MDM", mdm.baseUri());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "e2e", "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "e2e", "all", true));
        JsonNode added = mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + enc("admin@example.com") + "&depUrl="
                + enc(abm.baseUri().toString()), abmAdmin.getBytes("/admin/mdm-servers/e2e/token"),
                "application/pkcs7-mime");
        token = added.path("name").asText();
        JsonNode t = awaitToken(n -> n.path("syncState").asText().equals("SYNCED"));
        assertEquals(6, t.path("assigned").asInt(), t.toString());
        assertEquals("full", t.path("lastSyncKind").asText());
    }

    @AfterEach
    void stop() {
        if (mdm != null) {
            mdm.close();
        }
        if (abm != null) {
            abm.close();
        }
    }

    @Test
    void secondManualSyncWithin15MinutesIsRefusedWithTheNextAllowedTime() throws Exception {
        HttpResponse<String> first = post("/admin/dep/tokens/" + token + "/sync");
        assertEquals(202, first.statusCode(), first.body());
        awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);

        clock.advance(Duration.ofMinutes(14));
        HttpResponse<String> second = post("/admin/dep/tokens/" + token + "/sync");
        assertEquals(429, second.statusCode(), second.body());
        JsonNode refusal = JSON.readTree(second.body());
        assertEquals(T0.plus(Duration.ofMinutes(15)).toString(), refusal.path("nextAllowedAt").asText());
        assertTrue(refusal.path("error").asText().contains("at most once every 15 minutes"), second.body());

        clock.advance(Duration.ofMinutes(1));
        assertEquals(202, post("/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode after = awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 3);
        assertEquals("delta", after.path("lastSyncKind").asText());
    }

    @Test
    void secondFullSyncWithin7DaysIsRefused() throws Exception {
        clock.advance(Duration.ofDays(6));
        HttpResponse<String> refused = post("/admin/dep/tokens/" + token + "/sync?full=true");
        assertEquals(429, refused.statusCode(), refused.body());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals(T0.plus(Duration.ofDays(7)).toString(), body.path("nextAllowedAt").asText());
        assertTrue(body.path("error").asText().contains("at most once every 7 days"), refused.body());

        clock.advance(Duration.ofDays(1));
        HttpResponse<String> allowed = post("/admin/dep/tokens/" + token + "/sync?full=true");
        assertEquals(202, allowed.statusCode(), allowed.body());
        JsonNode t = awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        assertEquals("full", t.path("lastSyncKind").asText());
        assertEquals(clock.now().toString(), t.path("lastFullSyncAt").asText());
    }

    @Test
    void deviceDeletedHereButStillAssignedInAbmComesBackOnTheNextFullSyncOnly() throws Exception {
        String serial = devices().get(0).path("serialNumber").asText();
        HttpResponse<String> deleted = send("DELETE", "/admin/dep/tokens/" + token + "/devices/" + serial);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(5, devices().size());

        clock.advance(Duration.ofMinutes(20));
        assertEquals(202, post("/admin/dep/tokens/" + token + "/sync").statusCode());
        awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        assertEquals(5, devices().size(), "a delta sync does not bring it back");

        clock.advance(Duration.ofDays(7));
        assertEquals(202, post("/admin/dep/tokens/" + token + "/sync?full=true").statusCode());
        awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 3);
        assertTrue(devices().stream().anyMatch(d -> d.path("serialNumber").asText().equals(serial)),
                "the full sync brought " + serial + " back");
    }

    @Test
    void deviceReleasedFromAbmShowsRemovedFromAbmAndIsDeletedAfter30To45Days() throws Exception {
        String serial = devices().get(0).path("serialNumber").asText();
        abmAdmin.postJson("/admin/unassignments", Map.of("serials", List.of(serial)));
        clock.advance(Duration.ofMinutes(15));
        assertEquals(202, post("/admin/dep/tokens/" + token + "/sync").statusCode());
        awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        JsonNode removed = devices().stream().filter(d -> d.path("serialNumber").asText().equals(serial))
                .findFirst().orElseThrow();
        assertEquals("Removed from ABM", removed.path("status").asText(), removed.toString());
        Instant deleteAt = Instant.parse(removed.path("deleteAt").asText());
        assertTrue(!deleteAt.isBefore(clock.now().plus(Duration.ofDays(30)))
                && !deleteAt.isAfter(clock.now().plus(Duration.ofDays(45))), removed.toString());

        clock.advance(Duration.ofDays(29));
        assertEquals(6, devices().size(), "still listed 29 days later");
        clock.advance(Duration.ofDays(17));
        assertEquals(5, devices().size(), "deleted 46 days later");
    }

    @Test
    void tokenDeletionIsRefusedWhileItHasDevicesOrProfiles() throws Exception {
        HttpResponse<String> refused = send("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("still has 6 devices"), refused.body());
    }

    @Test
    void renewalWithAnotherAppleIdWarnsAndKeepsTheDevices() throws Exception {
        byte[] p7m = abmAdmin.getBytes("/admin/mdm-servers/e2e/token");
        HttpResponse<String> renewed = http.send(HttpRequest.newBuilder(mdm.baseUri().resolve(
                "/admin/dep/tokens/" + token + "?appleId=" + enc("other@example.com")))
                .PUT(BodyPublishers.ofByteArray(p7m)).build(), BodyHandlers.ofString());
        assertEquals(200, renewed.statusCode(), renewed.body());
        JsonNode body = JSON.readTree(renewed.body());
        assertTrue(body.path("warnings").toString().contains("Apple ID changed from admin@example.com"), renewed.body());
        assertEquals(6, body.path("devices").asInt());
        assertEquals("other@example.com", body.path("appleId").asText());

        clock.advance(Duration.ofMinutes(15));
        assertEquals(202, post("/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode t = awaitToken(n -> n.path("syncs").asInt() == 2);
        assertEquals("SYNCED", t.path("syncState").asText(), t.toString());
    }

    @Test
    void syncWhileOneRunsIsRefused() throws Exception {
        // the token's first sync is PENDING/SYNCING until it finishes; make a fresh one and ask at once
        HttpResponse<String> unknown = post("/admin/dep/tokens/nope/sync");
        assertEquals(404, unknown.statusCode());
        clock.advance(Duration.ofMinutes(15));
        assertEquals(202, post("/admin/dep/tokens/" + token + "/sync").statusCode());
        HttpResponse<String> second = post("/admin/dep/tokens/" + token + "/sync");
        // either still running (409) or finished within the 15 minutes (429): both refuse
        assertTrue(second.statusCode() == 409 || second.statusCode() == 429, second.statusCode() + " " + second.body());
    }

    @Test
    void invalidEnrollmentProfileIsRefusedWithEveryViolation() throws Exception {
        HttpResponse<String> r = postJson("/admin/dep/tokens/" + token + "/profiles",
                "{\"name\":\"Shared\",\"sharedIpad\":true,\"userAffinity\":\"WITH_USER\","
                + "\"deviceNameTemplate\":\"" + "x".repeat(70) + "\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("sharedIpad: true needs userAffinity WITHOUT_USER"), r.body());
        assertTrue(r.body().contains("deviceNameTemplate: 70 characters (expected: at most 63)"), r.body());
    }

    @Test
    void profileIsDefinedInAbmAssignedToSerialsAndTokenDeletionWaitsForIt() throws Exception {
        HttpResponse<String> created = postJson("/admin/dep/tokens/" + token + "/profiles?default=true",
                "{\"name\":\"Corporate\",\"lockedEnrollment\":true,\"department\":\"IT\","
                + "\"hiddenPanes\":[\"Siri\"],\"deviceNameTemplate\":\"{{DEVICETYPE}}-{{SERIAL}}\"}");
        assertEquals(201, created.statusCode(), created.body());
        String uuid = JSON.readTree(created.body()).path("profileUuid").asText();
        assertTrue(JSON.readTree(created.body()).path("default").asBoolean());
        String serial = devices().get(0).path("serialNumber").asText();
        HttpResponse<String> assigned = postJson("/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                "{\"serials\":[\"" + serial + "\"]}");
        assertEquals(200, assigned.statusCode(), assigned.body());
        assertEquals("SUCCESS", JSON.readTree(assigned.body()).path("devices").path(serial).asText(), assigned.body());
        assertEquals(uuid, abmAdmin.getJson("/admin/devices/" + serial).path("profileUuid").asText());

        HttpResponse<String> refused = send("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, refused.statusCode());
        assertEquals(uuid, mdmAdmin.getJson("/admin/dep/tokens/" + token + "/profiles").path(0).path("profileUuid")
                .asText());
    }

    @Test
    void abandonedAddFlowInvalidatesItsKeyPair() throws Exception {
        JsonNode flow = mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "second", "certificatePem",
                flow.path("publicKeyPem").asText()));
        byte[] p7m = abmAdmin.getBytes("/admin/mdm-servers/second/token");
        // the admin leaves the flow; then uploads anyway
        assertEquals(200, send("DELETE", "/admin/dep/add-flows/" + flow.path("flow").asText()).statusCode());
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(mdm.baseUri()
                + "/admin/dep/tokens?flow=" + flow.path("flow").asText() + "&depUrl=" + enc(abm.baseUri().toString())))
                .POST(BodyPublishers.ofByteArray(p7m)).build(), BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("was abandoned; its key pair is no longer valid"), refused.body());

        // a completed flow: a new key, a new MDM server in ABM, the upload works
        JsonNode again = mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "third", "certificatePem",
                again.path("publicKeyPem").asText()));
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(mdm.baseUri()
                + "/admin/dep/tokens?flow=" + again.path("flow").asText() + "&appleId=" + enc("b@example.com")
                + "&depUrl=" + enc(abm.baseUri().toString())))
                .POST(BodyPublishers.ofByteArray(abmAdmin.getBytes("/admin/mdm-servers/third/token"))).build(),
                BodyHandlers.ofString());
        assertEquals(202, ok.statusCode(), ok.body());
    }

    @Test
    void cliSyncSaysWhenTheNextSyncIsAllowed() {
        String[] out = new String[2];
        int first = CliRun.runInto(out, "mdm", "sync", "--mdm", mdm.baseUri().toString(), token);
        assertEquals(0, first, out[1]);
        awaitToken(n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        int second = CliRun.runInto(out, "mdm", "sync", "--mdm", mdm.baseUri().toString(), token);
        assertEquals(1, second, out[0]);
        assertTrue(out[1].contains("next allowed at " + T0.plus(Duration.ofMinutes(15))), out[1]);
        assertEquals(0, CliRun.runInto(out, "mdm", "tokens", "--mdm", mdm.baseUri().toString()), out[1]);
        assertTrue(out[0].contains("\"nextManualSyncAllowedAt\""), out[0]);
    }

    private HttpResponse<String> postJson(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(mdm.baseUri() + path)).header("Content-Type",
                "application/json").POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
    }

    private List<JsonNode> devices() throws Exception {
        JsonNode all = mdmAdmin.getJson("/admin/dep/tokens/" + token + "/devices");
        return java.util.stream.StreamSupport.stream(all.spliterator(), false).toList();
    }

    private JsonNode awaitToken(Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (JsonNode n : mdmAdmin.getJson("/admin/dep/tokens")) {
                if (n.path("name").asText().equals(token)) {
                    last[0] = n;
                    return condition.test(n);
                }
            }
            return false;
        });
        return last[0];
    }

    private HttpResponse<String> post(String path) throws Exception {
        return send("POST", path);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(mdm.baseUri() + path))
                .method(method, BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
