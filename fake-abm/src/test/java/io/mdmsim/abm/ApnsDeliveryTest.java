package io.mdmsim.abm;

import static io.mdmsim.abm.ApnsFixture.TOPIC;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.ApnsFixture.Event;
import io.mdmsim.abm.ApnsFixture.Events;
import io.mdmsim.abm.apns.DeviceSignature;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The device side of the fake APNs: tokens, connections, event streams, coalescing and expiry. */
class ApnsDeliveryTest {

    private final ApnsFixture f = new ApnsFixture(b -> b.keepaliveInterval(Duration.ofMillis(200)));

    @AfterEach
    void close() {
        f.close();
    }

    private static void assertPush(Event event, String token, String pushMagic) {
        assertEquals("push", event.name());
        JsonNode json = event.json();
        assertEquals(token, json.get("token").textValue());
        assertEquals(TOPIC, json.get("topic").textValue());
        assertEquals(Map.of("mdm", pushMagic), Map.of("mdm", json.get("payload").get("mdm").textValue()));
        assertEquals(1, json.get("payload").size());
        assertTrue(json.get("apnsId").textValue().matches("[0-9a-f-]{36}"), json.toString());
    }

    @Test
    void tokensAreStablePerDeviceUntilReleased() {
        String t1 = f.issueToken("UDID-A", TOPIC);
        assertTrue(t1.matches("[0-9a-f]{64}"), t1);
        assertEquals(t1, f.issueToken("UDID-A", null));
        assertNotEquals(t1, f.issueToken("UDID-B", null));
        assertEquals(TOPIC, f.tokenStatus(t1).get("topic").textValue());
        assertEquals("UDID-A", f.tokenStatus(t1).get("deviceId").textValue());

        assertEquals(204, f.deviceCall("DELETE", "/apns/v1/tokens/" + t1, null).statusCode());
        String t2 = f.issueToken("UDID-A", TOPIC);
        assertNotEquals(t1, t2, "a released token is not handed out again");
        assertEquals(410, f.push(t1, "m").statusCode());
        assertEquals(200, f.push(t2, "m").statusCode());
        // the same seed gives the same tokens in another server
        try (ApnsFixture again = new ApnsFixture()) {
            assertEquals(t1, again.issueToken("UDID-A", null));
        }
    }

    @Test
    void pushToAnOnlineTokenArrivesOnItsEventStream() {
        String token = f.issueToken("UDID-A", TOPIC);
        try (Events events = f.connect(token)) {
            assertEquals(HttpClient.Version.HTTP_2, events.response.version());
            assertTrue(f.tokenStatus(token).get("online").booleanValue(), "online once the stream's head arrived");
            HttpResponse<String> r = ApnsFixture.send(f.provider, f.pushRequest(token, "magic-1")
                    .header("apns-id", "eabeae54-14a8-11e5-b60b-1697f925ec7b").build());
            assertEquals(200, r.statusCode());
            Event e = events.next();
            assertPush(e, token, "magic-1");
            assertEquals("eabeae54-14a8-11e5-b60b-1697f925ec7b", e.json().get("apnsId").textValue());
            assertEquals("{\"token\":\"" + token + "\",\"apnsId\":\"eabeae54-14a8-11e5-b60b-1697f925ec7b\","
                    + "\"topic\":\"" + TOPIC + "\",\"payload\":{\"mdm\":\"magic-1\"}}", e.data());
            JsonNode stats = f.stats();
            assertEquals(1, stats.get("delivered").longValue());
            assertEquals(0, stats.get("stored").longValue());
            assertEquals(1, stats.get("online").intValue());
            assertEquals(1, stats.get("streams").intValue());
        }
    }

    @Test
    void whileOfflineOnlyTheLastPushIsKeptAndDeliveredOnReconnect() {
        String token = f.issueToken("UDID-A", TOPIC);
        assertEquals(200, f.push(token, "first").statusCode());
        assertEquals(200, f.push(token, "second").statusCode());
        JsonNode stats = f.stats();
        assertEquals(2, stats.get("stored").longValue());
        assertEquals(1, stats.get("coalesced").longValue());
        assertEquals(1, stats.get("pending").intValue());

        try (Events events = f.connect(token)) {
            assertPush(events.next(), token, "second");
            f.push(token, "third");
            assertPush(events.next(), token, "third"); // "first" never came
            assertEquals(2, f.stats().get("delivered").longValue());
            assertEquals(0, f.stats().get("pending").intValue());
        }
    }

