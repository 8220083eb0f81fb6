package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Company Portal and Single App Mode end to end (docs/mdm-endpoint.md "Company Portal and Single App Mode", seeds "Run Company Portal in Single App Mode until
 * authentication"): the fake ABM, the reference MDM and virtual iPhones on 127.0.0.1 over HTTP, on one SimClock
 * running 100 times real time (Company Portal's download takes simulated minutes). The MDM installs Company Portal
 * with a device licence and locks the device to it; the user's sign-in registers the device and lifts the lock. A
 * user whose second factor is on the locked device itself cannot sign in (the seeds' limitation) and stays locked.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CompanyPortalE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final String PORTAL_PROFILE = "{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\","
            + "\"vppToken\":\"vpp-portal\",\"singleAppModeUntilAuth\":true}";

    private String token;

    @BeforeEach
    void start() {
        world = worlds.start(new E2eWorld(SimClock.scaled(100), 31, 12, b -> { }));
        token = world.addToken("portal", true, t -> t.path("syncState").asText().equals("SYNCED")
                && t.path("assigned").asInt() >= 12);
        // the VPP token Company Portal's device licences come from (the policy checks it at enrollment)
        world.mdmAdmin.postJson("/admin/vpp-tokens", Map.of("name", "vpp-portal", "organization", "Example",
                "expiry", world.time.now().plus(Duration.ofDays(365)).toString(), "companyPortalLicenses", 100));
    }

    @Test
    void devicesEndManagedWithCompanyPortalInstalledAndSingleAppModeLiftedAfterSignIn() {
        List<DeviceSpec> devices = Fleets.iphones(world, List.of("17.5", "17.5", "15.8"));
        assignProfile(PORTAL_PROFILE, devices);

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.DEFAULT));

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        for (DeviceResult d : r.devices()) {
            assertTrue(d.stageDurations().containsKey(Stage.COMPANY_PORTAL), d + " signed in to Company Portal");
            DeviceResult.Management m = d.management();
            assertTrue(m.managed() && m.supervised(), d + " " + m);
            assertFalse(m.singleAppMode(), d + " is no longer locked: " + m);

            JsonNode v = world.mdmAdmin.getJson("/admin/devices/" + d.device().udid());
            // Company Portal authentication: await final configuration is not supported, the device is not held
            assertEquals("ENROLLED", v.path("enrollmentState").asText(), v.toString());
            assertTrue(v.path("supervised").asBoolean(), v.toString());
            assertEquals("INSTALLED", v.path("companyPortal").asText(), v.toString());
            assertEquals("user-" + d.device().serialNumber().toLowerCase(Locale.ROOT) + "@example.com",
                    v.path("companyPortalUser").asText(), v.toString());
            assertEquals("LIFTED", v.path("singleAppModeState").asText(), v.toString());
            assertFalse(v.path("singleAppMode").asBoolean(), v.toString());

            List<String> done = acknowledged(d.device().udid());
            assertTrue(done.contains("InstallApplication") && done.contains("InstallProfile")
                    && done.contains("RemoveProfile") && !done.contains("DeviceConfigured"), done.toString());
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("Setup Assistant (legacy) + Install Company Portal with VPP: \"If you select a"
            + " token for Install Company Portal with VPP, you can lock the device in Single App Mode\"")
    void singleAppModeAfterSetupAssistantLegacyWithCompanyPortalFromVpp() {
        List<DeviceSpec> devices = Fleets.iphones(world, List.of("17.5"));
        assignProfile("{\"name\":\"Legacy kiosk\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\","
                + "\"installCompanyPortal\":true,\"vppToken\":\"vpp-portal\",\"singleAppModeUntilAuth\":true}", devices);

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.DEFAULT));

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        DeviceResult d = r.devices().getFirst();
        assertTrue(d.stageDurations().containsKey(Stage.COMPANY_PORTAL), d + " signed in to Company Portal");
        assertFalse(d.management().singleAppMode(), d.management().toString());
        JsonNode v = world.mdmAdmin.getJson("/admin/devices/" + d.device().udid());
        assertEquals("INSTALLED", v.path("companyPortal").asText(), v.toString());
        assertEquals("LIFTED", v.path("singleAppModeState").asText(), v.toString());
        assertTrue(v.path("singleAppModeLockedAt").isTextual(), "it was locked first: " + v);
    }

    @Test
    void anMfaUserWhoseSecondFactorIsNotElsewhereStaysLockedInSingleAppMode() {
        List<DeviceSpec> devices = Fleets.iphones(world, List.of("17.5", "16.6"));
        assignProfile(PORTAL_PROFILE, devices);

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.builder().secondFactorElsewhereShare(0).build()));

        assertEquals(0, r.count(Outcome.ENROLLED), r.summary());
        for (DeviceResult d : r.devices()) {
            assertNotEquals(Outcome.ENROLLED, d.outcome(), d.toString());
            assertEquals(Stage.COMPANY_PORTAL, d.stage(), d.toString());
            assertTrue(d.reason().contains("multifactor authentication isn't supported on a single device locked in"
                    + " Single App Mode"), d.reason());
            DeviceResult.Management m = d.management();
            assertTrue(m.managed() && m.singleAppMode(), m.toString());
            assertEquals("com.microsoft.CompanyPortal", m.singleAppModeApp());

            JsonNode v = world.mdmAdmin.getJson("/admin/devices/" + d.device().udid());
            assertEquals("ENROLLED", v.path("enrollmentState").asText(), v.toString());
            assertEquals("LOCKED", v.path("singleAppModeState").asText(), v.toString());
            assertTrue(v.path("singleAppMode").asBoolean(), v.toString());
            assertTrue(v.path("companyPortalUser").isNull(), "no sign-in reached the MDM: " + v);
            assertFalse(acknowledged(d.device().udid()).contains("RemoveProfile"));
        }
    }

    @Test
    void withoutSingleAppModeTheSignInRegistersTheUserOnly() {
        List<DeviceSpec> devices = Fleets.iphones(world, List.of("17.5"));
        assignProfile("{\"name\":\"Legacy\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\","
                + "\"installCompanyPortal\":true,\"vppToken\":\"vpp-portal\"}", devices);

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.builder().companyPortal(1, Duration.ofMinutes(30))
                .build()));

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        DeviceResult d = r.devices().getFirst();
        assertFalse(d.management().singleAppMode());
        JsonNode v = world.mdmAdmin.getJson("/admin/devices/" + d.device().udid());
        assertEquals("INSTALLED", v.path("companyPortal").asText(), v.toString());
        assertEquals("user-" + d.device().serialNumber().toLowerCase(Locale.ROOT) + "@example.com",
                v.path("companyPortalUser").asText(), v.toString());
        assertTrue(v.path("singleAppModeState").isNull(), v.toString());
    }

    @Test
    void aUserWithoutALicenceCannotSignInAndTheDeviceStaysLocked() throws Exception {
        List<DeviceSpec> devices = Fleets.iphones(world, List.of("17.5", "17.5"));
        assignProfile(PORTAL_PROFILE, devices);
        java.net.http.HttpResponse<String> policy = java.net.http.HttpClient.newHttpClient().send(
                io.mdmsim.core.testing.AdminTokens.authorize(
                        java.net.http.HttpRequest.newBuilder(world.mdm.baseUri().resolve("/admin/policy"))
                        .header("Content-Type", "application/json")
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"userLicenses\":{\"total\":1}}"))
                        .build()), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, policy.statusCode(), policy.body());

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.DEFAULT));

        assertEquals(1, r.count(Outcome.ENROLLED), r.summary() + " " + r.failures());
        DeviceResult refused = r.failures().getFirst();
        assertEquals(Stage.COMPANY_PORTAL, refused.stage(), refused.toString());
        assertTrue(refused.reason().contains("403 io.mdmsim.license.user-unlicensed"), refused.reason());
        assertTrue(refused.management().singleAppMode(), refused.management().toString());
        JsonNode v = world.mdmAdmin.getJson("/admin/devices/" + refused.device().udid());
        assertEquals("LOCKED", v.path("singleAppModeState").asText(), v.toString());
        assertTrue(v.path("companyPortalUser").isNull(), v.toString());
        DeviceResult licensed = r.devices().stream().filter(DeviceResult::enrolled).findFirst().orElseThrow();
        assertFalse(licensed.management().singleAppMode());
        assertEquals("LIFTED", world.mdmAdmin.getJson("/admin/devices/" + licensed.device().udid())
                .path("singleAppModeState").asText());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void assignProfile(String json, List<DeviceSpec> devices) {
        String uuid = world.mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles?default=true",
                io.mdmsim.core.http.Json.read(json.getBytes(StandardCharsets.UTF_8), Map.class))
                .path("profileUuid").asText();
        JsonNode assigned = world.mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                Map.of("serials", devices.stream().map(DeviceSpec::serialNumber).toList()));
        for (DeviceSpec d : devices) {
            assertEquals("SUCCESS", assigned.path("devices").path(d.serialNumber()).asText(), assigned.toString());
        }
    }

    private FleetConfig fleet(List<DeviceSpec> devices, Behaviour behaviour) {
        return Fleets.trusting(world, devices).behaviour(behaviour).build();
    }

    /** RequestTypes of the device's acknowledged commands, in queue order. */
    private List<String> acknowledged(String udid) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : world.mdmAdmin.getJson("/admin/devices/" + udid + "/commands")) {
            if (c.path("state").asText().equals("ACKNOWLEDGED")) {
                out.add(c.path("requestType").asText());
            }
        }
        return out;
    }
}
