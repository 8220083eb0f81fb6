package io.mdmsim.scenarios.e2e;

import static io.mdmsim.scenarios.e2e.DeviceRun.plistBool;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/mdm-endpoint.md "The seeds' rules, one by one", await final configuration (basic rule, no critical apps or
 * policies): new profiles await by default; the device sits at "Awaiting final configuration" until the MDM sends
 * DeviceConfigured.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AwaitFinalConfigurationE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final String SERIAL = "F2LXW0000001";
    private String token;
    @TempDir
    Path traces;

    @BeforeEach
    void start() throws Exception {
        world = worlds.start(new E2eWorld(0));
        world.importDevices(SERIAL + ",iPhone15,3,17.5,21F90");
        token = world.addToken("await", true);
    }

    @Test
    void theDeviceSitsAtAwaitingFinalConfigurationUntilDeviceConfigured() throws Exception {
        String uuid = world.createProfile(token, "{\"name\":\"Default await\"}", false); // awaitFinalConfiguration unset
        world.assignProfile(token, uuid, List.of(SERIAL));

        CountDownLatch atAwaiting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FleetListener hold = new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                if (stage == Stage.AWAITING_CONFIGURATION) {
                    atAwaiting.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS); // the user looks at the screen while the test checks
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        CompletableFuture<List<DeviceRun>> run = CompletableFuture.supplyAsync(() -> {
            try {
                return DeviceRun.run(world, traces, b -> b.listener(hold), SERIAL);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(atAwaiting.await(60, TimeUnit.SECONDS), "the device reached Awaiting final configuration");
        JsonNode held = world.mdmDevice(SERIAL);
        assertNotNull(held);
        assertEquals("ENROLLED", held.path("enrollmentState").asText(), held.toString());
        assertTrue(held.path("awaitingConfiguration").asBoolean(), held.toString());
        assertTrue(held.path("configuredAt").isNull(), held.toString());
        String udid = held.path("udid").asText();
        io.mdmsim.scenarios.CliRun list = io.mdmsim.scenarios.CliRun.run("mdm", "devices", "list", "--mdm",
                world.mdm.baseUri().toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(udid) && l.contains(" AWAITING_FINAL_CONFIGURATION ")),
                "mdm devices list shows the held device as such:\n" + list.out());
        assertFalse(world.mdmAdmin.getJson("/admin/devices/" + udid + "/commands").toString()
                .contains("\"DeviceConfigured\""), "no DeviceConfigured yet");

        release.countDown();
        DeviceRun d = run.get(60, TimeUnit.SECONDS).getFirst();
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        assertTrue(plistBool(d.cloudConfiguration(), "AwaitDeviceConfigured", true), "default Yes for new profiles");
        assertTrue(d.result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));
        assertTrue(d.result().stageDurations().containsKey(Stage.REMAINING_PANES), "Setup Assistant went on after it");
        await().atMost(Duration.ofSeconds(10)).until(() -> world.mdmDevice(SERIAL).path("enrollmentState").asText()
                .equals("CONFIGURED"));
        JsonNode configured = world.mdmDevice(SERIAL);
        assertFalse(configured.path("awaitingConfiguration").asBoolean(), configured.toString());
        assertFalse(configured.path("configuredAt").isNull(), configured.toString());
        List<JsonNode> history = E2eWorld.list(world.mdmAdmin.getJson("/admin/devices/" + udid + "/commands"));
        JsonNode dc = history.stream().filter(c -> c.path("requestType").asText().equals("DeviceConfigured"))
                .findFirst().orElseThrow(() -> new AssertionError("no DeviceConfigured: " + history));
        assertEquals("ACKNOWLEDGED", dc.path("state").asText(), dc.toString());
        // DeviceConfigured comes after the setup DeviceInformation
        int info = indexOf(history, "DeviceInformation");
        assertTrue(info >= 0 && info < history.indexOf(dc), history.toString());
    }

    @Test
    void withoutAwaitTheDeviceGoesOnAndNoDeviceConfiguredIsSent() throws Exception {
        String uuid = world.createProfile(token, "{\"name\":\"No await\",\"awaitFinalConfiguration\":false}", false);
        world.assignProfile(token, uuid, List.of(SERIAL));
        DeviceRun d = DeviceRun.run(world, traces, b -> { }, SERIAL).getFirst();
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        assertTrue(plistBool(d.cloudConfiguration(), "AwaitDeviceConfigured", false));
        assertFalse(d.result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));
        JsonNode device = world.mdmDevice(SERIAL);
        assertFalse(device.path("awaitingConfiguration").asBoolean(), device.toString());
        assertFalse(world.mdmAdmin.getJson("/admin/devices/" + device.path("udid").asText() + "/commands").toString()
                .contains("\"DeviceConfigured\""), "nothing to release");
    }

    private static int indexOf(List<JsonNode> history, String type) {
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).path("requestType").asText().equals(type)) {
                return i;
            }
        }
        return -1;
    }
}
