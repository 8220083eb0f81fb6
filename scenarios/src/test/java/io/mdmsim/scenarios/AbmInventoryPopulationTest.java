package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.catalog.DeviceCatalog.Model;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.Population;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fake ABM and the device emulator share one device catalog, so a default inventory has models old enough for
 * {@code mdmsim devices --os 12} (and 14) to find devices, as the CLI reads them from {@code GET /admin/devices}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbmInventoryPopulationTest {

    @Test
    void aDefaultInventoryHasDevicesThatAnOs12Or14PopulationPicks() {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now());
        List<DeviceSpec> inventory = new ArrayList<>();
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(42).deviceCount(2000).clock(clock)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).build())) {
            for (JsonNode d : new AdminClient("fake ABM", abm.baseUri(), abm.adminToken()).getJson("/admin/devices")) {
                inventory.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                        d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
            }
        }
        assertEquals(2000, inventory.size());
        long launchedByIos12 = inventory.stream().map(AbmInventoryPopulationTest::model)
                .filter(m -> DeviceCatalog.compareVersions(m.launchOs(), "13") < 0).count();
        assertTrue(launchedByIos12 > 0, "no model in the inventory launched with iOS 12 or earlier");
        assertTrue(launchedByIos12 < inventory.size() / 10, "old models are rare: " + launchedByIos12);

        for (String os : List.of("12", "14")) {
            List<DeviceSpec> picked = Population.builder().count(10).osVersions(os).build().selectFrom(inventory, 7);
            assertFalse(picked.isEmpty(), "--os " + os + " picks none of the inventory");
            for (DeviceSpec d : picked) {
                assertTrue(d.osVersion().startsWith(os + "."), d.toString());
                DeviceCatalog.OsRelease r = DeviceCatalog.release(d.osVersion()).orElseThrow();
                assertEquals(r.build(), d.buildVersion(), d.toString());
                assertTrue(model(d).runs(r), d.productType() + " cannot run " + d.osVersion());
            }
            assertEquals(picked, Population.builder().count(10).osVersions(os).build().selectFrom(inventory, 7),
                    "the same seed picks the same devices");
        }
    }

    /** The catalog model of an inventory device (every generated device's product type is in the catalog). */
    private static Model model(DeviceSpec d) {
        return DeviceCatalog.model(d.productType()).orElseThrow(() -> new AssertionError(d.productType()));
    }
}
