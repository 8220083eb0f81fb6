package io.mdmsim.scenarios.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.SimClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeds' rules that show on enrolled devices: the fake ABM (DEP API, cloud configuration, APNs), the reference MDM and
 * virtual devices that live on after enrollment, so the test asks them over the MDM's admin API what they hold.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LiveSeedRulesE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private LiveFleet devices;
    private String token;

    @AfterEach
    void stopDevices() throws Exception {
        if (devices != null) {
            devices.close();
        }
    }

    private void inventory(String csv) {
        world.abmAdmin.postBytes("/admin/devices/import", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "text/csv");
        int n = (int) csv.lines().count() - 1;
        token = world.addToken("live", true, t -> t.path("syncState").asText().equals("SYNCED")
                && t.path("assigned").asInt() == n);
    }

    private void defaultProfile(String json) throws Exception {
        String uuid = world.createProfile(token, json, true);
        List<String> serials = world.abmDevices().stream().map(d -> d.path("serialNumber").asText()).toList();
        world.assignProfile(token, uuid, serials);
    }

    @Test
    @DisplayName("\"You can cache up to 24 users on a 32-GB or 64-GB device\": the iPad caps maxCachedUsers by its"
            + " storage")
    void sharedIpadCachesAtMost24UsersOnA64GbDevice() throws Exception {
        world = worlds.start(LiveFleet.world(SimClock.scaled(20), 31));
        StringBuilder csv = new StringBuilder("serial_number,product_type,os_version\n");
        for (int i = 1; i <= 6; i++) {
            csv.append("SHCACH00000").append(i).append(",\"iPad13,18\",17.5\n");
        }
        inventory(csv.toString());
        defaultProfile("{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"maxCachedUsers\":30}");
        devices = LiveFleet.start(world, Map.of(), b -> { });
        List<Double> small = new ArrayList<>();
        List<Double> large = new ArrayList<>();
        for (JsonNode abm : world.abmDevices()) {
            String serial = abm.path("serialNumber").asText();
            String udid = devices.awaitDevice(serial, d -> d.path("enrollmentState").asText().equals("ENROLLED"))
                    .path("udid").asText();
            await().atMost(LiveFleet.WAIT).until(() -> devices.stateOf(udid, "Settings").equals("ACKNOWLEDGED"));
            JsonNode q = devices.query(udid, List.of("DeviceCapacity", "ResidentUsers"));
            double capacity = q.path("DeviceCapacity").asDouble();
            if (capacity <= 64) {
                assertEquals(24, q.path("ResidentUsers").asInt(), serial + " (" + capacity + " GB): " + q);
                small.add(capacity);
            } else {
                assertEquals(30, q.path("ResidentUsers").asInt(), serial + " (" + capacity + " GB): " + q);
                large.add(capacity);
            }
        }
        assertTrue(!small.isEmpty() && !large.isEmpty(), "iPads of both kinds: " + small + " " + large);
    }
}
