package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Await final configuration end to end (seeds: the device sits at "Awaiting final configuration" until the critical
 * policies and apps are installed, then the MDM sends DeviceConfigured): the fake ABM, the reference MDM and virtual
 * iPhones on iOS 15 and iOS 17 over HTTP. The critical policies' profiles carry a real payload the devices accept;
 * critical apps are device-licensed VPP apps, which iOS 17 installs while it waits, and which follow DeviceConfigured
 * on iOS 15 (it answers NotNow to every app install during Setup Assistant). Every device ends configured, with the
 * time it was held on the admin API.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AwaitFinalConfigurationCriticalE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final List<String> APPS = List.of("com.example.vpn", "com.example.mail");
    private static final List<String> POLICIES = List.of("Wi-Fi", "Compliance");

    private String token;

    @BeforeEach
    void start() {
        world = worlds.start(new E2eWorld(SimClock.scaled(100), 41, 12, b -> { }));
        token = world.addToken("afc", true, t -> t.path("syncState").asText().equals("SYNCED")
                && t.path("assigned").asInt() >= 12);
    }

    @Test
    void iosFifteenAndSeventeenDevicesEndConfiguredWithCriticalPoliciesAndApps() {
        List<DeviceSpec> devices = Fleets.iphones(world, List.of("15.8", "15.8", "17.5", "17.5"));
        String uuid = world.mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles?default=true", Map.of("name",
                "Critical", "awaitFinalConfiguration", true, "criticalApps", APPS, "criticalPolicies", POLICIES))
                .path("profileUuid").asText();
        world.mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                Map.of("serials", devices.stream().map(DeviceSpec::serialNumber).toList()));

        FleetResult r = DeviceFleet.run(Fleets.trusting(world, devices).behaviour(Behaviour.DEFAULT).build());

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        for (DeviceResult d : r.devices()) {
            String os = devices.get(d.device().index()).osVersion();
            assertTrue(d.stageDurations().containsKey(Stage.AWAITING_CONFIGURATION), d + " awaited configuration");
            JsonNode v = world.mdmAdmin.getJson("/admin/devices/" + d.device().udid());
            assertEquals("CONFIGURED", v.path("enrollmentState").asText(), v.toString());
            assertFalse(v.path("awaitingConfiguration").asBoolean(), v.toString());
            assertTrue(v.path("heldSeconds").isIntegralNumber() && v.path("heldSeconds").asLong() >= 0,
                    "held time recorded: " + v);
            assertFalse(Instant.parse(v.path("configuredAt").asText())
                    .isBefore(Instant.parse(v.path("enrolledAt").asText())), v.toString());

            List<JsonNode> commands = commands(d.device().udid());
            int configured = indexOf(commands, "DeviceConfigured");
            assertTrue(configured >= 0, commands.toString());
            List<Integer> apps = indicesOf(commands, "InstallApplication");
            List<Integer> policies = indicesOf(commands, "InstallProfile");
            assertEquals(APPS.size(), apps.size(), commands.toString());
            assertEquals(POLICIES.size(), policies.size(), commands.toString());
            for (int i : policies) {
                assertEquals("ACKNOWLEDGED", commands.get(i).path("state").asText(),
                        "the device accepts the critical policy's profile: " + commands.get(i));
                assertTrue(i < configured, "policies hold DeviceConfigured");
            }
            for (int i : apps) {
                JsonNode app = commands.get(i);
                assertEquals("ACKNOWLEDGED", app.path("state").asText(), app.toString());
                assertEquals(1, app.path("timesSent").asInt(), "no NotNow round: " + app);
            }
            if (os.startsWith("17")) {
                assertTrue(apps.stream().allMatch(i -> i < configured),
                        "iOS 17 installs the device-licensed critical apps before DeviceConfigured: " + commands);
                assertEquals(0, v.path("criticalAppsAfterConfigured").size(), v.toString());
            } else {
                assertTrue(apps.stream().allMatch(i -> i > configured),
                        "iOS 15 gets the critical apps after DeviceConfigured: " + commands);
                assertEquals(APPS.size(), v.path("criticalAppsAfterConfigured").size(), v.toString());
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private List<JsonNode> commands(String udid) {
        List<JsonNode> out = new ArrayList<>();
        world.mdmAdmin.getJson("/admin/devices/" + udid + "/commands").forEach(out::add);
        return out;
    }

    private static int indexOf(List<JsonNode> commands, String requestType) {
        List<Integer> all = indicesOf(commands, requestType);
        return all.isEmpty() ? -1 : all.getFirst();
    }

    private static List<Integer> indicesOf(List<JsonNode> commands, String requestType) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).path("requestType").asText().equals(requestType)) {
                out.add(i);
            }
        }
        return out;
    }
}
