package io.mdmsim.scenarios.e2e;

import static io.mdmsim.scenarios.e2e.DeviceRun.plistBool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where the locked Awaiting final configuration experience is supported (seeds: "iOS/iPadOS 13+ devices enrolling with
 * Setup Assistant with modern authentication", "… without user affinity", "… with Microsoft Entra ID shared mode") and
 * what a device sees outside those cases: the fake ABM, the reference MDM and virtual devices over HTTP on a manual
 * SimClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AwaitSupportE2eTest extends ImportedDevicesTest {

    static final String IPHONE = "F2LXA0000001";      // iPhone 14 Pro, iOS 17.5
    static final String IPHONE_2 = "F2LXA0000002";    // iPhone 14 Pro, iOS 17.5
    static final String IPHONE_3 = "F2LXA0000003";    // iPhone 14 Pro, iOS 17.5
    static final String OLD_IPHONE = "F2LXA0000004";  // iPhone 8 Plus, iOS 12.4

    @BeforeEach
    void start() throws Exception {
        start("await-support", IPHONE + ",iPhone15,2,17.5,21F90", IPHONE_2 + ",iPhone15,2,17.5,21F90",
                IPHONE_3 + ",iPhone15,2,17.5,21F90", OLD_IPHONE + ",iPhone10,2,12.4,16G77");
    }

    private List<String> requestTypes(String serial) {
        return E2eWorld.list(world.mdmAdmin.getJson("/admin/devices/" + world.mdmDevice(serial).path("udid").asText()
                + "/commands")).stream().map(c -> c.path("requestType").asText()).toList();
    }

    private JsonNode detail(String serial) {
        return world.mdmAdmin.getJson("/admin/devices/" + world.mdmDevice(serial).path("udid").asText());
    }

    @Test
    @DisplayName("\"Supported devices include: iOS/iPadOS 13+ devices enrolling with Setup Assistant with modern"
            + " authentication / without user affinity / with Microsoft Entra ID shared mode\": each is held")
    void theThreeSupportedCasesHoldTheDevice() throws Exception {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\",\"criticalPolicies\":[\"wifi\"]}",
                IPHONE);
        profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\",\"criticalPolicies\":[\"wifi\"]}", IPHONE_2);
        profile("{\"name\":\"Frontline\",\"userAffinity\":\"SHARED_DEVICE_MODE\",\"criticalPolicies\":[\"wifi\"]}",
                IPHONE_3);
        for (DeviceRun d : DeviceRun.run(world, traces, b -> { }, IPHONE, IPHONE_2, IPHONE_3)) {
            String serial = d.result().device().serialNumber();
            assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
            assertTrue(plistBool(d.cloudConfiguration(), "AwaitDeviceConfigured", true), d.cloudConfiguration());
            assertTrue(d.result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION), serial);
            List<String> types = requestTypes(serial);
            assertTrue(types.indexOf("InstallProfile") < types.indexOf("DeviceConfigured"),
                    serial + ": the critical policy holds DeviceConfigured " + types);
            assertTrue(detail(serial).path("awaitFinalConfigurationNote").isNull(), detail(serial).toString());
        }
    }

    @Test
    @DisplayName("Outside the supported cases -- Setup Assistant (legacy) authentication -- the profile does not hold"
            + " the device: it goes to the home screen when Setup Assistant ends")
    void legacyAuthenticationIsNotHeld() throws Exception {
        profile("{\"name\":\"Legacy\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\",\"criticalPolicies\":[\"wifi\"]}",
                IPHONE);
        DeviceRun d = DeviceRun.run(world, traces, b -> { }, IPHONE).getFirst();
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        assertTrue(plistBool(d.cloudConfiguration(), "AwaitDeviceConfigured", false), d.cloudConfiguration());
        assertFalse(d.result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));
        assertFalse(requestTypes(IPHONE).contains("DeviceConfigured"), requestTypes(IPHONE).toString());
        assertTrue(detail(IPHONE).path("awaitFinalConfigurationNote").asText().startsWith("authentication"
                + " SETUP_ASSISTANT_LEGACY: the locked Awaiting final configuration experience is supported with"
                + " Setup Assistant with modern authentication"), detail(IPHONE).toString());
    }

    @Test
    @DisplayName("Outside the supported cases -- iOS 12 -- a device that awaits is released at once and its critical"
            + " policies follow DeviceConfigured")
    void anIos12DeviceIsReleasedAtOnce() throws Exception {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\",\"criticalPolicies\":[\"wifi\"]}",
                OLD_IPHONE);
        DeviceRun d = DeviceRun.run(world, traces, b -> { }, OLD_IPHONE).getFirst();
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        assertTrue(plistBool(d.cloudConfiguration(), "AwaitDeviceConfigured", true), d.cloudConfiguration());
        List<String> types = requestTypes(OLD_IPHONE);
        assertTrue(types.indexOf("DeviceConfigured") >= 0
                && types.indexOf("DeviceConfigured") < types.indexOf("InstallProfile"), types.toString());
        assertTrue(detail(OLD_IPHONE).path("awaitFinalConfigurationNote").asText().startsWith("iOS 12.4: the locked"
                + " Awaiting final configuration experience needs iOS/iPadOS 13.0 or later"), detail(OLD_IPHONE)
                .toString());
    }
}
