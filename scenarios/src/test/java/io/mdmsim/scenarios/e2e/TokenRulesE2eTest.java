package io.mdmsim.scenarios.e2e;

import static io.mdmsim.scenarios.e2e.E2eWorld.JSON;
import static io.mdmsim.scenarios.e2e.E2eWorld.T0;
import static io.mdmsim.scenarios.e2e.E2eWorld.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/mdm-endpoint.md "The seeds' rules, one by one", tokens: the add flow (MDM public key → ABM → .p7m → upload with
 * an Apple ID), the token record, an abandoned add flow, renewal, deletion and the per-account / per-token limits; end
 * to end with the fake ABM and the reference MDM over HTTP on a ManualClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TokenRulesE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    @Test
    void addFlowGivesATokenRecordWithExpiryAppleIdOrganizationLastSyncAndState() throws Exception {
        world = worlds.start(new E2eWorld(4, b -> b.orgName("Contoso Schools"), b -> { }));
        JsonNode flow = world.mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        String pem = flow.path("publicKeyPem").asText();
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem);
        assertEquals("flow-1", flow.path("flow").asText());

        // the admin creates the MDM server in ABM with that public key, assigns devices, downloads the .p7m
        world.abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "Contoso MDM", "certificatePem", pem));
        world.abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "Contoso MDM", "all", true));
        byte[] p7m = world.abmAdmin.postForBytes("/admin/mdm-servers/" + enc("Contoso MDM") + "/token");
        JsonNode server = world.abmAdmin.getJson("/admin/mdm-servers/" + enc("Contoso MDM"));

        HttpResponse<String> up = world.mdmBytes("POST", "/admin/dep/tokens?flow=flow-1&name=contoso&appleId="
                + enc("it-admin@contoso.example") + "&depUrl=" + enc(world.abm.baseUri().toString()), p7m);
        assertEquals(202, up.statusCode(), up.body());
        JsonNode t = world.awaitToken("contoso", n -> n.path("syncState").asText().equals("SYNCED"));
        assertEquals("it-admin@contoso.example", t.path("appleId").asText());
        assertEquals(server.path("tokenExpiry").asText(), t.path("expiry").asText(), t.toString());
        assertEquals(T0.plus(Duration.ofDays(365)).toString().substring(0, 10), t.path("expiry").asText().substring(0, 10));
        assertEquals("Contoso Schools", t.path("orgName").asText(), t.toString());
        assertEquals("Contoso MDM", t.path("serverName").asText(), t.toString());
        assertEquals(server.path("consumerKey").asText(), t.path("consumerKey").asText());
        assertEquals(T0.toString(), t.path("lastSyncAt").asText());
        assertEquals("full", t.path("lastSyncKind").asText());
        assertEquals(4, t.path("devices").asInt());
        assertEquals(4, t.path("assigned").asInt());

        // the flow is completed: its key cannot be used for a second upload
        HttpResponse<String> again = world.mdmBytes("POST", "/admin/dep/tokens?flow=flow-1&depUrl="
                + enc(world.abm.baseUri().toString()), p7m);
        assertEquals(400, again.statusCode(), again.body());
        assertTrue(again.body().contains("add flow flow-1 was completed; its key pair is no longer valid"),
                again.body());
    }

    @Test
    void startingANewAddFlowAbandonsTheOpenOneAndItsKeyPair() throws Exception {
        world = worlds.start(new E2eWorld(2));
        JsonNode first = world.mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        world.abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "one", "certificatePem",
                first.path("publicKeyPem").asText()));
        byte[] p7m = world.abmAdmin.postForBytes("/admin/mdm-servers/one/token");
        JsonNode second = world.mdmAdmin.postJson("/admin/dep/add-flows", Map.of());
        assertNotEquals(first.path("publicKeyPem").asText(), second.path("publicKeyPem").asText());

        HttpResponse<String> refused = world.mdmBytes("POST", "/admin/dep/tokens?flow=" + first.path("flow").asText()
                + "&depUrl=" + enc(world.abm.baseUri().toString()), p7m);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("was abandoned; its key pair is no longer valid"), refused.body());
        // nor does the .p7m made for the abandoned key open with the new flow's key
        HttpResponse<String> wrongKey = world.mdmBytes("POST", "/admin/dep/tokens?flow="
                + second.path("flow").asText() + "&depUrl=" + enc(world.abm.baseUri().toString()), p7m);
        assertEquals(400, wrongKey.statusCode(), wrongKey.body());
        assertTrue(wrongKey.body().contains("cannot read the server token"), wrongKey.body());
        assertEquals(0, world.mdmAdmin.getJson("/admin/dep/tokens").size());

        HttpResponse<String> unknown = world.mdm("DELETE", "/admin/dep/add-flows/flow-99");
        assertEquals(404, unknown.statusCode(), unknown.body());
    }

    @Test
    void renewalWithANewDownloadReplacesTheOldOneWarnsOnAnotherAppleIdAndKeepsEnrolledDevices() throws Exception {
        world = worlds.start(new E2eWorld(3));
        String token = world.addToken("renew", true);
        String oldKey = world.token(token).path("consumerKey").asText();
        // one device enrolls before the renewal
        JsonNode abmDevice = world.abmDevices().get(0);
        var fleet = Fleets.enroll(world, List.of(abmDevice), b -> { });
        assertEquals("ENROLLED", fleet.devices().get(0).outcome().name(), fleet.devices().get(0).toString());
        int managedBefore = world.mdmAdmin.getJson("/admin/devices").size();

        // a new download from ABM invalidates the token the MDM holds: its next sync fails
        byte[] renewed = world.abmAdmin.postForBytes("/admin/mdm-servers/renew/token");
        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode failed = world.awaitToken(token, n -> n.path("syncState").asText().equals("FAILED"));
        assertTrue(failed.path("lastError").asText().length() > 0, failed.toString());

        HttpResponse<String> r = world.mdmBytes("PUT", "/admin/dep/tokens/" + token + "?appleId="
                + enc("someone-else@example.com"), renewed);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.path("warnings").toString().contains("the Apple ID changed from admin@example.com to"
                + " someone-else@example.com"), r.body());
        assertNotEquals(oldKey, body.path("consumerKey").asText());
        assertEquals(3, body.path("devices").asInt(), r.body());

        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode ok = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED")
                && n.path("syncs").asInt() == 2);
        assertEquals("full", ok.path("lastSyncKind").asText(), "a failed sync makes the next one full: " + ok);
        assertEquals(3, ok.path("devices").asInt());
        assertEquals(managedBefore, world.mdmAdmin.getJson("/admin/devices").size());
        JsonNode enrolled = world.mdmDevice(abmDevice.path("serialNumber").asText());
        assertEquals("CONFIGURED", enrolled.path("enrollmentState").asText(), "still managed: " + enrolled);
        assertEquals(E2eWorld.T0.toString(), enrolled.path("enrolledAt").asText(), "not re-enrolled: " + enrolled);

        // the same Apple ID: no warning; a .p7m for another key: a clear 400
        byte[] third = world.abmAdmin.postForBytes("/admin/mdm-servers/renew/token");
        HttpResponse<String> same = world.mdmBytes("PUT", "/admin/dep/tokens/" + token + "?appleId="
                + enc("someone-else@example.com"), third);
        assertEquals(200, same.statusCode(), same.body());
        assertEquals(0, JSON.readTree(same.body()).path("warnings").size(), same.body());
        HttpResponse<String> garbage = world.mdmBytes("PUT", "/admin/dep/tokens/" + token, "junk".getBytes());
        assertEquals(400, garbage.statusCode(), garbage.body());
        assertTrue(garbage.body().contains("cannot read the server token"), garbage.body());
        assertEquals(404, world.mdmBytes("PUT", "/admin/dep/tokens/nope", third).statusCode());
    }

    @Test
    void deletionIsRefusedWithDevicesThenDefaultProfileThenProfilesAndAllowedWhenNoneRemain() throws Exception {
        world = worlds.start(new E2eWorld(3));
        String token = world.addToken("del", true);
        HttpResponse<String> r = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("it still has 3 devices"), r.body());
        HttpResponse<String> defaultWithDevices = world.mdm("DELETE", "/admin/dep/tokens/" + token
                + "/profiles/default");
        assertEquals(409, defaultWithDevices.statusCode(), defaultWithDevices.body());

        // the admin unassigns the devices in ABM; a full sync (7 days later) sees them gone
        List<String> serials = world.depDevices(token).stream().map(d -> d.path("serialNumber").asText()).toList();
        world.abmAdmin.postJson("/admin/unassignments", Map.of("serials", serials));
        world.clock.advance(Duration.ofDays(7));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync?full=true").statusCode());
        world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED") && n.path("syncs").asInt() == 2);
        assertEquals(0, world.token(token).path("devices").asInt());
        assertEquals(3, world.depDevices(token).size(), "listed as Removed from ABM");
        world.depDevices(token).forEach(d -> assertEquals("Removed from ABM", d.path("status").asText()));
        r = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("it still lists 3 devices Removed from ABM"), r.body());
        for (String serial : serials) {
            assertEquals(200, world.mdm("DELETE", "/admin/dep/tokens/" + token + "/devices/" + serial).statusCode());
        }

        r = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("it has a default enrollment profile"), r.body());
        assertEquals(200, world.mdm("DELETE", "/admin/dep/tokens/" + token + "/profiles/default").statusCode());

        String extra = world.createProfile(token, "{\"name\":\"Extra\"}", false);
        r = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("it has 1 enrollment profiles; delete them first"), r.body());
        assertEquals(200, world.mdm("DELETE", "/admin/dep/tokens/" + token + "/profiles/" + extra).statusCode());

        r = world.mdm("DELETE", "/admin/dep/tokens/" + token);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 204, r.statusCode() + " " + r.body());
        assertNull(world.token(token));
        assertEquals(404, world.mdm("DELETE", "/admin/dep/tokens/" + token).statusCode());
    }

    @Test
    void anAccountHoldsAtMost2000Tokens() throws Exception {
        world = worlds.start(new E2eWorld(0));
        X509Certificate key = Pem.certificate(world.mdmAdmin.getText("/admin/dep/public-key"));
        String deadDep;
        try (ServerSocket s = new ServerSocket(0)) {
            deadDep = "http://127.0.0.1:" + s.getLocalPort(); // nothing listens: the syncs fail at once
        }
        Instant expiry = T0.plus(Duration.ofDays(365));
        for (int i = 0; i < 2000; i++) {
            byte[] p7m = new ServerToken("CK_" + i, "CS_" + i, "AT_" + i, "AS_" + i, expiry).toP7m(key);
            HttpResponse<String> r = world.mdmBytes("POST", "/admin/dep/tokens?name=t" + i + "&depUrl="
                    + enc(deadDep), p7m);
            assertEquals(202, r.statusCode(), i + ": " + r.body());
        }
        byte[] p7m = new ServerToken("CK_x", "CS_x", "AT_x", "AS_x", expiry).toP7m(key);
        HttpResponse<String> refused = world.mdmBytes("POST", "/admin/dep/tokens?name=one-more&depUrl="
                + enc(deadDep), p7m);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("this account already has 2000 enrollment program tokens (limit: 2000)"),
                refused.body());
        // a renewal of an existing token is not a new token
        byte[] renewal = new ServerToken("CK_7", "CS_7b", "AT_7b", "AS_7b", expiry).toP7m(key);
        HttpResponse<String> renewed = world.mdmBytes("POST", "/admin/dep/tokens?depUrl=" + enc(deadDep), renewal);
        assertEquals(202, renewed.statusCode(), renewed.body());
        assertEquals(2000, world.mdmAdmin.getJson("/admin/dep/tokens").size());
    }

    @Test
    void aTokenHoldsAtMost1000Profiles() throws Exception {
        world = worlds.start(new E2eWorld(1));
        String token = world.addToken("profiles", true);
        for (int i = 0; i < 1000; i++) {
            world.createProfile(token, "{\"name\":\"P" + i + "\"}", false);
        }
        HttpResponse<String> refused = world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles",
                "{\"name\":\"one too many\"}");
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("already has 1000 enrollment profiles (limit: 1000 per token)"),
                refused.body());
        assertEquals(1000, world.token(token).path("profiles").asInt());
    }

    @Test
    @Tag("slow") // 200,001 devices; CI runs it, -DexcludedGroups=slow skips it
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aTokenAbove200000DevicesWarns() throws Exception {
        world = worlds.start(new E2eWorld(200_001));
        world.abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "big", "certificatePem",
                world.mdmAdmin.getText("/admin/dep/public-key")));
        world.abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "big", "all", true));
        JsonNode added = world.mdmAdmin.postBytes("/admin/dep/tokens?depUrl=" + enc(world.abm.baseUri().toString()),
                world.abmAdmin.postForBytes("/admin/mdm-servers/big/token"), "application/pkcs7-mime");
        String token = added.path("name").asText();
        JsonNode[] t = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    t[0] = world.token(token);
                    return t[0].path("syncState").asText().equals("SYNCED");
                });
        assertEquals(200_001, t[0].path("devices").asInt());
        assertTrue(t[0].path("warnings").toString().contains("token holds 200001 devices, above the limit of 200000"
                + " per token"), t[0].toString());
        // the warning is not a refusal: the devices are all there and assigned
        assertEquals(200_001, t[0].path("assigned").asInt());
    }
}
