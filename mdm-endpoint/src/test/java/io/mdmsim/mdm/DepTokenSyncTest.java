package io.mdmsim.mdm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Uploading a DEP server token makes the MDM sync from a DEP API: session, account, fetch, define, assign. */
class DepTokenSyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServerToken TOKEN = new ServerToken("CK_3a9f", "CS_secret", "AT_4b2e", "AS_secret",
            Instant.parse("2026-06-01T08:00:00Z"));

    @AutoClose
    private final TestServer t = new TestServer();

    @Test
    void uploadedTokenSyncsAndAssignsEveryDevice() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 2500)) {
            byte[] p7m = TOKEN.toP7m(publicKey());
            HttpResponse<byte[]> r = upload(p7m, dep.baseUri());
            assertEquals(202, r.statusCode(), () -> new String(r.body()));
            JsonNode created = JSON.readTree(r.body());
            assertEquals("CK_3a9f", created.path("consumerKey").asText());
            assertEquals("2026-06-01T08:00:00Z", created.path("expiry").asText());
            assertTrue(List.of("PENDING", "SYNCING", "SYNCED").contains(created.path("syncState").asText()));
            String name = created.path("name").asText();

            JsonNode token = awaitState(name, "SYNCED");
            assertEquals("Example Org", token.path("orgName").asText());
            assertEquals("admin@example.com", token.path("appleId").asText());
            assertEquals(2500, token.path("devices").asInt());
            assertEquals(2500, token.path("assigned").asInt());
            assertEquals("PROFILE-1", token.path("profileUuid").asText());
            assertTrue(token.path("lastError").isNull());

            assertEquals(List.of(), dep.oauthFailures, "every OAuth header verified");
            assertEquals(2, dep.sessionsIssued.get(), "the expired first session was renewed once");
            assertEquals(List.of(1000, 1000, 1000), dep.pageSizes, "2500 devices in three pages");
            assertEquals(1, dep.profiles.size());
            JsonNode profile = dep.profiles.getFirst();
            assertEquals(t.base + "/mdm/enroll", profile.path("url").asText());
            assertTrue(profile.path("is_supervised").asBoolean());
            assertTrue(profile.path("is_mandatory").asBoolean());
            assertTrue(profile.path("await_device_configured").asBoolean());
            assertEquals(false, profile.path("is_mdm_removable").asBoolean(true));
            assertTrue(profile.hasNonNull("org_magic"), "org_magic is required by ADS Profile.json");
            assertTrue(profile.hasNonNull("profile_name"));
            assertEquals(List.of(1000, 1000, 500), dep.assignBatches, "assignments in batches of at most 1000");
            assertEquals(2500, dep.assigned.size());
        }
    }

    @Test
    void devicesAssignedLaterArriveWithDeltaSyncs() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 3)) {
            HttpResponse<byte[]> r = upload(TOKEN.toP7m(publicKey()), dep.baseUri());
            String name = JSON.readTree(r.body()).path("name").asText();
            assertEquals(3, awaitState(name, "SYNCED").path("assigned").asInt());

            // ABM releases more devices; the next delta sync, one interval of simulated time later, assigns them.
            dep.deviceCount.set(5);
            await().atMost(Duration.ofSeconds(30)).until(() -> t.clock.timers() > 0); // the next sync round waits on the clock
            t.clock.advance(MdmConfig.DEFAULT_DEP_SYNC_INTERVAL); // the seeds: a delta sync every 12 hours
            JsonNode afterDelta = awaitToken(name, n -> n.path("assigned").asInt() == 5);
            assertEquals(5, afterDelta.path("devices").asInt());
            assertEquals(List.of("c-3"), dep.syncCursors.subList(0, 1));

            // "Sync now" does not wait for the interval.
            dep.deviceCount.set(6);
            HttpResponse<byte[]> now = TestDevice.send(HttpRequest.newBuilder(t.base.resolve(
                    "/admin/dep/tokens/" + name + "/sync")).POST(BodyPublishers.noBody()).build());
            assertEquals(202, now.statusCode(), () -> new String(now.body()));
            awaitToken(name, n -> n.path("assigned").asInt() == 6);
            assertEquals(List.of(3, 2, 1), dep.assignBatches);
            assertEquals(1, dep.profiles.size(), "the profile is defined once");

            assertEquals(404, TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/tokens/nope/sync"))
                    .POST(BodyPublishers.noBody()).build()).statusCode());
        }
    }

    @Test
    void syncAgainstARefusingDepApiFailsWithTheReason() throws Exception {
        ServerToken other = new ServerToken("CK_3a9f", "CS_wrong", "AT_4b2e", "AS_secret", null);
        try (FakeDep dep = new FakeDep(other, 10)) {
            HttpResponse<byte[]> r = upload(TOKEN.toP7m(publicKey()), dep.baseUri());
            assertEquals(202, r.statusCode());
            JsonNode token = awaitState(JSON.readTree(r.body()).path("name").asText(), "FAILED");
            assertTrue(token.path("lastError").asText().contains("GET /session answered 401"), token.toString());
        }
    }

    @Test
    void badUploadsAre400() throws Exception {
        HttpResponse<byte[]> garbage = upload("not a p7m".getBytes(StandardCharsets.UTF_8), URI.create("http://127.0.0.1:9"));
        assertEquals(400, garbage.statusCode());
        assertTrue(new String(garbage.body()).contains("server token"), new String(garbage.body()));

        X509Certificate stranger = TestPki.OTHER.scepCa().certificate();
        HttpResponse<byte[]> notForUs = upload(TOKEN.toP7m(stranger), URI.create("http://127.0.0.1:9"));
        assertEquals(400, notForUs.statusCode());
        assertTrue(new String(notForUs.body()).contains("public-key"), new String(notForUs.body()));

        HttpResponse<byte[]> badUrl = TestDevice.send(HttpRequest.newBuilder(t.base.resolve(
                "/admin/dep/tokens?depUrl=ftp%3A%2F%2Fx")).header("Content-Type", "application/pkcs7-mime")
                .POST(BodyPublishers.ofByteArray(TOKEN.toP7m(publicKey()))).build());
        assertEquals(400, badUrl.statusCode());
        assertTrue(new String(badUrl.body()).contains("depUrl"), new String(badUrl.body()));

        HttpResponse<byte[]> noUrl = TestDevice.send(HttpRequest.newBuilder(t.base.resolve(
                "/admin/dep/tokens?appleId=a%40example.com")).header("Content-Type", "application/pkcs7-mime")
                .POST(BodyPublishers.ofByteArray(TOKEN.toP7m(publicKey()))).build());
        assertEquals(400, noUrl.statusCode(), "no default DEP API: nothing is sent to an address nobody named");
        assertTrue(new String(noUrl.body()).contains("depUrl: missing (expected: the DEP API the token syncs from"),
                new String(noUrl.body()));

        assertEquals("[]", new String(TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/tokens")).GET()
                .build()).body()));
    }

    private X509Certificate publicKey() {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/public-key")).GET().build());
        assertEquals(200, r.statusCode());
        return Pem.certificate(new String(r.body(), StandardCharsets.US_ASCII));
    }

    private HttpResponse<byte[]> upload(byte[] p7m, URI depUrl) {
        String q = "appleId=" + URLEncoder.encode("admin@example.com", StandardCharsets.UTF_8) + "&depUrl="
                + URLEncoder.encode(depUrl.toString(), StandardCharsets.UTF_8);
        return TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/tokens?" + q))
                .header("Content-Type", "application/pkcs7-mime").POST(BodyPublishers.ofByteArray(p7m)).build());
    }

    private JsonNode awaitState(String name, String state) {
        return awaitToken(name, n -> state.equals(n.path("syncState").asText()));
    }

    private JsonNode awaitToken(String name, Predicate<JsonNode> condition) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode list = JSON.readTree(TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/tokens"))
                    .GET().build()).body());
            for (JsonNode n : list) {
                if (n.path("name").asText().equals(name)) {
                    found[0] = n;
                    return condition.test(n);
                }
            }
            return false;
        });
        return found[0];
    }
}
