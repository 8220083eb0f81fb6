package io.mdmsim.abm;

import static io.mdmsim.abm.ApnsFixture.TOPIC;
import static io.mdmsim.abm.ApnsFixture.assertReason;
import static io.mdmsim.abm.ApnsFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.apns.ApnsService;
import io.mdmsim.core.http.Json;
import java.net.http.HttpClient.Version;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider side of the fake APNs: what an MDM server sends and what Apple answers. */
class ApnsProviderApiTest {

    private final ApnsFixture f = new ApnsFixture();
    private final String token = f.issueToken("UDID-0001", null);

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void pushOverHttp2WithTlsIsAcceptedWithItsApnsId() {
        assertEquals("https", f.server.apnsUri().getScheme());
        assertEquals(ApnsFixture.pki().root().certificate(), f.server.apnsTrustAnchor());

        HttpResponse<String> given = send(f.provider, f.pushRequest(token, "magic")
                .header("apns-id", "123E4567-E89B-12D3-A456-426614174000").header("apns-priority", "10")
                .header("apns-expiration", "0").build());
        assertEquals(Version.HTTP_2, given.version());
        assertEquals(200, given.statusCode(), given.body());
        assertEquals("", given.body());
        assertEquals("123e4567-e89b-12d3-a456-426614174000", given.headers().firstValue("apns-id").orElseThrow());

        HttpResponse<String> generated = f.push(token, "magic");
        assertEquals(200, generated.statusCode());
        String id = generated.headers().firstValue("apns-id").orElseThrow();
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
        assertNotEquals(id, f.push(token, "magic").headers().firstValue("apns-id").orElseThrow());
    }

    @Test
    void http11ProvidersAreServedToo() {
        HttpClient h1 = f.client(null, Version.HTTP_1_1);
        HttpResponse<String> r = send(h1, f.pushRequest(token, "magic").build());
        assertEquals(Version.HTTP_1_1, r.version());
        assertEquals(200, r.statusCode());
        assertReason(send(h1, f.pushRequest("00", "magic").build()), 400, "BadDeviceToken");
    }

    @Test
    void badDeviceTokenWhenNotHexOrNeverIssued() {
        assertReason(f.push("abc", "m"), 400, "BadDeviceToken");
        assertReason(f.push("z".repeat(64), "m"), 400, "BadDeviceToken");
        assertReason(f.push(token + "00", "m"), 400, "BadDeviceToken");
        HttpResponse<String> neverIssued = f.push("0".repeat(64), "m");
        assertReason(neverIssued, 400, "BadDeviceToken");
        assertEquals("token " + "0".repeat(64) + " was never issued",
                neverIssued.headers().firstValue("x-mdmsim-detail").orElseThrow());
        // hex digits in upper case are the same token
        assertEquals(200, f.push(token.toUpperCase(), "m").statusCode());
    }

