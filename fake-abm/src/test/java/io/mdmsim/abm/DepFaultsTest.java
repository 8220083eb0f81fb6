package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static io.mdmsim.abm.AbmFixture.text;
import static io.mdmsim.abm.DepBadInputTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Faults from the admin API: scripts, error rates, latency, session loss, cursor expiry; rate limit; terms. */
class DepFaultsTest {

    @Test
    void scriptedAnswersComeInOrderThenTheEndpointServesAgain() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            abm.adminOk(abm.adminPost("/admin/faults", Map.of("endpoint", "/server/devices",
                    "script", List.of("T_C_NOT_SIGNED", "500", "pass", Map.of("status", 503, "retryAfter", "30"), "429"))));
            assertRefused(dep.post("/server/devices", "{}"), 403, "T_C_NOT_SIGNED", "injected fault on /server/devices");
            assertRefused(dep.post("/server/devices", "{}"), 500, "INTERNAL_SERVER_ERROR", "injected");
            assertEquals(200, dep.post("/server/devices", "{}").statusCode());
            HttpResponse<byte[]> unavailable = dep.post("/server/devices", "{}");
            assertRefused(unavailable, 503, "SERVICE_UNAVAILABLE", "injected");
            assertEquals("30", unavailable.headers().firstValue("Retry-After").orElseThrow());
            HttpResponse<byte[]> tooMany = dep.post("/server/devices", "{}");
            assertRefused(tooMany, 429, "TOO_MANY_REQUESTS", "injected");
            assertEquals("1", tooMany.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(200, dep.post("/server/devices", "{}").statusCode());
            assertEquals(200, dep.get("/account").statusCode(), "other endpoints were never affected");
            JsonNode left = json(abm.adminGet("/admin/faults"));
            assertEquals(0, left.get(0).get("script").size());
        }
    }

    @Test
    void scriptOnSessionPlaysTermsNotSigned() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            abm.adminOk(abm.adminPost("/admin/faults", Map.of("endpoint", "/session", "script", List.of("T_C_NOT_SIGNED"))));
            assertRefused(abm.sessionRequest(abm.authorization(dep.token, abm.nextNonce(), abm.clock.now())), 403,
                    "T_C_NOT_SIGNED", "injected");
            assertEquals(200, abm.sessionRequest(abm.authorization(dep.token, abm.nextNonce(), abm.clock.now())).statusCode());
        }
    }

    @Test
    void errorRateIsDeterministicFromTheSeed() {
        List<Integer> first = statuses(42);
        List<Integer> second = statuses(42);
        assertEquals(first, second);
        long failures = first.stream().filter(s -> s == 503).count();
        assertTrue(failures > 10 && failures < 50, "about 30% of 100: " + failures);
        assertFalse(first.equals(statuses(43)), "another seed, other faults");
    }

    private static List<Integer> statuses(long seed) {
        try (AbmFixture abm = new AbmFixture(b -> b.seed(seed))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            abm.adminOk(abm.adminPost("/admin/faults", Map.of("endpoint", "*", "errorRate", 0.3, "error", "503")));
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                out.add(dep.get("/account").statusCode());
            }
            return out;
        }
    }

    @Test
    void latencyIsSimulatedTimeOnTheSimClock() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            abm.adminOk(abm.adminPost("/admin/faults", Map.of("endpoint", "/account", "latency", "PT30S")));
            int sleepersBefore = abm.clock.sleepers();
            CompletableFuture<HttpResponse<byte[]>> slow = abm.http.sendAsync(dep.request("/account").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, dep.post("/server/devices", "{}").statusCode(), "only /account is slow");
            // the slow request must be asleep on the SimClock before time moves, or its 30 s start later
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> abm.clock.sleepers() > sleepersBefore);
            assertFalse(slow.isDone());
            abm.clock.advance(Duration.ofSeconds(29));
            assertFalse(slow.isDone());
            abm.clock.advance(Duration.ofSeconds(1));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(slow::isDone);
            assertEquals(200, slow.join().statusCode());
        }
    }

    @Test
    void sessionLossAnswers401OrFORBIDDEN() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            assertEquals(1, json(abm.adminPost("/admin/faults/session-loss", Map.of("mdmServer", "mdm-1"))).get("dropped").asInt());
            assertRefused(dep.get("/account"), 401, "UNAUTHORIZED", "session-loss");
            AbmFixture.Dep again = dep.withSession(abm.session(dep.token));
            assertEquals(200, again.get("/account").statusCode());
            abm.adminOk(abm.adminPost("/admin/faults/session-loss", Map.of("status", 403)));
            assertRefused(again.get("/account"), 403, "FORBIDDEN", "session-loss");
            assertEquals(400, abm.adminPost("/admin/faults/session-loss", Map.of("status", 500)).statusCode());
        }
    }

    @Test
    void forcedCursorExpiry() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            String cursor = DepEndpointsTest.fetchAll(dep, new ArrayList<>());
            abm.clock.advance(Duration.ofSeconds(1));
            abm.adminOk(abm.adminPost("/admin/faults/cursor-expiry", Map.of("mdmServer", "mdm-1")));
            assertRefused(dep.post("/devices/sync", "{\"cursor\":\"" + cursor + "\"}"), 400, "EXPIRED_CURSOR", "expired by the admin");
            abm.clock.advance(Duration.ofSeconds(1));
            String fresh = DepEndpointsTest.fetchAll(dep, new ArrayList<>());
            assertEquals(200, dep.post("/devices/sync", "{\"cursor\":\"" + fresh + "\"}").statusCode());
        }
    }

    @Test
    void requestRateLimitAnswers429WithRetryAfter() {
        try (AbmFixture abm = new AbmFixture(b -> b.requestsPerSecond(2))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            abm.clock.advance(Duration.ofSeconds(5));
            assertEquals(200, dep.get("/account").statusCode());
            assertEquals(200, dep.get("/account").statusCode());
            HttpResponse<byte[]> limited = dep.get("/account");
            assertRefused(limited, 429, "TOO_MANY_REQUESTS", "requests a second");
            assertEquals("1", limited.headers().firstValue("Retry-After").orElseThrow());
            abm.clock.advance(Duration.ofMillis(500));
            assertEquals(200, dep.get("/account").statusCode());
            // settable at run time
            abm.adminOk(abm.adminPut("/admin/settings", Map.of("requestsPerSecond", 0)));
            for (int i = 0; i < 10; i++) {
                assertEquals(200, dep.get("/account").statusCode());
            }
        }
    }

    @Test
    void organizationThatHasNotAcceptedTheTermsGetsTcNotSigned() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            String org = json(abm.adminGet("/admin/organizations")).get(0).get("orgId").asText();
            abm.adminOk(abm.adminPost("/admin/organizations/" + org + "/terms", Map.of("accepted", false)));
            assertRefused(dep.get("/account"), 403, "T_C_NOT_SIGNED", "terms");
            assertRefused(abm.sessionRequest(abm.authorization(dep.token, abm.nextNonce(), abm.clock.now())), 403,
                    "T_C_NOT_SIGNED", "terms");
            abm.adminOk(abm.adminPost("/admin/organizations/" + org + "/terms", Map.of("accepted", true)));
            assertEquals(200, dep.get("/account").statusCode());
        }
    }

    @Test
    void faultAdminRefusesNonsense() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            assertAdmin400(abm.adminPost("/admin/faults", Map.of("endpoint", "/nope")), "expected one of");
            assertAdmin400(abm.adminPost("/admin/faults", Map.of("endpoint", "*", "errorRate", 2, "error", "503")), "0..1");
            assertAdmin400(abm.adminPost("/admin/faults", Map.of("endpoint", "*", "errorRate", 0.5)), "needs an error");
            assertAdmin400(abm.adminPost("/admin/faults", Map.of("endpoint", "*", "script", List.of("not a code"))), "script entry");
            assertAdmin400(abm.adminPost("/admin/faults", Map.of("endpoint", "*", "latency", "2 seconds")), "ISO-8601");
            assertAdmin400(abm.adminPut("/admin/settings", Map.of("nonsense", 1)), "unknown setting");
            assertAdmin400(abm.adminPut("/admin/settings", Map.of("errorBodyStyle", "xml")), "bare, quoted or json");
            abm.adminOk(abm.adminDelete("/admin/faults"));
        }
    }

    @Test
    void cloudConfigurationCanFailToo() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            abm.adminOk(abm.adminPost("/admin/faults", Map.of("endpoint", "/cloudconfig", "script", List.of("503"))));
            HttpResponse<byte[]> r = abm.postCloudConfig(new byte[] {1}, "application/pkcs7-signature");
            assertEquals(503, r.statusCode());
            assertEquals(400, abm.postCloudConfig(new byte[] {1}, "application/pkcs7-signature").statusCode());
        }
    }

    private static void assertAdmin400(HttpResponse<byte[]> r, String contains) {
        assertEquals(400, r.statusCode(), text(r));
        assertTrue(text(r).contains(contains), "'" + text(r) + "' should mention '" + contains + "'");
    }

}
