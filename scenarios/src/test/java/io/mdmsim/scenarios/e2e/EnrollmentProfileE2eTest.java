package io.mdmsim.scenarios.e2e;

import static io.mdmsim.scenarios.e2e.DeviceRun.plistBool;
import static io.mdmsim.scenarios.e2e.DeviceRun.plistString;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.SetupPane;
import io.mdmsim.device.Stage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/mdm-endpoint.md "The seeds' rules, one by one", enrollment profile settings: each one created over the MDM's
 * admin API, defined in the fake ABM (DEP {@code POST /profile}), delivered in the device's cloud configuration and
 * acted on by the virtual device; plus the validation of bad profiles (each violation a clear 400).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EnrollmentProfileE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    static final String IPHONE = "F2LXP0000001";      // iPhone 14 Pro, iOS 17.5
    static final String IPAD = "DMPXP0000002";        // iPad Air (5th gen), iPadOS 17.5
    static final String OLD_IPAD = "DMPXP0000003";    // iPad (6th gen), iPadOS 13.1
    static final String OLD_IPHONE = "F2LXP0000004";  // iPhone 8 Plus, iOS 12.4

    private String token;
    @TempDir
    Path traces;

    @BeforeEach
    void start() throws Exception {
        world = worlds.start(new E2eWorld(0));
        world.importDevices(IPHONE + ",iPhone15,2,17.5,21F90", IPAD + ",iPad13,16,17.5,21F90",
                OLD_IPAD + ",iPad7,5,13.1,17A844", OLD_IPHONE + ",iPhone10,2,12.4,16G77");
        token = world.addToken("profiles", true);
        assertEquals(4, world.token(token).path("assigned").asInt());
    }

    private String profile(String json, String... serials) throws Exception {
        String uuid = world.createProfile(token, json, false);
        world.assignProfile(token, uuid, List.of(serials));
        for (String s : serials) {
            assertEquals(uuid, world.abmDevice(s).path("profileUuid").asText(), "ABM holds the profile for " + s);
        }
        return uuid;
    }

    private DeviceRun one(String serial) throws Exception {
        return DeviceRun.run(world, traces, b -> { }, serial).getFirst();
    }

    @Test
    void everyDepSettingReachesTheDeviceAndHiddenPanesAreNotShown() throws Exception {
        profile("{\"name\":\"Corporate\",\"lockedEnrollment\":true,\"department\":\"IT Operations\","
                + "\"supportPhoneNumber\":\"+1 555 0100\",\"hiddenPanes\":[\"Siri\",\"Location\",\"Privacy\"],"
                + "\"syncWithComputers\":\"DENY_ALL\"}", IPHONE);
        DeviceRun d = one(IPHONE);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result() + " " + d.urls());

        String cc = d.cloudConfiguration();
        assertTrue(plistString(cc, "ConfigurationURL", world.mdm.baseUri() + "/mdm/enroll"), cc);
        assertTrue(plistBool(cc, "IsSupervised", true), cc);
        assertTrue(plistBool(cc, "IsMDMUnremovable", true), "locked enrollment: is_mdm_removable false\n" + cc);
        assertTrue(plistBool(cc, "AwaitDeviceConfigured", true), "default Yes\n" + cc);
        assertTrue(plistBool(cc, "IsMultiUser", false), cc);
        assertTrue(plistBool(cc, "AllowPairing", false), "sync with computers: deny all\n" + cc);
        assertTrue(plistString(cc, "OrganizationDepartment", "IT Operations"), cc);
        assertTrue(plistString(cc, "OrganizationSupportPhone", "+1 555 0100"), cc);
        assertTrue(cc.contains("<string>Siri</string>") && cc.contains("<string>Location</string>"), cc);

        for (SetupPane hidden : List.of(SetupPane.SIRI, SetupPane.LOCATION, SetupPane.PRIVACY)) {
            assertNotNull(d.panes().get(hidden), hidden + " reached");
            assertFalse(d.panes().get(hidden).shown(), hidden + ": " + d.panes().get(hidden));
            assertTrue(d.panes().get(hidden).reason().contains("SkipSetup has " + hidden.skipKey()),
                    d.panes().get(hidden).reason());
        }
        assertTrue(d.panes().get(SetupPane.SCREEN_TIME).shown(), "a pane not hidden is shown: "
                + d.panes().get(SetupPane.SCREEN_TIME));
        assertTrue(d.result().management().supervised());

        // the device followed the profile's URL, with an iOS User-Agent (docs/DESIGN.md "Device identity before MachineInfo")
        JsonNode machineInfo = d.exchange("POST", "/mdm/enroll");
        assertTrue(machineInfo.path("request").path("headers").path("User-Agent").asText()
                .startsWith("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"), machineInfo.toString());
    }

    @Test
    void locklessProfileIsRemovableAndAwaitFinalConfigurationCanBeOff() throws Exception {
        profile("{\"name\":\"Loose\",\"lockedEnrollment\":false,\"awaitFinalConfiguration\":false}", IPHONE);
        DeviceRun d = one(IPHONE);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        String cc = d.cloudConfiguration();
        assertTrue(plistBool(cc, "IsMDMUnremovable", false), cc);
        assertTrue(plistBool(cc, "AwaitDeviceConfigured", false), cc);
        assertTrue(plistBool(cc, "AllowPairing", true), "sync with computers: allow all by default\n" + cc);
        assertFalse(d.result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION),
                d.result().stageDurations().toString());
    }

    @Test
    void sharedIpadProfileSentToAnIphoneEndsInTheWipeRequiredError() throws Exception {
        profile("{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"awaitFinalConfiguration\":false,\"maxCachedUsers\":4}", IPHONE, IPAD);
        List<DeviceRun> runs = DeviceRun.run(world, traces, b -> { }, IPHONE, IPAD);
        DeviceRun iphone = runs.get(0);
        assertEquals(Outcome.NEEDS_WIPE, iphone.result().outcome(), iphone.result().toString());
        assertEquals(Stage.CLOUD_CONFIG, iphone.result().stage());
        assertTrue(iphone.result().reason().startsWith("A device wipe is required: the enrollment profile has Shared"
                + " iPad enabled"), iphone.result().reason());
        assertTrue(plistBool(iphone.cloudConfiguration(), "IsMultiUser", true));

        DeviceRun ipad = runs.get(1);
        assertEquals(Outcome.ENROLLED, ipad.result().outcome(), ipad.result().toString());
        assertTrue(ipad.panes().values().stream().filter(p -> p.pane().phase() == SetupPane.Phase.AFTER_CONFIGURATION)
                .noneMatch(p -> p.shown()), "a Shared iPad skips every pane after activation: " + ipad.panes());
    }

    @Test
    void sharedIpadNeedsIpadOs134() throws Exception {
        profile("{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"awaitFinalConfiguration\":false}", OLD_IPAD);
        DeviceRun d = one(OLD_IPAD);
        assertEquals(Outcome.NEEDS_WIPE, d.result().outcome(), d.result().toString());
        assertTrue(d.result().reason().contains("iPad7,5 on 13.1 does not support"), d.result().reason());
    }

    @Test
    void modernAuthenticationOnIos13AndLaterLegacyOnOlderDevices() throws Exception {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\"}", IPHONE, OLD_IPHONE);
        List<DeviceRun> runs = DeviceRun.run(world, traces, b -> { }, IPHONE, OLD_IPHONE);
        DeviceRun modern = runs.get(0);
        String cc = modern.cloudConfiguration();
        assertTrue(cc.contains("<key>ConfigurationWebURL</key>"), cc);
        assertEquals(Outcome.ENROLLED, modern.result().outcome(), modern.result() + " " + modern.urls());
        JsonNode web = modern.exchanges(r -> r.path("method").asText().equals("GET")
                && r.path("headers").has("x-apple-aspen-deviceinfo")).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no web view request: " + modern.urls()));
        assertEquals(200, web.path("response").path("status").asInt(), web.toString());
        assertTrue(web.path("request").path("headers").path("User-Agent").asText().contains("(iPhone; CPU iPhone OS 17_5"),
                web.toString());
        assertTrue(modern.exchanges(r -> r.path("method").asText().equals("POST")
                && r.path("url").asText().endsWith("/mdm/enroll")).isEmpty(), "no MachineInfo POST: " + modern.urls());

        DeviceRun legacy = runs.get(1);
        assertEquals(Outcome.ENROLLED, legacy.result().outcome(), legacy.result() + " " + legacy.urls());
        assertNotNull(legacy.exchange("POST", "/mdm/enroll"), "iOS 12 falls back to the legacy MachineInfo POST");
        assertTrue(legacy.exchanges(r -> r.path("headers").has("x-apple-aspen-deviceinfo")).isEmpty());
    }

    @Test
    void supervisedIsIgnoredOnIos13AndLater() throws Exception {
        profile("{\"name\":\"Unsupervised\",\"supervised\":false}", IPHONE, OLD_IPHONE);
        List<DeviceRun> runs = DeviceRun.run(world, traces, b -> { }, IPHONE, OLD_IPHONE);
        assertTrue(plistBool(runs.get(0).cloudConfiguration(), "IsSupervised", false));
        assertEquals(Outcome.ENROLLED, runs.get(0).result().outcome());
        assertTrue(runs.get(0).result().management().supervised(), "iOS 17 is always supervised");
        assertEquals(Outcome.ENROLLED, runs.get(1).result().outcome(), runs.get(1).result().toString());
        assertFalse(runs.get(1).result().management().supervised(), "iOS 12 follows the profile");
    }

    @Test
    void appleConfiguratorByCertificateSendsTheSupervisingHostCertificates() throws Exception {
        String pem = world.mdmAdmin.getText("/admin/dep/public-key");
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        profile("{\"name\":\"AC\",\"syncWithComputers\":\"APPLE_CONFIGURATOR_BY_CERTIFICATE\","
                + "\"supervisingHostCertificates\":[\"" + b64 + "\"]}", IPHONE);
        DeviceRun d = one(IPHONE);
        String cc = d.cloudConfiguration();
        assertTrue(cc.contains("<key>SupervisorHostCertificates</key>"), cc);
        assertTrue(plistBool(cc, "AllowPairing", true), cc);
    }

    @Test
    void deviceNameTemplateIsAppliedAtEnrollment() throws Exception {
        profile("{\"name\":\"Named\",\"deviceNameTemplate\":\"{{DEVICETYPE}}-{{SERIAL}}\"}", IPHONE);
        DeviceRun d = one(IPHONE);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> ("iPhone-" + IPHONE).equals(
                world.mdmDevice(IPHONE).path("deviceName").asText()));
        JsonNode history = world.mdmAdmin.getJson("/admin/devices/" + world.mdmDevice(IPHONE).path("udid").asText()
                + "/commands");
        assertTrue(history.toString().contains("\"Settings\""), history.toString());
    }

    @Test
    void theDefaultProfileOfATokenGoesToNewDevicesAndThereIsOnlyOne() throws Exception {
        String first = world.createProfile(token, "{\"name\":\"Default A\"}", true);
        String second = world.createProfile(token, "{\"name\":\"Default B\",\"department\":\"B\"}", true);
        JsonNode t = world.token(token);
        assertEquals(second, t.path("defaultProfileUuid").asText(), t.toString());
        List<JsonNode> profiles = E2eWorld.list(world.mdmAdmin.getJson("/admin/dep/tokens/" + token + "/profiles"));
        assertEquals(1, profiles.stream().filter(p -> p.path("default").asBoolean()).count(), profiles.toString());
        assertNotEquals(first, second);

        // a device added to the MDM server later gets the default profile at the next sync
        world.importDevices("F2LXP0000009,iPhone15,2,17.5,21F90");
        world.abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "profiles", "serials",
                List.of("F2LXP0000009")));
        world.clock.advance(Duration.ofMinutes(15));
        assertEquals(202, world.mdm("POST", "/admin/dep/tokens/" + token + "/sync").statusCode());
        world.awaitToken(token, n -> n.path("syncs").asInt() == 2 && n.path("syncState").asText().equals("SYNCED"));
        assertEquals(second, world.abmDevice("F2LXP0000009").path("profileUuid").asText());
        DeviceRun d = one("F2LXP0000009");
        assertTrue(plistString(d.cloudConfiguration(), "OrganizationDepartment", "B"), d.cloudConfiguration());
    }

    @Test
    void everyInvalidProfileIsAClear400() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{}", "name: missing (expected: a profile name)");
        cases.put("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"authentication\":\"COMPANY_PORTAL\"}",
                "authentication: COMPANY_PORTAL needs userAffinity WITH_USER (was WITHOUT_USER)");
        cases.put("{\"name\":\"x\",\"installCompanyPortal\":true,\"vppToken\":\"nope\"}",
                "vppToken: nope is not a VPP token of this MDM");
        cases.put("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"supervised\":false,"
                + "\"awaitFinalConfiguration\":false}", "sharedIpad: true needs supervised: true");
        cases.put("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":true}",
                "awaitFinalConfiguration: true is not available with userAffinity WITHOUT_USER and sharedIpad");
        cases.put("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":"
                + "false,\"lockGraceSeconds\":120}", "lockGraceSeconds: 120 (expected: one of 0, 60, 300, 900, 3600, 14400)");
        cases.put("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":"
                + "false,\"inactivityLogoutSeconds\":10}", "inactivityLogoutSeconds: 10 (expected: 0 or at least 30)");
        cases.put("{\"name\":\"x\",\"maxCachedUsers\":3}", "maxCachedUsers: applies to Shared iPad only");
        cases.put("{\"name\":\"x\",\"syncWithComputers\":\"APPLE_CONFIGURATOR_BY_CERTIFICATE\"}",
                "needs at least one supervisingHostCertificates entry");
        cases.put("{\"name\":\"x\",\"deviceNameTemplate\":\"{{OWNER}}\"}",
                "deviceNameTemplate: unknown placeholder {{OWNER}} (expected: {{DEVICETYPE}} or {{SERIAL}})");
        cases.put("{\"name\":\"x\",\"deviceNameTemplate\":\"" + "n".repeat(64) + "\"}",
                "deviceNameTemplate: 64 characters (expected: at most 63)");
        cases.put("{\"name\":\"x\",\"cellularDataPlanUrl\":\"http://carrier.example/plan\"}",
                "(expected: an absolute https URL)");
        cases.put("{\"name\":\"x\",\"hiddenPanes\":[\"Coffee\"]}", "hiddenPanes: unknown pane Coffee");
        cases.put("{\"name\":\"x\",\"singleAppModeUntilAuth\":true}", "singleAppModeUntilAuth: true needs a vppToken");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles", c.getKey());
            assertEquals(400, r.statusCode(), c.getKey() + " -> " + r.body());
            assertTrue(r.body().contains(c.getValue()), c.getKey() + " -> " + r.body());
        }
        // malformed input: not JSON, a value of the wrong type or an unknown enum, an unknown token
        for (String bad : List.of("{", "[]", "{\"name\":\"x\",\"userAffinity\":\"SOMETIMES\"}",
                "{\"name\":\"x\",\"lockGraceSeconds\":\"soon\"}")) {
            HttpResponse<String> r = world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles", bad);
            assertEquals(400, r.statusCode(), bad + " -> " + r.body());
            assertFalse(r.body().contains("Exception") && r.body().contains("\tat "), "no stack trace: " + r.body());
        }
        HttpResponse<String> unknown = world.mdmJson("POST", "/admin/dep/tokens/nope/profiles", "{\"name\":\"x\"}");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(0, world.token(token).path("profiles").asInt(), "nothing invalid was stored");
    }
}
