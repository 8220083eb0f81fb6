package io.mdmsim.abm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: with the default pace of 3,000 devices a minute, what an MDM sees through fetch and
 * sync follows the rate within 2% as the simulated clock advances.
 */
class PaceTest {

    @Test
    void devicesBecomeVisibleAtThreeThousandAMinute() {
        int total = 5000;
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(total).devicesPerMinute(3000))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            List<String> fetched = new ArrayList<>();
            String cursor = DepEndpointsTest.fetchAll(dep, fetched);
            assertEquals(1, fetched.size(), "the first device at once, the next 20 ms later");
            Set<String> seen = new HashSet<>(fetched);
            for (int second = 5; second <= 120; second += 5) {
                abm.clock.advance(Duration.ofSeconds(5));
                boolean more;
                do {
                    JsonNode page = dep.ok(dep.post("/devices/sync", "{\"limit\":1000,\"cursor\":\"" + cursor + "\"}"));
                    for (JsonNode d : page.get("devices")) {
                        assertEquals("added", d.get("op_type").asText());
                        seen.add(d.get("serial_number").asText());
                    }
                    cursor = page.get("cursor").asText();
                    more = page.get("more_to_follow").asBoolean();
                } while (more);
                double expected = Math.min(total, 3000.0 * second / 60);
                double deviation = Math.abs(seen.size() - expected) / expected;
                assertTrue(deviation <= 0.02, "after " + second + " s: " + seen.size() + " visible, expected about "
                        + expected + " (" + Math.round(deviation * 1000) / 10.0 + "% off)");
            }
            assertEquals(total, seen.size());
        }
    }
}
