package io.mdmsim.abm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GET /admin/dep/metrics: per MDM server and minute, the devices the fake ABM made visible at its pace and the device
 * records the MDM fetched or synced, counted as the MDM calls the DEP API.
 */
class DepMetricsTest {

    @Test
    void countsDevicesMadeVisibleAndFetchedPerServerAndMinute() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(250).devicesPerMinute(100))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            List<String> fetched = new ArrayList<>();
            String cursor = DepEndpointsTest.fetchAll(dep, fetched);
            assertEquals(1, fetched.size(), "at 100 a minute the first device is visible at once");
            int synced = 0;
            for (int minute = 1; minute <= 3; minute++) {
                abm.clock.advance(Duration.ofMinutes(1));
                boolean more;
                do {
                    JsonNode page = dep.ok(dep.post("/devices/sync", "{\"limit\":40,\"cursor\":\"" + cursor + "\"}"));
                    synced += page.get("devices").size();
                    cursor = page.get("cursor").asText();
                    more = page.get("more_to_follow").asBoolean();
                } while (more);
            }
            assertEquals(249, synced);

            JsonNode m = abm.adminOk(abm.adminGet("/admin/dep/metrics?from=" + AbmFixture.T0 + "&step=PT1M"));
            assertEquals(AbmFixture.T0.toString(), m.get("from").asText());
            assertEquals(AbmFixture.T0.plus(Duration.ofMinutes(3)).toString(), m.get("until").asText());
            assertEquals("PT1M", m.get("step").asText());
            assertEquals(1, m.get("servers").size());
            JsonNode server = m.get("servers").get(0);
            assertEquals("mdm-1", server.get("name").asText());
            assertEquals(250, server.get("visible").asLong(), "all 250 visible within the 3 minutes: " + server);
            assertEquals(201, server.get("fetched").asLong(), "the sync at minute 3 is past the span: " + server);
            List<Long> visible = new ArrayList<>();
            List<Long> got = new ArrayList<>();
            server.get("buckets").forEach(b -> {
                visible.add(b.get("visible").asLong());
                got.add(b.get("fetched").asLong());
            });
            assertEquals(List.of(100L, 100L, 50L), visible, "Apple's pace: 100 a minute");
            assertEquals(List.of(1L, 100L, 100L), got, "fetched at minute 0, synced at the start of minutes 1, 2"
                    + "; the last 49 at minute 3, the end of the span");
            assertEquals(AbmFixture.T0.plus(Duration.ofMinutes(2)).toString(),
                    server.get("buckets").get(2).get("start").asText());

            // the default span starts at the first visible device and ends now; a minute past the last sync
            JsonNode all = abm.adminOk(abm.adminGet("/admin/dep/metrics?step=PT1M&until="
                    + AbmFixture.T0.plus(Duration.ofMinutes(4))));
            assertEquals(AbmFixture.T0.toString(), all.get("from").asText());
            assertEquals(4, all.get("servers").get(0).get("buckets").size());
            assertEquals(49, all.get("servers").get(0).get("buckets").get(3).get("fetched").asLong());
        }
    }

    @Test
    void badQueriesSayWhatWasExpected() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(5))) {
            assertBad(abm, "/admin/dep/metrics?from=yesterday",
                    "from=yesterday (expected: an ISO-8601 instant, e.g. 2025-03-01T09:00:00Z)");
            assertBad(abm, "/admin/dep/metrics?step=1m", "step=1m (expected: an ISO-8601 duration, e.g. PT1M)");
            assertBad(abm, "/admin/dep/metrics?step=PT0.5S", "step: PT0.5S (expected: at least PT1S)");
            assertBad(abm, "/admin/dep/metrics?from=2020-01-01T00:00:00Z&step=PT1S",
                    "step: PT1S gives 171018000 buckets from 2020-01-01T00:00:00Z to 2025-06-02T09:00:00Z"
                            + " (expected: at most 100000; use a longer step or a shorter span)");
            assertBad(abm, "/admin/dep/metrics?from=2030-01-01T00:00:00Z",
                    "until: 2025-06-02T09:00:00Z (expected: not before from 2030-01-01T00:00:00Z)");
            JsonNode none = abm.adminOk(abm.adminGet("/admin/dep/metrics"));
            assertEquals(0, none.get("servers").size(), "no MDM server yet: nothing to count");
        }
    }

    private static void assertBad(AbmFixture abm, String path, String message) {
        var r = abm.adminGet(path);
        assertEquals(400, r.statusCode(), AbmFixture.text(r));
        assertTrue(AbmFixture.text(r).contains(message), AbmFixture.text(r));
    }
}