    @Test
    void storedPushExpiresOnTheSimClock() {
        String token = f.issueToken("UDID-A", TOPIC);
        long expiration = ApnsFixture.T0.plus(Duration.ofSeconds(60)).getEpochSecond();
        assertEquals(200, f.pushExpiring(token, "short-lived", expiration).statusCode());
        f.clock.advance(Duration.ofSeconds(59));
        assertEquals(1, f.stats().get("pending").intValue(), "still within its expiration");
        f.clock.advance(Duration.ofSeconds(2));

        try (Events events = f.connect(token)) {
            f.push(token, "marker");
            assertPush(events.next(), token, "marker");
            JsonNode stats = f.stats();
            assertEquals(1, stats.get("expired").longValue());
            assertEquals(1, stats.get("delivered").longValue());
        }
    }

    @Test
    void storedPushWithinItsExpirationIsDelivered() {
        String token = f.issueToken("UDID-A", TOPIC);
        long expiration = ApnsFixture.T0.plus(Duration.ofHours(1)).getEpochSecond();
        f.pushExpiring(token, "kept", expiration);
        f.clock.advance(Duration.ofMinutes(59));
        try (Events events = f.connect(token)) {
            assertPush(events.next(), token, "kept");
        }
    }

    @Test
    void pushWithoutExpirationIsKeptForTheDefaultPeriod() {
        String token = f.issueToken("UDID-A", TOPIC);
        f.push(token, "default");
        assertEquals(ApnsFixture.T0.plus(Duration.ofDays(30)).toString(),
                f.tokenStatus(token).get("pending").get("until").textValue());
        f.clock.advance(Duration.ofDays(30));
        assertEquals(1, f.stats().get("expired").longValue());
    }

    @Test
    void expirationZeroIsDroppedWhenOfflineAndDeliveredWhenOnline() {
        String token = f.issueToken("UDID-A", TOPIC);
        assertEquals(200, f.pushExpiring(token, "now-or-never", 0).statusCode());
        assertEquals(1, f.stats().get("dropped").longValue());
        assertNull(f.tokenStatus(token).get("pending").textValue());

        try (Events events = f.connect(token)) {
            f.pushExpiring(token, "online-now", 0);
            assertPush(events.next(), token, "online-now");
        }
    }

    @Test
    void tokenGoesOfflineAndBackOnItsConnection() {
        String a = f.issueToken("UDID-A", TOPIC);
        String b = f.issueToken("UDID-B", TOPIC);
        try (Events events = f.connect(a, b)) {
            f.offline(events.connection, a);
            f.awaitOnline(a, false);
            f.push(a, "while-asleep");
            f.push(b, "b-awake");
            assertPush(events.next(), b, "b-awake");
            assertEquals(1, f.stats().get("pending").intValue());

            f.online(events.connection, a);
            assertPush(events.next(), a, "while-asleep");
            f.offline(events.connection, a);
            f.offline(events.connection, a); // idempotent
        }
    }

    @Test
    void tokenAddedLaterToAConnectionComesOnline() {
        String a = f.issueToken("UDID-A", TOPIC);
        String b = f.issueToken("UDID-B", TOPIC);
        f.push(b, "stored-for-b");
        try (Events events = f.connect(a)) {
            f.online(events.connection, b);
            assertPush(events.next(), b, "stored-for-b");
        }
    }

    @Test
    void droppedStreamTakesAllItsTokensOffline() {
        String a = f.issueToken("UDID-A", TOPIC);
        String b = f.issueToken("UDID-B", TOPIC);
        Events first = f.connect(a, b);
        String connection = first.connection;
        first.close();
        f.awaitOnline(a, false);
        f.awaitOnline(b, false);
        await().atMost(30, TimeUnit.SECONDS).until(() -> f.stats().get("connections").intValue() == 0);
        assertEquals(404, f.deviceCall("PUT", "/apns/v1/connections/" + connection + "/tokens/" + a, null)
                .statusCode());

        f.push(a, "after-drop");
        try (Events second = f.connect(a, b)) {
            assertPush(second.next(), a, "after-drop");
        }
    }

    @Test
    void serverSideCloseOfAConnectionEndsItsStream() {
        String a = f.issueToken("UDID-A", TOPIC);
        Events events = f.connect(a);
        assertEquals(204, f.deviceCall("DELETE", "/apns/v1/connections/" + events.connection, null).statusCode());
        await().atMost(30, TimeUnit.SECONDS).until(() -> events.ended);
        f.awaitOnline(a, false);
    }

