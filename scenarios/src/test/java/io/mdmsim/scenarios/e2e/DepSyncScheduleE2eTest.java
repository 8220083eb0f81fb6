package io.mdmsim.scenarios.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.mdm.MdmConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DEP sync rules DepSyncRulesE2eTest does not show (docs/mdm-endpoint.md "The seeds' rules, one by one", sync): the
 * delta sync every 12 hours on its own, a failed delta making the next sync full, the Sync button refused while a sync
 * runs, and every sync, full or delta, cut after 15 minutes.
 * Fake ABM (with its fault injection) and the reference MDM over HTTP on a ManualClock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DepSyncScheduleE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    @Test
    void aDeltaSyncRunsEvery12HoursOnItsOwn() throws Exception {
        world = worlds.start(new E2eWorld(2, b -> { }, b -> b.depSyncInterval(Duration.ofHours(12))));
        String token = world.addToken("sched", true);
        JsonNode first = world.token(token);
        assertEquals(1, first.path("syncs").asInt());
        assertEquals("full", first.path("lastSyncKind").asText());

        world.importDevices("F2LXS0000001,iPhone15,2,17.5,21F90");
        world.abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "sched", "serials", List.of("F2LXS0000001")));
        world.clock.advance(Duration.ofHours(12).minusMinutes(1));
        Thread.sleep(300); // real time for a sync that should not start
        assertEquals(1, world.token(token).path("syncs").asInt(), "no sync before 12 hours");
        assertEquals(2, world.token(token).path("devices").asInt());

        world.clock.advance(Duration.ofMinutes(1));
        JsonNode second = world.awaitToken(token, n -> n.path("syncs").asInt() == 2
                && n.path("syncState").asText().equals("SYNCED"));
        assertEquals("delta", second.path("lastSyncKind").asText(), second.toString());
        assertEquals(E2eWorld.T0.plus(Duration.ofHours(12)).toString(), second.path("lastSyncAt").asText());
        assertEquals(3, second.path("devices").asInt(), "the delta brought the new device");
        assertEquals(3, second.path("assigned").asInt());

        world.clock.advance(Duration.ofHours(12));
        JsonNode third = world.awaitToken(token, n -> n.path("syncs").asInt() == 3
                && n.path("syncState").asText().equals("SYNCED"));
        assertEquals("delta", third.path("lastSyncKind").asText());
    }

    @Test
    void theDefaultDeltaIntervalIs12Hours() {
        assertEquals(Duration.ofHours(12), MdmConfig.builder().build().depSyncInterval());
    }

    @Test
    void aFailedDeltaMakesTheNextSyncFull() throws Exception {
        world = worlds.start(new E2eWorld(3));
        String token = world.addToken("fail", true);
        world.abmAdmin.postJson("/admin/faults", Map.of("endpoint", "/devices/sync", "script", List.of("503")));

        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode failed = world.awaitToken(token, n -> n.path("syncState").asText().equals("FAILED"));
        assertTrue(failed.path("lastError").asText().contains("503"), failed.toString());
        assertTrue(failed.path("nextSyncFull").asBoolean(), failed.toString());

        // a manual sync that did not ask for a full one, within 7 days of the last full: full anyway
        world.clock.advance(Duration.ofMinutes(15));
        HttpResponse<String> again = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        assertEquals(202, again.statusCode(), again.body());
        JsonNode after = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED")
                && n.path("syncs").asInt() == 2);
        assertEquals("full", after.path("lastSyncKind").asText(), after.toString());
        assertEquals(world.clock.now().toString(), after.path("lastFullSyncAt").asText());
        assertEquals(false, after.path("nextSyncFull").asBoolean());
        assertEquals(3, after.path("devices").asInt());

        // and the one after that is a delta again
        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        JsonNode delta = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED")
                && n.path("syncs").asInt() == 3);
        assertEquals("delta", delta.path("lastSyncKind").asText());
    }

    @Test
    void theSyncButtonIsRefusedWhileASyncRuns() throws Exception {
        world = worlds.start(new E2eWorld(3));
        String token = world.addToken("busy", true);
        int sleepers = world.clock.sleepers();
        world.abmAdmin.postJson("/admin/faults", Map.of("endpoint", "/devices/sync", "latency", "PT5M"));

        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> world.clock.sleepers() > sleepers); // ABM is answering
        JsonNode running = world.token(token);
        assertEquals("SYNCING", running.path("syncState").asText(), running.toString());
        assertEquals("delta", running.path("progress").path("kind").asText(), running.toString());

        HttpResponse<String> refused = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("a sync of token " + token + " is running"), refused.body());
        HttpResponse<String> refusedFull = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync?full=true");
        assertEquals(409, refusedFull.statusCode(), refusedFull.body());

        world.clock.advance(Duration.ofMinutes(5));
        JsonNode done = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED")
                && n.path("syncs").asInt() == 2);
        assertEquals("delta", done.path("lastSyncKind").asText());
        // after it: the 15-minute rule, counted from the manual sync's start
        HttpResponse<String> tooSoon = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        assertEquals(429, tooSoon.statusCode(), tooSoon.body());
        assertTrue(tooSoon.body().contains(E2eWorld.T0.plus(Duration.ofMinutes(30)).toString()), tooSoon.body());
    }
    @org.junit.jupiter.params.ParameterizedTest(name = "a {0} sync: \"All sync requests are given 15 minutes to finish\"")
    @org.junit.jupiter.params.provider.CsvSource({"full,/server/devices", "delta,/devices/sync"})
    void everySyncIsGiven15MinutesToFinish(String kind, String endpoint) throws Exception {
        world = worlds.start(new E2eWorld(3));
        String token = world.addToken("slow-" + kind, true);
        int sleepers = world.clock.sleepers();
        world.abmAdmin.postJson("/admin/faults", Map.of("endpoint", endpoint, "latency", "PT20M"));
        world.clock.advance(kind.equals("full") ? Duration.ofDays(7) : Duration.ofMinutes(15));
        HttpResponse<String> started = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync"
                + (kind.equals("full") ? "?full=true" : ""));
        assertEquals(202, started.statusCode(), started.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> world.clock.sleepers() > sleepers); // ABM is answering
        assertEquals("SYNCING", world.token(token).path("syncState").asText());

        world.clock.advance(Duration.ofMinutes(15));
        assertEquals("SYNCING", world.token(token).path("syncState").asText(), "15 minutes are not over yet");
        world.clock.advance(Duration.ofSeconds(1));
        JsonNode cut = world.token(token);
        assertEquals("FAILED", cut.path("syncState").asText(), cut.toString());
        assertTrue(cut.path("lastError").asText().startsWith(kind + " sync did not finish within 15 minutes"),
                cut.toString());
        assertTrue(cut.path("nextSyncFull").asBoolean(), cut.toString());
        assertEquals(1, cut.path("syncs").asInt(), "nothing of the cut sync was kept");

        // ABM answers the old request late: it changes nothing; the Sync button works again and its sync is full
        var cleared = world.abmAdmin.exchange("DELETE", "/admin/faults", null);
        assertEquals(200, cleared.status(), cleared.body());
        world.clock.advance(Duration.ofMinutes(5));
        HttpResponse<String> again = world.mdm("POST", "/admin/dep/tokens/" + token + "/sync");
        assertEquals(202, again.statusCode(), again.body());
        JsonNode done = world.awaitToken(token, n -> n.path("syncState").asText().equals("SYNCED"));
        assertEquals("full", done.path("lastSyncKind").asText(), done.toString());
        assertEquals(2, done.path("syncs").asInt(), done.toString());
        assertEquals(3, done.path("devices").asInt());
    }
}