    @Test
    void missingDeviceToken() {
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/")).header("apns-topic", TOPIC)
                .POST(BodyPublishers.ofString("{\"mdm\":\"m\"}")).build()), 400, "MissingDeviceToken");
    }

    @Test
    void topicHeaders() {
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token))
                .POST(BodyPublishers.ofString("{\"mdm\":\"m\"}")).build()), 400, "MissingTopic");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token))
                .header("apns-topic", "com.apple.mgmt. spaced").POST(BodyPublishers.ofString("{\"mdm\":\"m\"}"))
                .build()), 400, "BadTopic");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token))
                .header("apns-topic", "t".repeat(256)).POST(BodyPublishers.ofString("{\"mdm\":\"m\"}"))
                .build()), 400, "BadTopic");
    }

    @Test
    void payloadChecks() {
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token)).header("apns-topic", TOPIC)
                .POST(BodyPublishers.noBody()).build()), 400, "PayloadEmpty");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token)).header("apns-topic", TOPIC)
                .POST(BodyPublishers.ofString("not json")).build()), 400, "PayloadEmpty");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token)).header("apns-topic", TOPIC)
                .POST(BodyPublishers.ofString("[1]")).build()), 400, "PayloadEmpty");

        String atLimit = "{\"mdm\":\"" + "m".repeat(4096 - 10) + "\"}";
        assertEquals(4096, atLimit.length());
        assertEquals(200, send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token))
                .header("apns-topic", TOPIC).POST(BodyPublishers.ofString(atLimit)).build()).statusCode());
        HttpResponse<String> tooLarge = send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token))
                .header("apns-topic", TOPIC).POST(BodyPublishers.ofString(atLimit + " ")).build());
        assertReason(tooLarge, 413, "PayloadTooLarge");
        assertEquals("payload: 4097 bytes (expected: at most 4096)",
                tooLarge.headers().firstValue("x-mdmsim-detail").orElseThrow());
    }

    @Test
    void headerValueChecks() {
        assertReason(send(f.provider, f.pushRequest(token, "m").header("apns-expiration", "tomorrow").build()),
                400, "BadExpirationDate");
        assertReason(send(f.provider, f.pushRequest(token, "m").header("apns-expiration", "-5").build()),
                400, "BadExpirationDate");
        assertReason(send(f.provider, f.pushRequest(token, "m").header("apns-priority", "7").build()),
                400, "BadPriority");
        assertEquals(200, send(f.provider, f.pushRequest(token, "m").header("apns-priority", "5").build())
                .statusCode());
        HttpResponse<String> badId = send(f.provider, f.pushRequest(token, "m").header("apns-id", "not-a-uuid")
                .build());
        assertReason(badId, 400, "BadMessageId");
        assertNotEquals("not-a-uuid", badId.headers().firstValue("apns-id").orElseThrow());
        HttpRequest badType = HttpRequest.newBuilder(f.apns("/3/device/" + token)).header("apns-topic", TOPIC)
                .header("apns-push-type", "weird").POST(BodyPublishers.ofString("{\"mdm\":\"m\"}")).build();
        assertReason(send(f.provider, badType), 400, "InvalidPushType");
        assertReason(send(f.provider, f.pushRequest(token, "m").header("apns-collapse-id", "c".repeat(65)).build()),
                400, "BadCollapseId");
        assertReason(send(f.provider, f.pushRequest(token, "m").header("apns-topic", TOPIC).build()),
                400, "DuplicateHeaders");
    }

    @Test
    void errorResponsesEchoTheRequestsApnsId() {
        HttpResponse<String> r = send(f.provider, f.pushRequest("0".repeat(64), "m")
                .header("apns-id", "eabeae54-14a8-11e5-b60b-1697f925ec7b").build());
        assertReason(r, 400, "BadDeviceToken");
        assertEquals("eabeae54-14a8-11e5-b60b-1697f925ec7b", r.headers().firstValue("apns-id").orElseThrow());
    }

    @Test
    void pathAndMethod() {
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token)).header("apns-topic", TOPIC)
                .GET().build()), 405, "MethodNotAllowed");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/devices/" + token)).header("apns-topic", TOPIC)
                .POST(BodyPublishers.ofString("{\"mdm\":\"m\"}")).build()), 404, "BadPath");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + token + "/extra"))
                .header("apns-topic", TOPIC).POST(BodyPublishers.ofString("{\"mdm\":\"m\"}")).build()), 404, "BadPath");
        assertReason(send(f.provider, HttpRequest.newBuilder(f.apns("/")).GET().build()), 404, "BadPath");
    }

    @Test
    void releasedTokenIsUnregisteredWithTheTimeOfRelease() {
        f.clock.advance(Duration.ofMinutes(5));
        long releasedAt = f.clock.now().toEpochMilli();
        assertEquals(204, f.deviceCall("DELETE", "/apns/v1/tokens/" + token, null).statusCode());
        f.clock.advance(Duration.ofMinutes(1));

        HttpResponse<String> r = f.push(token, "m");
        assertEquals(410, r.statusCode());
        assertEquals(Map.of("reason", "Unregistered", "timestamp", releasedAt),
                Json.MAPPER.convertValue(ApnsFixture.json(r), new com.fasterxml.jackson.core.type.TypeReference<
                        Map<String, Object>>() { }));
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertEquals(1, f.stats().get("unregistered").longValue());
    }

    @Test
    void tokenRegisteredForATopicRefusesOthers() {
        String scoped = f.issueToken("UDID-0002", TOPIC);
        assertEquals(200, f.push(scoped, "m").statusCode());
        assertReason(send(f.provider, f.pushRequest(scoped, "m").setHeader("apns-topic", "com.apple.mgmt.Other")
                .build()), 400, "DeviceTokenNotForTopic");
    }

    @Test
    void clientCertificateWithUidRestrictsTheTopicAndIsRecorded() {
        HttpClient mdm = f.client(ApnsFixture.pushCert(), Version.HTTP_2);
        HttpResponse<String> ok = send(mdm, f.pushRequest(token, "m").build());
        assertEquals(Version.HTTP_2, ok.version());
        assertEquals(200, ok.statusCode(), ok.body());

        HttpResponse<String> wrong = send(mdm, f.pushRequest(token, "m").setHeader("apns-topic",
                "com.apple.mgmt.External.someone-else").build());
        assertReason(wrong, 400, "TopicDisallowed");

        // A certificate without UID does not restrict the topic; no certificate at all neither.
        HttpClient other = f.client(ApnsFixture.plainClientCert(), Version.HTTP_2);
        assertEquals(200, send(other, f.pushRequest(token, "m").setHeader("apns-topic", "com.apple.mgmt.Any")
                .build()).statusCode());

        HttpResponse<String> providers = f.deviceCall("GET", "/admin/apns/providers", null);
        JsonNode list = ApnsFixture.json(providers);
        assertEquals(2, list.size(), list.toString());
        JsonNode push = list.get(0);
        assertEquals(TOPIC, push.get("topic").textValue());
        assertTrue(push.get("subject").textValue().contains("CN=APSP:2c3e0b6a-6f7d-4d1e-9a55-0d6f6f1b2a11"),
                push.toString());
        assertEquals(2, push.get("requests").intValue());
        assertEquals(ApnsFixture.T0.toString(), push.get("firstSeen").textValue());
        assertTrue(list.get(1).get("topic").isNull());
    }

    @Test
    void clientCertificateNotValidOnTheSimClockIsBadCertificate() {
        HttpClient future = f.client(ApnsFixture.notYetValidCert(), Version.HTTP_2);
        assertReason(send(future, f.pushRequest(token, "m").build()), 403, "BadCertificate");
        f.clock.advance(Duration.ofDays(11));
        assertEquals(200, send(future, f.pushRequest(token, "m").build()).statusCode());
    }

    @Test
    void uidIsReadFromTheSubject() {
        assertEquals(TOPIC, ApnsService.uid(ApnsFixture.pushCert().certificate().getSubjectX500Principal()));
        assertNull(ApnsService.uid(ApnsFixture.plainClientCert().certificate().getSubjectX500Principal()));
    }

    @Test
    void injectedFaultsByScriptAndByRate() {
        HttpResponse<String> set = f.deviceCall("POST", "/admin/apns/faults",
                "{\"reason\":\"TooManyRequests\",\"count\":2}");
        assertEquals(200, set.statusCode(), set.body());
        assertReason(f.push(token, "m"), 429, "TooManyRequests");
        assertReason(f.push(token, "m"), 429, "TooManyRequests");
        assertEquals(200, f.push(token, "m").statusCode());

        assertEquals(200, f.deviceCall("POST", "/admin/apns/faults", "{\"reason\":\"ServiceUnavailable\",\"rate\":1}")
                .statusCode());
        assertReason(f.push(token, "m"), 503, "ServiceUnavailable");
        assertEquals(204, f.deviceCall("DELETE", "/admin/apns/faults", null).statusCode());
        assertEquals(200, f.push(token, "m").statusCode());

        HttpResponse<String> bad = f.deviceCall("POST", "/admin/apns/faults", "{\"reason\":\"Nope\",\"count\":1}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().startsWith("reason: 'Nope' (expected: an APNs reason"), bad.body());
        assertEquals(400, f.deviceCall("POST", "/admin/apns/faults", "{\"reason\":\"Shutdown\"}").statusCode());
        assertEquals(400, f.deviceCall("POST", "/admin/apns/faults", "{\"reason\":\"Shutdown\",\"rate\":2}")
                .statusCode());
    }

    @Test
    void statsCountAcceptedAndRejected() {
        f.push(token, "m");
        f.pushExpiring(token, "m", 0);
        f.push("0".repeat(64), "m");
        JsonNode stats = f.stats();
        assertEquals(2, stats.get("accepted").longValue());
        assertEquals(1, stats.get("stored").longValue());
        assertEquals(1, stats.get("dropped").longValue());
        assertEquals(1, stats.get("rejected").longValue());
        assertEquals(1, stats.get("tokens").longValue());
        assertEquals(1, stats.get("pending").longValue());
        for (String key : new String[] {"accepted", "delivered", "stored", "expired", "unregistered"}) {
            assertTrue(stats.has(key), key);
        }
        // the same numbers on the ABM listener's admin API
        HttpResponse<String> viaAbm = send(HttpClient.newHttpClient(), HttpRequest.newBuilder(
                f.server.baseUri().resolve("/admin/apns/stats")).build());
        assertEquals(stats, ApnsFixture.json(viaAbm));
    }

    @Test
    void serverKeepsServingAfterGarbage() {
        for (int i = 0; i < 20; i++) {
            send(f.provider, HttpRequest.newBuilder(f.apns("/3/device/" + "g".repeat(i))).header("apns-topic", "x y")
                    .POST(BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0, 1})).build());
        }
        assertEquals(200, f.push(token, "m").statusCode());
        assertEquals(20, f.stats().get("rejected").longValue());
    }
}