    @Test
    void releasingAnOnlineTokenStopsDelivery() {
        String a = f.issueToken("UDID-A", TOPIC);
        String b = f.issueToken("UDID-B", TOPIC);
        try (Events events = f.connect(a, b)) {
            assertEquals(204, f.deviceCall("DELETE", "/apns/v1/tokens/" + a, null).statusCode());
            assertEquals(410, f.push(a, "gone").statusCode());
            f.push(b, "marker");
            assertPush(events.next(), b, "marker");
        }
    }

    @Test
    void eventStreamsGetKeepaliveComments() {
        String a = f.issueToken("UDID-A", TOPIC);
        try (Events events = f.connect(a)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> !events.comments.isEmpty());
            assertEquals("keepalive", events.comments.poll());
            assertTrue(events.events.isEmpty());
        }
    }

    @Test
    void connectionWhoseStreamNeverOpensIsDropped() {
        try (ApnsFixture quick = new ApnsFixture(b -> b.keepaliveInterval(Duration.ofMillis(50))
                .attachTimeout(Duration.ofMillis(100)))) {
            String a = quick.issueToken("UDID-A", TOPIC);
            String id = quick.openConnection(a);
            await().atMost(30, TimeUnit.SECONDS).until(() -> quick.stats().get("connections").intValue() == 0);
            assertEquals(404, quick.deviceCall("GET", "/apns/v1/connections/" + id + "/events", null).statusCode());
        }
    }

    @Test
    void manyTokensOnOneConnectionReceiveConcurrentPushes() {
        int n = 1000;
        List<String> tokens = f.issueTokens(n, "UDID");
        try (Events events = f.connect(tokens.toArray(String[]::new))) {
            for (HttpResponse<String> r : f.pushAll(tokens, t -> "magic-" + t.substring(0, 8))) {
                assertEquals(200, r.statusCode(), r.body());
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> events.events.size() == n);
            Set<String> seen = new HashSet<>();
            for (Event e : events.events) {
                JsonNode json = e.json();
                String t = json.get("token").textValue();
                assertEquals("magic-" + t.substring(0, 8), json.get("payload").get("mdm").textValue());
                seen.add(t);
            }
            assertEquals(Set.copyOf(tokens), seen);
            assertEquals(n, f.stats().get("delivered").longValue());
        }
    }

    @Test
    void pushesRacingDevicesComingOnlineAreDeliveredExactlyOnce() throws Exception {
        int n = 300;
        List<String> tokens = f.issueTokens(n, "UDID");
        try (Events events = f.connect()) {
            List<CompletableFuture<?>> work = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String t : tokens) {
                    work.add(CompletableFuture.runAsync(() -> assertEquals(200, f.push(t, "p").statusCode()), pool));
                    work.add(CompletableFuture.runAsync(() -> f.online(events.connection, t), pool));
                }
                CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> events.events.size() == n);
            Map<String, Integer> perToken = new HashMap<>();
            for (Event e : events.events) {
                perToken.merge(e.json().get("token").textValue(), 1, Integer::sum);
            }
            assertEquals(n, perToken.size());
            assertEquals(Set.of(1), Set.copyOf(perToken.values()));
            assertEquals(0, f.stats().get("pending").intValue());
        }
    }

    @Test
    void deviceSideErrorsAreReadable() {
        HttpResponse<String> noId = f.deviceCall("POST", "/apns/v1/tokens", "{}");
        assertEquals(400, noId.statusCode());
        assertEquals("deviceId: missing (expected: a string)", noId.body());
        HttpResponse<String> blank = f.deviceCall("POST", "/apns/v1/tokens", "{\"deviceId\":\" \"}");
        assertEquals(400, blank.statusCode());
        assertTrue(blank.body().startsWith("deviceId: ' ' (expected: the device's UDID"), blank.body());
        assertEquals(400, f.deviceCall("POST", "/apns/v1/tokens", "{\"deviceId\":5}").statusCode());
        HttpResponse<String> badJson = f.deviceCall("POST", "/apns/v1/tokens", "{\"deviceId\":");
        assertEquals(400, badJson.statusCode());
        assertTrue(badJson.body().startsWith("invalid JSON"), badJson.body());

        HttpResponse<String> unknownToken = f.deviceCall("POST", "/apns/v1/connections",
                "{\"tokens\":[{\"token\":\"" + "0".repeat(64) + "\",\"key\":\"k\"}]}");
        assertEquals(400, unknownToken.statusCode());
        assertTrue(unknownToken.body().startsWith("tokens: " + "0".repeat(64) + " is not issued"), unknownToken.body());
        assertEquals(400, f.deviceCall("POST", "/apns/v1/connections", "{\"tokens\":\"x\"}").statusCode());
        assertEquals(400, f.deviceCall("POST", "/apns/v1/connections", "{\"tokens\":[\"short\"]}").statusCode());

        HttpResponse<String> noConnection = f.deviceCall("GET", "/apns/v1/connections/nope/events", null);
        assertEquals(404, noConnection.statusCode());
        assertTrue(noConnection.body().startsWith("connection nope does not exist"), noConnection.body());
        assertEquals(404, f.deviceCall("DELETE", "/apns/v1/tokens/" + "0".repeat(64), null).statusCode());
        assertEquals(400, f.deviceCall("DELETE", "/apns/v1/tokens/xyz", null).statusCode());

        String a = f.issueToken("UDID-A", TOPIC);
        try (Events events = f.connect(a)) {
            HttpResponse<String> second = f.deviceCall("GET", "/apns/v1/connections/" + events.connection
                    + "/events", null);
            assertEquals(409, second.statusCode());
            assertTrue(second.body().contains("already has its event stream"), second.body());
        }
    }

    @Test
    void tokenAndConnectionLimits() {
        try (ApnsFixture small = new ApnsFixture(b -> b.maxTokens(2).maxConnections(1))) {
            small.issueToken("A", null);
            String b = small.issueToken("B", null);
            HttpResponse<String> full = small.deviceCall("POST", "/apns/v1/tokens", "{\"deviceId\":\"C\"}");
            assertEquals(503, full.statusCode());
            assertEquals("token limit reached: 2 tokens issued (expected: release tokens first, or raise apns "
                    + "maxTokens)", full.body());
            assertEquals(204, small.deviceCall("DELETE", "/apns/v1/tokens/" + b, null).statusCode());
            small.issueToken("C", null);

            small.openConnection();
            HttpResponse<String> tooMany = small.deviceCall("POST", "/apns/v1/connections", "{\"tokens\":[]}");
            assertEquals(503, tooMany.statusCode());
            assertTrue(tooMany.body().startsWith("connection limit reached: 1"), tooMany.body());
        }
    }

    @Test
    void plainHttpModeForTests() {
        try (ApnsFixture plain = new ApnsFixture(b -> b.plainHttp(true))) {
            assertEquals("http", plain.server.apnsUri().getScheme());
            assertNull(plain.server.apnsTrustAnchor());
            HttpClient h = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            String token = ApnsFixture.json(ApnsFixture.send(h, java.net.http.HttpRequest.newBuilder(
                    plain.apns("/apns/v1/tokens")).header(DeviceSignature.HEADER, ApnsFixture.signature(
                    plain.deviceIdentity("D"), "{\"deviceId\":\"D\"}")).POST(java.net.http.HttpRequest.BodyPublishers
                    .ofString("{\"deviceId\":\"D\"}")).build())).get("token").textValue();
            HttpResponse<String> r = ApnsFixture.send(h, plain.pushRequest(token, "m").build());
            assertEquals(HttpClient.Version.HTTP_1_1, r.version());
            assertEquals(200, r.statusCode());
        }
    }

    @Test
    void configRejectsNonsense() {
        check("apns port: 70000 (expected: 0..65535)",
                () -> ApnsConfig.builder().port(70000).build());
        check("apns maxTokens: 0 (expected: >= 1)",
                () -> ApnsConfig.builder().maxTokens(0).build());
        check("apns keepaliveInterval: PT0S (expected: > 0)",
                () -> ApnsConfig.builder().keepaliveInterval(Duration.ZERO).build());
        FakeAbmConfig config = FakeAbmConfig.builder().appleDeviceCa(ApnsFixture.pki().appleDeviceCa().certificate())
                .apnsPort(5223).apnsTls(ApnsFixture.pki().tlsServer()).build();
        assertEquals(5223, config.apns().port());
        assertEquals(ApnsFixture.pki().tlsServer(), config.apns().tls());
        check("apns: plainHttp with a TLS identity (expected: one or the other)",
                () -> new ApnsConfig(0, true, ApnsFixture.pki().tlsServer(), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1));
    }

    private static void check(String message, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(message, e.getMessage());
    }

}
