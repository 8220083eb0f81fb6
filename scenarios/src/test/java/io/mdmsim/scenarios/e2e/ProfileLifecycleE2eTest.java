package io.mdmsim.scenarios.e2e;

import io.mdmsim.scenarios.CliRun;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device lifecycle end to end (docs/mdm-endpoint.md "Editing a profile, wipe, retire, re-enrollment"): the fake ABM (DEP API, cloud configuration, APNs),
 * the reference MDM and virtual devices over real HTTP on 127.0.0.1. A profile edit leaves enrolled devices on the
 * settings they enrolled with — except the device name template, which reaches them at their next check-in — while a
 * wiped device runs Setup Assistant again and enrolls with the edited profile; a retired device sends CheckOut and
 * ends unmanaged, or is erased by its user and enrolls again; a Shared iPad gets its Shared iPad settings.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProfileLifecycleE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final Duration WAIT = Duration.ofSeconds(90);

    private String token;
    private LiveFleet fleet;
    /** How often each device (by serial) entered the MANAGED stage: one per enrollment. */
    private final Map<String, AtomicInteger> managed = new ConcurrentHashMap<>();
    private final Map<String, String> udids = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        world = worlds.start(LiveFleet.world(SimClock.system(), 31));
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    // ---- tests -------------------------------------------------------------------------------------------------

    @Test
    void editedProfileReachesOnlyAWipedDeviceWhileTheNameTemplateReachesEveryEnrolledDevice() throws Exception {
        inventory("serial_number,product_type,os_version\nLCKEEP000001,\"iPhone15,2\",17.5\nLCWIPE000001,\"iPhone15,2\",17.5\n");
        String uuid = profile("{\"name\":\"Corp\",\"department\":\"IT\",\"deviceNameTemplate\":\"A-{{SERIAL}}\"}",
                "LCKEEP000001", "LCWIPE000001");
        startDevices(Map.of());
        JsonNode keep = awaitDevice("LCKEEP000001", d -> d.path("enrollmentState").asText().equals("CONFIGURED")
                && d.path("deviceName").asText().equals("A-LCKEEP000001"));
        JsonNode wipe = awaitDevice("LCWIPE000001", d -> d.path("enrollmentState").asText().equals("CONFIGURED")
                && d.path("deviceName").asText().equals("A-LCWIPE000001"));
        String abmBefore = world.abmAdmin.getJson("/admin/devices/LCKEEP000001").path("profileUuid").asText();

        // the admin edits the profile with the CLI: a new template, a cellular data plan, another department
        String[] out = new String[2];
        int exit = CliRun.runInto(out, "mdm", "profile", "edit", "--mdm", world.mdm.baseUri().toString(), token, uuid,
                "--set", "deviceNameTemplate=B-{{SERIAL}}", "--set", "cellularDataPlanUrl=https://esim.example.com/p",
                "--set", "department=Sales");
        assertEquals(0, exit, out[1]);
        JsonNode edited = JSON.readTree(out[0]);
        assertEquals(2, edited.path("revision").asInt(), out[0]);
        assertEquals(2, edited.path("reassigned").path("SUCCESS").asInt(), out[0]);
        String abmAfter = edited.path("abmProfileUuid").asText();
        assertNotEquals(abmBefore, abmAfter);
        for (String serial : List.of("LCKEEP000001", "LCWIPE000001")) {
            assertEquals(abmAfter, world.abmAdmin.getJson("/admin/devices/" + serial).path("profileUuid").asText(),
                    "ABM assigns the redefined profile to " + serial);
        }

        // the enrolled device: only the name template reaches it, at its next check-in (a push here)
        String keepUdid = keep.path("udid").asText();
        world.mdmAdmin.postBytes("/admin/devices/" + keepUdid + "/push", new byte[0], "application/json");
        awaitDevice("LCKEEP000001", d -> d.path("deviceName").asText().equals("B-LCKEEP000001"));
        JsonNode kept = world.mdmAdmin.getJson("/admin/devices/" + keepUdid).path("lifecycle");
        assertEquals(1, kept.path("enrollmentProfile").path("revision").asInt(), kept.toString());
        assertEquals("IT", kept.path("enrollmentProfile").path("profile").path("department").asText());
        assertFalse(requestTypes(keepUdid).contains("RefreshCellularPlans"), "enrolled before the edit: no plan");

        // the wiped device: Setup Assistant again, enrolled with the edited profile
        String wipeUdid = wipe.path("udid").asText();
        exit = CliRun.runInto(out, "mdm", "devices", "wipe", "--mdm", world.mdm.baseUri().toString(), wipeUdid);
        assertEquals(0, exit, out[1]);
        assertEquals("EraseDevice", JSON.readTree(out[0]).path("requestType").asText());
        JsonNode again = awaitDevice("LCWIPE000001", d -> d.path("lifecycle").path("enrollments").asInt() == 2
                && d.path("enrollmentState").asText().equals("CONFIGURED")
                && d.path("deviceName").asText().equals("B-LCWIPE000001"));
        JsonNode life = again.path("lifecycle");
        assertEquals("MANAGED", life.path("management").asText(), life.toString());
        assertEquals(2, life.path("enrollmentProfile").path("revision").asInt(), life.toString());
        assertEquals("Sales", life.path("enrollmentProfile").path("profile").path("department").asText());
        JsonNode last = life.path("history").get(life.path("history").size() - 1);
        assertEquals("wipe", last.path("after").asText(), life.toString());
        assertEquals(2, managed.get("LCWIPE000001").get(), "the wiped device went through Setup Assistant again");
        await().atMost(WAIT).until(() -> stateOf(wipeUdid, "RefreshCellularPlans").equals("ACKNOWLEDGED"));
        assertEquals("ACKNOWLEDGED", stateOf(wipeUdid, "EraseDevice"));

        exit = CliRun.runInto(out, "mdm", "devices", "show", "--mdm", world.mdm.baseUri().toString(), wipeUdid);
        assertEquals(0, exit, out[1]);
        assertEquals(2, JSON.readTree(out[0]).path("lifecycle").path("enrollments").asInt());
        exit = CliRun.runInto(out, "mdm", "devices", "list", "--mdm", world.mdm.baseUri().toString());
        assertEquals(0, exit, out[1]);
        assertTrue(out[0].contains("LCKEEP000001") && out[0].contains("LCWIPE000001") && out[0].contains("2 devices"),
                out[0]);
    }

    @Test
    void retiredDeviceChecksOutAndEndsUnmanagedOrIsErasedByItsUserAndEnrollsAgain() throws Exception {
        inventory("serial_number,product_type,os_version\nLCRETI000001,\"iPhone15,2\",17.5\nLCRETI000002,\"iPhone15,2\",17.5\n");
        profile("{\"name\":\"Corp\"}", "LCRETI000001", "LCRETI000002");
        startDevices(Map.of("LCRETI000002", Behaviour.builder().reenrollAfterRetire(true).build()));
        String stays = awaitDevice("LCRETI000001", d -> d.path("enrollmentState").asText().equals("CONFIGURED"))
                .path("udid").asText();
        String comesBack = awaitDevice("LCRETI000002", d -> d.path("enrollmentState").asText().equals("CONFIGURED"))
                .path("udid").asText();

        JsonNode retire = world.mdmAdmin.postBytes("/admin/devices/" + stays + "/retire", new byte[0],
                "application/json");
        assertEquals("RemoveProfile", retire.path("requestType").asText());
        assertEquals("queued", retire.path("push").asText(), retire.toString());
        JsonNode retired = awaitDevice("LCRETI000001", d -> d.path("lifecycle").path("management").asText()
                .equals("RETIRED"));
        assertEquals("CHECKED_OUT", retired.path("enrollmentState").asText());
        assertTrue(retired.path("lifecycle").path("history").toString().contains("\"retired\":true"),
                retired.toString());
        assertEquals("ACKNOWLEDGED", stateOf(stays, "RemoveProfile"));

        // a retired device cannot be retired or wiped again: 409 with the reason, exit 1
        String[] out = new String[2];
        int exit = CliRun.runInto(out, "mdm", "devices", "retire", "--mdm", world.mdm.baseUri().toString(), stays);
        assertEquals(1, exit, out[0]);
        assertTrue(out[1].contains("409") && out[1].contains("is not enrolled: it checked out at"), out[1]);
        exit = CliRun.runInto(out, "mdm", "devices", "list", "--mdm", world.mdm.baseUri().toString());
        assertEquals(0, exit, out[1]);
        assertTrue(out[0].lines().anyMatch(l -> l.contains("LCRETI000001") && l.contains("CHECKED_OUT")
                && l.contains("RETIRED")), out[0]);
        exit = CliRun.runInto(out, "mdm", "devices", "wipe", "--mdm", world.mdm.baseUri().toString(), "NO-SUCH-UDID");
        assertEquals(1, exit);
        assertTrue(out[1].contains("404") && out[1].contains("device NO-SUCH-UDID is unknown"), out[1]);

        exit = CliRun.runInto(out, "mdm", "devices", "retire", "--mdm", world.mdm.baseUri().toString(), comesBack);
        assertEquals(0, exit, out[1]);
        JsonNode back = awaitDevice("LCRETI000002", d -> d.path("lifecycle").path("enrollments").asInt() == 2
                && d.path("enrollmentState").asText().equals("CONFIGURED"));
        JsonNode history = back.path("lifecycle").path("history");
        assertTrue(history.toString().contains("\"retired\":true"), history.toString());
        assertEquals("retire", history.get(history.size() - 1).path("after").asText(), history.toString());
        assertEquals(2, managed.get("LCRETI000002").get());

        FleetResult r = stopDevices();
        DeviceResult gone = result(r, "LCRETI000001");
        assertFalse(gone.management().managed(), gone.toString());
        assertEquals(DeviceResult.Unenrollment.RETIRED, gone.management().unenrolled());
        DeviceResult again = result(r, "LCRETI000002");
        assertTrue(again.management().managed(), again.toString());
        assertEquals(2, again.management().enrollments(), again.toString());
    }

    @Test
    void sharedIpadGetsItsSharedIpadSettingsAfterEnrollment() throws Exception {
        inventory("serial_number,product_type,os_version\nLCSHAR000001,\"iPad13,18\",17.5\n");
        profile("{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"awaitFinalConfiguration\":false,\"maxCachedUsers\":6,\"lockGraceSeconds\":900,"
                + "\"inactivityLogoutSeconds\":1800}", "LCSHAR000001");
        startDevices(Map.of());
        String udid = awaitDevice("LCSHAR000001", d -> d.path("enrollmentState").asText().equals("ENROLLED"))
                .path("udid").asText();
        await().atMost(WAIT).until(() -> stateOf(udid, "Settings").equals("ACKNOWLEDGED"));

        JsonNode q = fleet.query(udid, List.of("IsMultiUser", "ResidentUsers", "UserSessionTimeout"));
        assertTrue(q.path("IsMultiUser").asBoolean(), q.toString());
        assertEquals(6, q.path("ResidentUsers").asInt(), q.toString());
        assertEquals(1800, q.path("UserSessionTimeout").asInt(), q.toString());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Imports the devices into the fake ABM, assigns them to the MDM's server, uploads the token and syncs. */
    private void inventory(String csv) {
        world.abmAdmin.postBytes("/admin/devices/import", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
        int n = (int) csv.lines().count() - 1;
        token = world.addToken("life", true, t -> t.path("syncState").asText().equals("SYNCED")
                && t.path("assigned").asInt() == n);
    }

    /** Creates an enrollment profile (the default) and assigns it to the serials in ABM. */
    private String profile(String json, String... serials) throws Exception {
        JsonNode created = world.mdmAdmin.postBytes("/admin/dep/tokens/" + token + "/profiles?default=true",
                json.getBytes(StandardCharsets.UTF_8), "application/json");
        String uuid = created.path("profileUuid").asText();
        JsonNode assigned = world.mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                Map.of("serials", List.of(serials)));
        for (String s : serials) {
            assertEquals("SUCCESS", assigned.path("devices").path(s).asText(), assigned.toString());
        }
        return uuid;
    }

    private void startDevices(Map<String, Behaviour> behaviours) {
        fleet = LiveFleet.start(world, behaviours, b -> b.listener(new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                if (stage == Stage.MANAGED) {
                    managed.computeIfAbsent(device.serialNumber(), s -> new AtomicInteger()).incrementAndGet();
                }
            }
        }));
    }

    private FleetResult stopDevices() throws Exception {
        FleetResult r = fleet.stop();
        fleet = null;
        return r;
    }

    private static DeviceResult result(FleetResult r, String serial) {
        return r.devices().stream().filter(d -> d.device().serialNumber().equals(serial)).findFirst().orElseThrow();
    }

    private JsonNode awaitDevice(String serial, Predicate<JsonNode> condition) {
        return fleet.awaitDevice(serial, condition);
    }

    private List<String> requestTypes(String udid) {
        List<String> out = new ArrayList<>();
        world.mdmAdmin.getJson("/admin/devices/" + udid
                + "/commands").forEach(c -> out.add(c.path("requestType").asText()));
        return out;
    }

    private String stateOf(String udid, String requestType) {
        return fleet.stateOf(udid, requestType);
    }
}
