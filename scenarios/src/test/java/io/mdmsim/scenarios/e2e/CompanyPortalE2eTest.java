package io.mdmsim.scenarios.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Company Portal and Single App Mode end to end (CONTRACT.md D.2, seeds "Run Company Portal in Single App Mode until
 * authentication"): the fake ABM, the reference MDM and virtual iPhones on 127.0.0.1 over HTTP, on one SimClock
 * running 100 times real time (Company Portal's download takes simulated minutes). The MDM installs Company Portal
 * with a device licence and locks the device to it; the user's sign-in registers the device and lifts the lock. A
 * user whose second factor is on the locked device itself cannot sign in (the seeds' limitation) and stays locked.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CompanyPortalE2eTest {

    private static final String PORTAL_PROFILE = "{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\","
            + "\"vppToken\":\"vpp-portal\",\"singleAppModeUntilAuth\":true}";
    private static SimPki pki;

    private SimClock clock;
    private FakeAbmServer abm;
    private MdmServer mdm;
    private AdminClient abmAdmin;
    private AdminClient mdmAdmin;
    private String token;

    @BeforeAll
    static void pki() {
        pki = SimPki.create(Instant.now().minus(Duration.ofDays(1)));
    }

    @BeforeEach
    void start() {
        clock = SimClock.scaled(100);
        abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(31).deviceCount(12).clock(clock).devicesPerMinute(0)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).build());
        mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(31).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri()).build());
        abmAdmin = new AdminClient("fake ABM", abm.baseUri());
        mdmAdmin = new AdminClient("MDM", mdm.baseUri());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "portal", "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "portal", "all", true));
        token = mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + enc("admin@example.com") + "&depUrl="
                + enc(abm.baseUri().toString()), abmAdmin.getBytes("/admin/mdm-servers/portal/token"),
                "application/pkcs7-mime").path("name").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= 12;
        });
        // the VPP token Company Portal's device licences come from (the policy checks it at enrollment)
        mdmAdmin.postJson("/admin/vpp-tokens", Map.of("name", "vpp-portal", "organization", "Example",
                "expiry", clock.now().plus(Duration.ofDays(365)).toString(), "companyPortalLicenses", 100));
    }

    @AfterEach
    void stop() {
        if (mdm != null) {
            mdm.close();
        }
        if (abm != null) {
            abm.close();
        }
    }

    @Test
    void devicesEndManagedWithCompanyPortalInstalledAndSingleAppModeLiftedAfterSignIn() {
        List<DeviceSpec> devices = iphones(List.of("17.5", "17.5", "15.8"));
        assignProfile(PORTAL_PROFILE, devices);

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.DEFAULT));

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        for (DeviceResult d : r.devices()) {
            assertTrue(d.stageDurations().containsKey(Stage.COMPANY_PORTAL), d + " signed in to Company Portal");
            DeviceResult.Management m = d.management();
            assertTrue(m.managed() && m.supervised(), d + " " + m);
            assertFalse(m.singleAppMode(), d + " is no longer locked: " + m);

            JsonNode v = mdmAdmin.getJson("/admin/devices/" + d.device().udid());
            assertEquals("CONFIGURED", v.path("enrollmentState").asText(), v.toString());
            assertTrue(v.path("supervised").asBoolean(), v.toString());
            assertEquals("INSTALLED", v.path("companyPortal").asText(), v.toString());
            assertEquals("user-" + d.device().serialNumber().toLowerCase(Locale.ROOT) + "@example.com",
                    v.path("companyPortalUser").asText(), v.toString());
            assertEquals("LIFTED", v.path("singleAppModeState").asText(), v.toString());
            assertFalse(v.path("singleAppMode").asBoolean(), v.toString());

            List<String> done = acknowledged(d.device().udid());
            assertTrue(done.contains("InstallApplication") && done.contains("InstallProfile")
                    && done.contains("RemoveProfile") && done.contains("DeviceConfigured"), done.toString());
        }
    }

    @Test
    void anMfaUserWhoseSecondFactorIsNotElsewhereStaysLockedInSingleAppMode() {
        List<DeviceSpec> devices = iphones(List.of("17.5", "16.6"));
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

            JsonNode v = mdmAdmin.getJson("/admin/devices/" + d.device().udid());
            assertEquals("CONFIGURED", v.path("enrollmentState").asText(), v.toString());
            assertEquals("LOCKED", v.path("singleAppModeState").asText(), v.toString());
            assertTrue(v.path("singleAppMode").asBoolean(), v.toString());
            assertTrue(v.path("companyPortalUser").isNull(), "no sign-in reached the MDM: " + v);
            assertFalse(acknowledged(d.device().udid()).contains("RemoveProfile"));
        }
    }

    @Test
    void withoutSingleAppModeTheSignInRegistersTheUserOnly() {
        List<DeviceSpec> devices = iphones(List.of("17.5"));
        assignProfile("{\"name\":\"Legacy\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\","
                + "\"installCompanyPortal\":true,\"vppToken\":\"vpp-portal\"}", devices);

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.builder().companyPortal(1, Duration.ofMinutes(30))
                .build()));

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        DeviceResult d = r.devices().getFirst();
        assertFalse(d.management().singleAppMode());
        JsonNode v = mdmAdmin.getJson("/admin/devices/" + d.device().udid());
        assertEquals("INSTALLED", v.path("companyPortal").asText(), v.toString());
        assertEquals("user-" + d.device().serialNumber().toLowerCase(Locale.ROOT) + "@example.com",
                v.path("companyPortalUser").asText(), v.toString());
        assertTrue(v.path("singleAppModeState").isNull(), v.toString());
    }

    @Test
    void aUserWithoutALicenceCannotSignInAndTheDeviceStaysLocked() throws Exception {
        List<DeviceSpec> devices = iphones(List.of("17.5", "17.5"));
        assignProfile(PORTAL_PROFILE, devices);
        java.net.http.HttpResponse<String> policy = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(mdm.baseUri().resolve("/admin/policy"))
                        .header("Content-Type", "application/json")
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"userLicenses\":{\"total\":1}}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, policy.statusCode(), policy.body());

        FleetResult r = DeviceFleet.run(fleet(devices, Behaviour.DEFAULT));

        assertEquals(1, r.count(Outcome.ENROLLED), r.summary() + " " + r.failures());
        DeviceResult refused = r.failures().getFirst();
        assertEquals(Stage.COMPANY_PORTAL, refused.stage(), refused.toString());
        assertTrue(refused.reason().contains("403 io.mdmsim.license.user-unlicensed"), refused.reason());
        assertTrue(refused.management().singleAppMode(), refused.management().toString());
        JsonNode v = mdmAdmin.getJson("/admin/devices/" + refused.device().udid());
        assertEquals("LOCKED", v.path("singleAppModeState").asText(), v.toString());
        assertTrue(v.path("companyPortalUser").isNull(), v.toString());
        DeviceResult licensed = r.devices().stream().filter(DeviceResult::enrolled).findFirst().orElseThrow();
        assertFalse(licensed.management().singleAppMode());
        assertEquals("LIFTED", mdmAdmin.getJson("/admin/devices/" + licensed.device().udid())
                .path("singleAppModeState").asText());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** iPhones of the ABM inventory, one per OS version given (the same models, set to those versions). */
    private List<DeviceSpec> iphones(List<String> versions) {
        List<DeviceSpec> out = new ArrayList<>();
        for (JsonNode d : abmAdmin.getJson("/admin/devices")) {
            if (out.size() == versions.size()) {
                break;
            }
            if (!d.path("productType").asText().startsWith("iPhone")) {
                continue;
            }
            String os = versions.get(out.size());
            out.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), os, os.startsWith("15") ? "19H386" : os.startsWith("16") ? "20G75"
                    : "21F79"));
        }
        assertEquals(versions.size(), out.size(), "iPhones in the ABM inventory");
        return out;
    }

    private void assignProfile(String json, List<DeviceSpec> devices) {
        String uuid = mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles?default=true",
                io.mdmsim.core.http.Json.read(json.getBytes(StandardCharsets.UTF_8), Map.class))
                .path("profileUuid").asText();
        JsonNode assigned = mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                Map.of("serials", devices.stream().map(DeviceSpec::serialNumber).toList()));
        for (DeviceSpec d : devices) {
            assertEquals("SUCCESS", assigned.path("devices").path(d.serialNumber()).asText(), assigned.toString());
        }
    }

    private FleetConfig fleet(List<DeviceSpec> devices, Behaviour behaviour) {
        return FleetConfig.builder()
                .cloudConfigUrl(abm.baseUri().resolve("/cloudconfig"))
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .devices(devices)
                .behaviour(behaviour)
                .seed(31)
                .clock(clock)
                .keySource(KeySource.reusing(1))
                .trustAnchors(List.of(pki.root().certificate()))
                .build();
    }

    /** RequestTypes of the device's acknowledged commands, in queue order. */
    private List<String> acknowledged(String udid) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : mdmAdmin.getJson("/admin/devices/" + udid + "/commands")) {
            if (c.path("state").asText().equals("ACKNOWLEDGED")) {
                out.add(c.path("requestType").asText());
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
