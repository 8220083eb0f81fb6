package io.mdmsim.mdm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.TokenUpdate;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** APNs pushes (docs/fake-abm.md "Fake APNs") against an in-test APNs double: when, what, and how refusals are handled. */
class PushTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LOCK = "{\"requestType\":\"DeviceLock\",\"Message\":\"hi\"}";

    private final ApnsDouble apns = new ApnsDouble(null);
    private TestServer t;

    private TestServer start(UnaryOperator<MdmConfig.Builder> more) {
        t = new TestServer(b -> more.apply(b.apnsUrl(apns.uri())));
        return t;
    }

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
        apns.close();
    }

    @Test
    void anEnqueuePushesOnlyAfterTheFirstTokenUpdate() {
        start(b -> b);
        TestDevice d = t.newDevice("UDID-PUSH-1");
        d.enroll(t.base);
        d.mdmIdentity = d.scep(t.base, d.challenge(), t.clock.now()).identity();
        TestServer.expect200(d.checkin(t.base, Authenticate.forDevice(d.topic(), d.udid, d.serial, "iPhone15,2",
                "18.1", "22B83", null, null)));
        JsonNode before = TestServer.json(t.send("POST", "/admin/devices/" + d.udid + "/commands", LOCK));
        assertEquals("no-token", before.path("push").asText());

        byte[] token = new byte[32];
        token[31] = (byte) 0xAB;
        TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, token, "magic-1", null,
                false)));
        HttpResponse<byte[]> queued = t.send("POST", "/admin/devices/" + d.udid + "/commands", LOCK);
        assertEquals(201, queued.statusCode());
        assertEquals("queued", TestServer.json(queued).path("push").asText());
        await().atMost(WAIT).until(() -> apns.pushes().size() == 1);
        ApnsDouble.Push p = apns.pushes().getFirst();
        assertEquals(HexFormat.of().formatHex(token), p.token());
        assertEquals(d.topic(), p.topic());
        assertEquals("mdm", p.pushType());
        assertEquals("10", p.priority());
        assertEquals(Long.toString(t.clock.now().plus(Duration.ofDays(1)).getEpochSecond()), p.expiration());
        assertEquals("{\"mdm\":\"magic-1\"}", p.body());

        await().atMost(WAIT).until(() -> t.get("/admin/devices/" + d.udid).path("lastPushResult").asText()
                .equals("sent"));
        JsonNode sent = lastPushEvent();
        assertEquals("sent", sent.path("result").asText());
        assertTrue(sent.path("apnsId").asText().startsWith("00000000-"));

        // ?push=false queues without a push; POST .../push pushes on demand.
        assertEquals(false, TestServer.json(t.send("POST", "/admin/devices/" + d.udid + "/commands?push=false", LOCK))
                .has("push"));
        assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/push", null).statusCode());
        await().atMost(WAIT).until(() -> apns.pushes().size() == 2);
    }

    @Test
    void unregisteredMarksTheDeviceUntilItsNextTokenUpdate() {
        start(b -> b);
        TestDevice d = t.enrolled("UDID-PUSH-410", false);
        apns.answer(410);
        assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/push", null).statusCode());
        await().atMost(WAIT).until(() -> !t.get("/admin/devices/" + d.udid).path("pushable").asBoolean());
        JsonNode device = t.get("/admin/devices/" + d.udid);
        assertEquals("unregistered", device.path("lastPushResult").asText());
        assertEquals(t.clock.now().toString(), device.path("pushUnregisteredAt").asText());
        assertEquals("Unregistered", lastPushEvent().path("apnsReason").asText());

        HttpResponse<byte[]> refused = t.send("POST", "/admin/devices/" + d.udid + "/push", null);
        assertEquals(409, refused.statusCode());
        assertTrue(new String(refused.body()).contains("unregistered"));
        assertEquals("unregistered", TestServer.json(t.send("POST", "/admin/devices/" + d.udid + "/commands", LOCK))
                .path("push").asText());
        assertEquals(1, apns.pushes().size());

        TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "magic-2",
                null, false)));
        assertTrue(t.get("/admin/devices/" + d.udid).path("pushable").asBoolean());
        assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/push", null).statusCode());
        await().atMost(WAIT).until(() -> apns.pushes().size() == 2);
        assertEquals("{\"mdm\":\"magic-2\"}", apns.pushes().get(1).body());
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetriedWithBackoffOnTheSimClock() {
        start(b -> b.apnsRetryDelay(Duration.ofSeconds(2)));
        TestDevice d = t.enrolled("UDID-PUSH-429", false);
        apns.answer(429, 503);
        assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/push", null).statusCode());

        await().atMost(WAIT).until(() -> t.clock.sleepers() == 1);
        assertEquals(1, apns.pushes().size(), "no retry before the simulated delay has passed");
        assertEquals(t.clock.now().plusSeconds(2), t.clock.nextDeadline().orElseThrow());
        t.clock.advance(Duration.ofSeconds(2));
        await().atMost(WAIT).until(() -> apns.pushes().size() == 2 && t.clock.sleepers() == 1);
        assertEquals(t.clock.now().plusSeconds(4), t.clock.nextDeadline().orElseThrow(), "the delay doubles");
        t.clock.advance(Duration.ofSeconds(4));
        await().atMost(WAIT).until(() -> apns.pushes().size() == 3);
        await().atMost(WAIT).until(() -> t.get("/admin/devices/" + d.udid).path("lastPushResult").asText()
                .equals("sent"));
        List<String> results = pushEvents().findValuesAsText("result");
        assertEquals(List.of("retrying", "retrying", "sent"), results);
        assertEquals(429, pushEvents().get(0).path("httpStatus").asInt());
    }

    @Test
    void aPushThatKeepsFailingGivesUpAfterMaxAttempts() {
        start(b -> b.apnsMaxAttempts(2).apnsRetryDelay(Duration.ofSeconds(1)));
        TestDevice d = t.enrolled("UDID-PUSH-500", false);
        apns.answer(500, 500);
        t.send("POST", "/admin/devices/" + d.udid + "/push", null);
        await().atMost(WAIT).until(() -> t.clock.sleepers() == 1);
        t.clock.advance(Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> t.get("/admin/devices/" + d.udid).path("lastPushResult").asText()
                .startsWith("failed"));
        assertEquals(2, apns.pushes().size());
        JsonNode last = lastPushEvent();
        assertEquals("failed", last.path("result").asText());
        assertEquals(2, last.path("attempt").asInt());
    }

    @Test
    void aBadDeviceTokenIsNotRetried() {
        start(b -> b);
        TestDevice d = t.enrolled("UDID-PUSH-400", false);
        apns.answer(400);
        t.send("POST", "/admin/devices/" + d.udid + "/push", null);
        await().atMost(WAIT).until(() -> t.get("/admin/devices/" + d.udid).path("lastPushResult").asText()
                .equals("failed: APNs answered 400 BadDeviceToken"));
        assertEquals(1, apns.pushes().size());
        assertEquals(0, t.clock.sleepers());
    }

    @Test
    void pushesOverTlsTrustTheConfiguredAnchors() {
        try (ApnsDouble tls = new ApnsDouble(TestPki.PKI.tlsServer())) {
            start(b -> b.apnsUrl(tls.uri()).apnsTrustAnchors(List.of(TestPki.PKI.root().certificate())));
            TestDevice d = t.enrolled("UDID-PUSH-TLS", false);
            t.send("POST", "/admin/devices/" + d.udid + "/push", null);
            await().atMost(WAIT).until(() -> tls.pushes().size() == 1);
            t.close();

            start(b -> b.apnsUrl(tls.uri()).apnsMaxAttempts(1)
                    .apnsTrustAnchors(List.of(TestPki.OTHER.root().certificate())));
            TestDevice other = t.enrolled("UDID-PUSH-TLS-2", false);
            t.send("POST", "/admin/devices/" + other.udid + "/push", null);
            await().atMost(WAIT).until(() -> t.get("/admin/devices/" + other.udid).path("lastPushResult").asText()
                    .startsWith("failed: APNs unreachable"));
            assertEquals(1, tls.pushes().size());
        }
    }

    @Test
    void pushesAreOffWithoutAnApnsUrl() {
        t = new TestServer();
        TestDevice d = t.enrolled("UDID-PUSH-OFF", false);
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + d.udid + "/push", null);
        assertEquals(409, r.statusCode());
        assertTrue(new String(r.body()).contains("--apns-url"));
        assertEquals(404, t.send("POST", "/admin/devices/NOPE/push", null).statusCode());
    }

    private JsonNode pushEvents() {
        return EnrollmentPolicyTest.eventsOf(t, "push");
    }

    private JsonNode lastPushEvent() {
        JsonNode all = pushEvents();
        return all.get(all.size() - 1);
    }
}
