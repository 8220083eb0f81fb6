package io.mdmsim.scenarios.e2e;

import io.mdmsim.scenarios.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.testing.AdminTokens;
import io.mdmsim.core.time.ManualClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seeds' enrollment program token and DEP sync rules (docs/mdm-endpoint.md "The seeds' rules, one by one"), end to
 * end: the fake ABM and the reference MDM on 127.0.0.1 over HTTP, on one ManualClock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DepSyncRulesE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final ObjectMapper JSON = new ObjectMapper();

    private String token;

    @BeforeEach
    void start() throws Exception {
        world = worlds.start(new E2eWorld(6));
        token = world.addToken("e2e", true);
        JsonNode t = world.token(token);
        assertEquals(6, t.path("assigned").asInt(), t.toString());
        assertEquals("full", t.path("lastSyncKind").asText());
    }

    @Test
    void secondManualSyncWithin15MinutesIsRefusedWithTheNextAllowedTime() throws Exception {
        HttpResponse<String> first = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        assertEquals(202, first.statusCode(), first.body());
        world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);

        world.clock.advance(Duration.ofMinutes(14));
        HttpResponse<String> second = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        assertEquals(429, second.statusCode(), second.body());
        JsonNode refusal = JSON.readTree(second.body());
        assertEquals(E2eWorld.T0.plus(Duration.ofMinutes(15)).toString(), refusal.path("nextAllowedAt").asText());
        assertTrue(refusal.path("error").asText().contains("at most once every 15 minutes"), second.body());

        world.clock.advance(Duration.ofMinutes(1));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode after = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED")
                && n.path("syncs").asInt() == 3);
        assertEquals("delta", after.path("lastSyncKind").asText());
    }

    @Test
    void secondFullSyncWithin7DaysIsRefused() throws Exception {
        world.clock.advance(Duration.ofDays(6));
        HttpResponse<String> refused = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync?full=true");
        assertEquals(429, refused.statusCode(), refused.body());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals(E2eWorld.T0.plus(Duration.ofDays(7)).toString(), body.path("nextAllowedAt").asText());
        assertTrue(body.path("error").asText().contains("at most once every 7 days"), refused.body());

        world.clock.advance(Duration.ofDays(1));
        HttpResponse<String> allowed = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync?full=true");
        assertEquals(202, allowed.statusCode(), allowed.body());
        JsonNode t = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED")
                && n.path("syncs").asInt() == 2);
        assertEquals("full", t.path("lastSyncKind").asText());
        assertEquals(world.clock.now().toString(), t.path("lastFullSyncAt").asText());
    }

    @Test
    void deviceDeletedHereButStillAssignedInAbmComesBackOnTheNextFullSyncOnly() throws Exception {
        String serial = world.depDevices(token).get(0).path("serialNumber").asText();
        HttpResponse<String> deleted = world.mdm("DELETE", "/admin/dep/tokens/" + token + "/devices/" + serial);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(5, world.depDevices(token).size());

        world.clock.advance(Duration.ofMinutes(20));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        assertEquals(5, world.depDevices(token).size(), "a delta sync does not bring it back");

        world.clock.advance(Duration.ofDays(7));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync?full=true").statusCode());
        world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 3);
        assertTrue(world.depDevices(token).stream().anyMatch(d -> d.path("serialNumber").asText().equals(serial)),
                "the full sync brought " + serial + " back");
    }

    @Test
    void deviceReleasedFromAbmShowsRemovedFromAbmAndIsDeletedAfter30To45Days() throws Exception {
        String serial = world.depDevices(token).get(0).path("serialNumber").asText();
        world.abmAdmin.postJson("/admin/unassignments", Map.of("serials", List.of(serial)));
        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        JsonNode removed = world.depDevices(token).stream().filter(d -> d.path("serialNumber").asText().equals(serial))
                .findFirst().orElseThrow();
        assertEquals("Removed from ABM", removed.path("status").asText(), removed.toString());
        Instant deleteAt = Instant.parse(removed.path("deleteAt").asText());
        assertTrue(!deleteAt.isBefore(world.clock.now().plus(Duration.ofDays(30)))
                && !deleteAt.isAfter(world.clock.now().plus(Duration.ofDays(45))), removed.toString());

        world.clock.advance(Duration.ofDays(29));
        assertEquals(6, world.depDevices(token).size(), "still listed 29 days later");
        world.clock.advance(Duration.ofDays(17));
        assertEquals(5, world.depDevices(token).size(), "deleted 46 days later");
    }

    @Test
    void tokenDeletionIsRefusedWhileItHasDevicesOrProfiles() throws Exception {
        HttpResponse<String> refused = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("still has 6 devices"), refused.body());
    }

    @Test
    void renewalWithAnotherAppleIdWarnsAndKeepsTheDevices() throws Exception {
        byte[] p7m = world.abmAdmin.postForBytes("/admin/mdm-servers/e2e/token");
        HttpResponse<String> renewed = world.http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(world.mdm.baseUri().resolve(
                "/admin/dep/tokens/" + token + "?appleId=" + E2eWorld.enc("other@example.com")))
                .header("Content-Type", "application/pkcs7-mime").PUT(BodyPublishers.ofByteArray(p7m)).build()),
                BodyHandlers.ofString());
        assertEquals(200, renewed.statusCode(), renewed.body());
        JsonNode body = JSON.readTree(renewed.body());
        assertTrue(body.path("warnings").toString().contains("Apple ID changed from admin@example.com"),
                renewed.body());
        assertEquals(6, body.path("devices").asInt());
        assertEquals("other@example.com", body.path("appleId").asText());

        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode t = world.awaitToken(token, n -> n.path("syncs").asInt() == 2);
        assertEquals("SYNCED", t.path("syncState").asText(), t.toString());
    }

    @Test
    void syncWhileOneRunsIsRefused() throws Exception {
        // the token's first sync is PENDING/SYNCING until it finishes; make a fresh one and ask at once
        HttpResponse<String> unknown = world.mdm("POST", "/admin/dep/tokens/nope/sync");
        assertEquals(404, unknown.statusCode());
        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        HttpResponse<String> second = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        // either still running (409) or finished within the 15 minutes (429): both refuse
        assertTrue(second.statusCode() == 409 || second.statusCode() == 429, second.statusCode() + " " + second.body());
    }

    @Test
    void invalidEnrollmentProfileIsRefusedWithEveryViolation() throws Exception {
        HttpResponse<String> r = world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles",
                "{\"name\":\"Shared\",\"sharedIpad\":true,\"userAffinity\":\"WITH_USER\","
                + "\"deviceNameTemplate\":\"" + "x".repeat(70) + "\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("sharedIpad: true needs userAffinity WITHOUT_USER"), r.body());
        assertTrue(r.body().contains("deviceNameTemplate: 70 characters (expected: at most 63)"), r.body());
    }

    @Test
    void profileIsDefinedInAbmAssignedToSerialsAndTokenDeletionWaitsForIt() throws Exception {
        HttpResponse<String> created = world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles?default=true",
                "{\"name\":\"Corporate\",\"lockedEnrollment\":true,\"department\":\"IT\","
                + "\"hiddenPanes\":[\"Siri\"],\"deviceNameTemplate\":\"{{DEVICETYPE}}-{{SERIAL}}\"}");
        assertEquals(201, created.statusCode(), created.body());
        String uuid = JSON.readTree(created.body()).path("profileUuid").asText();
        assertTrue(JSON.readTree(created.body()).path("default").asBoolean());
        String serial = world.depDevices(token).get(0).path("serialNumber").asText();
        HttpResponse<String> assigned = world.mdmJson("POST",
                "/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                "{\"serials\":[\"" + serial + "\"]}");
        assertEquals(200, assigned.statusCode(), assigned.body());
        assertEquals("SUCCESS", JSON.readTree(assigned.body()).path("devices").path(serial).asText(), assigned.body());
        assertEquals(uuid, world.abmAdmin.getJson("/admin/devices/" + serial).path("profileUuid").asText());

        HttpResponse<String> refused = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, refused.statusCode());
        assertEquals(uuid, world.mdmAdmin.getJson("/admin/dep/tokens/" + token
                + "/profiles").path(0).path("profileUuid")
                .asText());
    }

    @Test
    void abandonedAddFlowInvalidatesItsKeyPair() throws Exception {
        JsonNode flow = world.mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        world.abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "second", "certificatePem",
                flow.path("publicKeyPem").asText()));
        byte[] p7m = world.abmAdmin.postForBytes("/admin/mdm-servers/second/token");
        // the admin leaves the flow; then uploads anyway
        assertEquals(200, world.mdm("DELETE", "/admin/dep/add-flows/" + flow.path("flow").asText()).statusCode());
        HttpResponse<String> refused = world.http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(world.mdm.baseUri()
                + "/admin/dep/tokens?flow=" + flow.path("flow").asText() + "&depUrl="
                        + E2eWorld.enc(world.abm.baseUri().toString())))
                .header("Content-Type", "application/pkcs7-mime").POST(BodyPublishers.ofByteArray(p7m)).build()),
                BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("was abandoned; its key pair is no longer valid"), refused.body());

        // a completed flow: a new key, a new MDM server in ABM, the upload works
        JsonNode again = world.mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        world.abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "third", "certificatePem",
                again.path("publicKeyPem").asText()));
        HttpResponse<String> ok = world.http.send(AdminTokens.authorize(
                HttpRequest.newBuilder(URI.create(world.mdm.baseUri()
                + "/admin/dep/tokens?flow=" + again.path("flow").asText() + "&appleId=" + E2eWorld.enc("b@example.com")
                + "&depUrl=" + E2eWorld.enc(world.abm.baseUri().toString())))
                .header("Content-Type", "application/pkcs7-mime")
                .POST(BodyPublishers.ofByteArray(world.abmAdmin.postForBytes("/admin/mdm-servers/third/token"))).build()),
                BodyHandlers.ofString());
        assertEquals(202, ok.statusCode(), ok.body());
    }

    @Test
    void cliSyncSaysWhenTheNextSyncIsAllowed() {
        String[] out = new String[2];
        int first = CliRun.runInto(out, "mdm", "sync", "--mdm", world.mdm.baseUri().toString(), token);
        assertEquals(0, first, out[1]);
        world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        int second = CliRun.runInto(out, "mdm", "sync", "--mdm", world.mdm.baseUri().toString(), token);
        assertEquals(1, second, out[0]);
        assertTrue(out[1].contains("next allowed at " + E2eWorld.T0.plus(Duration.ofMinutes(15))), out[1]);
        assertEquals(0, CliRun.runInto(out, "mdm", "tokens", "--mdm", world.mdm.baseUri().toString()), out[1]);
        assertTrue(out[0].contains("\"nextManualSyncAllowedAt\""), out[0]);
    }

}
