package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The enrollment policy (docs/mdm-endpoint.md "Enrollment policy") end to end: the
 * fake ABM, the reference MDM and virtual devices on 127.0.0.1 over HTTP. A refused device ends FAILED with what
 * Setup Assistant shows: "Invalid Profile: ... 403 CODE (MESSAGE)".
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EnrollmentPolicyE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES = 8;

    private String token;
    private List<DeviceSpec> specs;

    @BeforeEach
    void start() throws Exception {
        world = worlds.start(new E2eWorld(SimClock.system(), 17, DEVICES, b -> b.apnsUrl(null)));
        token = world.addToken("policy", true, t -> t.path("syncState").asText().equals("SYNCED")
                && t.path("assigned").asInt() == DEVICES);
        specs = Fleets.specs(world);
        assertEquals(DEVICES, specs.size());
    }

    @Test
    void iosBlockedIphonesEndWithInvalidProfileWhileIpadsEnroll() throws Exception {
        assertEquals(200, world.send("PUT", "/admin/policy", "{\"deviceTypeRestrictions\":{\"ios\":\"blocked\"}}")
                .statusCode());
        long phones = specs.stream().filter(s -> s.productType().startsWith("iPhone")).count();
        assertTrue(phones > 0 && phones < DEVICES, "the inventory has iPhones and iPads: " + specs);

        FleetResult r = DeviceFleet.run(ade(specs));
        for (DeviceResult d : r.devices()) {
            DeviceSpec spec = spec(d.device().serialNumber());
            if (spec.productType().startsWith("iPhone")) {
                assertEquals(Outcome.FAILED, d.outcome(), d.toString());
                assertEquals("Invalid Profile: The configuration for your iPhone could not be downloaded from"
                        + " 127.0.0.1: 403 io.mdmsim.enrollment.platform-blocked (Device type restrictions block"
                        + " enrollment of iOS (iPhone) devices.)", d.reason(), d.toString());
            } else {
                assertEquals(Outcome.ENROLLED, d.outcome(), d.toString());
            }
        }
        assertEquals(DEVICES - phones, r.count(Outcome.ENROLLED), r.summary());
    }

    @Test
    void anExpiredVppTokenRefusesDevicesWhoseProfileInstallsCompanyPortalWithIt() throws Exception {
        vppToken("Apps", world.time.now().minus(Duration.ofDays(1)).toString(), 100);
        List<DeviceSpec> cp = specs.subList(0, 3);
        profile("{\"name\":\"Company Portal VPP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}", cp);
        FleetResult r = DeviceFleet.run(ade(specs));
        for (DeviceResult d : r.devices()) {
            if (cp.stream().anyMatch(s -> s.serialNumber().equals(d.device().serialNumber()))) {
                assertEquals(Outcome.FAILED, d.outcome(), d.toString());
                assertTrue(d.reason().startsWith("Invalid Profile: The configuration for your "), d.reason());
                assertTrue(d.reason().contains(": 403 io.mdmsim.vpp.token-expired (The VPP token Apps has expired;"
                        + " Company Portal cannot be installed.)"), d.reason());
            } else {
                assertEquals(Outcome.ENROLLED, d.outcome(), "the other devices' profile needs no VPP: " + d);
            }
        }
        JsonNode alerts = world.mdmAdmin.getJson("/admin/alerts");
        assertEquals("vpp.token-expired", alerts.path("alerts").path(0).path("kind").asText(), alerts.toString());
    }

    @Test
    @org.junit.jupiter.api.DisplayName("\"Intune alerts you when ... licenses are running low\": enrollments use up"
            + " Company Portal licences until the alert is raised, on the admin API and as an event")
    void companyPortalLicencesRunningLowRaiseAnAlert() throws Exception {
        vppToken("Apps", world.time.now().plus(Duration.ofDays(365)).toString(), 11);
        List<DeviceSpec> cp = specs.subList(0, 2);
        profile("{\"name\":\"Company Portal VPP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}", cp);
        assertEquals(0, world.mdmAdmin.getJson("/admin/alerts").path("alerts").size(), "11 of 11 left");

        FleetResult r = DeviceFleet.run(ade(cp));
        assertEquals(2, r.count(Outcome.ENROLLED), r.summary());
        JsonNode alerts = world.mdmAdmin.getJson("/admin/alerts").path("alerts");
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("vpp.licenses-low", alerts.path(0).path("kind").asText(), alerts.toString());
        assertEquals("warning", alerts.path(0).path("severity").asText());
        assertTrue(alerts.path(0).path("message").asText().contains("has 9 Company Portal licenses left of 11"),
                alerts.toString());
        String events = world.mdmAdmin.getText("/admin/events?after=0&limit=1000");
        assertTrue(events.lines().anyMatch(l -> l.contains("\"type\":\"alert\"") && l.contains("vpp.licenses-low")
                && l.contains("\"state\":\"raised\"")), events);
    }

    @Test
    void companyPortalLicensesRunOutAfterNDevices() throws Exception {
        vppToken("Apps", world.time.now().plus(Duration.ofDays(365)).toString(), 3);
        List<DeviceSpec> cp = specs.subList(0, 5);
        profile("{\"name\":\"Company Portal VPP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}", cp);
        FleetResult r = DeviceFleet.run(ade(cp));
        assertEquals(3, r.count(Outcome.ENROLLED), r.summary());
        assertEquals(2, r.count(Outcome.FAILED), r.summary());
        for (DeviceResult d : r.failures()) {
            assertTrue(d.reason().contains(": 403 io.mdmsim.vpp.licenses-exhausted (The VPP token Apps has no Company"
                    + " Portal license left.)"), d.reason());
        }
        JsonNode t = world.mdmAdmin.getJson("/admin/vpp-tokens/Apps");
        assertEquals(3, t.path("companyPortalLicenses").path("used").asInt(), t.toString());
        assertEquals(0, t.path("companyPortalLicenses").path("available").asInt(), t.toString());
        assertEquals(3, t.path("holders").size());
        assertTrue(world.mdmAdmin.getJson("/admin/alerts").toString().contains("vpp.licenses-exhausted"));

        // the admin buys more: the refused devices enroll (a licence per device, the enrolled keep theirs)
        assertEquals(200, world.send("PUT", "/admin/vpp-tokens/Apps", "{\"companyPortalLicenses\":5}").statusCode());
        FleetResult again = DeviceFleet.run(ade(cp).toBuilder().seed(18).build());
        assertTrue(again.allEnrolled(), again.summary());
        assertEquals(5, world.mdmAdmin.getJson("/admin/vpp-tokens/Apps").path("companyPortalLicenses").path("used").asInt());
        // the token cannot be deleted while the profile uses it
        HttpResponse<String> delete = world.send("DELETE", "/admin/vpp-tokens/Apps", null);
        assertEquals(409, delete.statusCode());
        assertTrue(delete.body().contains("used by enrollment profile Company Portal VPP"), delete.body());
    }

    @Test
    void aUserlessProfileNeedsADeviceLicense() throws Exception {
        assertEquals(200, world.send("PUT", "/admin/policy", "{\"deviceLicenses\":{\"total\":1}}").statusCode());
        List<DeviceSpec> kiosks = specs.subList(0, 3);
        profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\"}", kiosks);
        FleetResult r = DeviceFleet.run(ade(specs));
        assertEquals(DEVICES - 2, r.count(Outcome.ENROLLED), r.summary());
        assertEquals(2, r.failures().size(), r.summary());
        for (DeviceResult d : r.failures()) {
            assertTrue(kiosks.stream().anyMatch(s -> s.serialNumber().equals(d.device().serialNumber())), d.toString());
            assertTrue(d.reason().contains(": 403 io.mdmsim.license.device-unavailable (No device license is"
                    + " available for this device.)"), d.reason());
        }
        JsonNode p = world.mdmAdmin.getJson("/admin/policy");
        assertEquals(1, p.path("deviceLicenses").path("used").asInt(), p.toString());
        assertEquals(0, p.path("deviceLicenses").path("available").asInt(), p.toString());
    }

    @Test
    void aDeviceThatChecksOutGivesItsDeviceLicenseBack() throws Exception {
        assertEquals(200, world.send("PUT", "/admin/policy", "{\"deviceLicenses\":{\"total\":1}}").statusCode());
        List<DeviceSpec> kiosk = specs.subList(0, 1);
        profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\"}", kiosk);
        // its user removes management a second after enrolling (not locked): the device sends CheckOut
        FleetResult r = DeviceFleet.run(Fleets.base(world, kiosk)
                .idlePollInterval(Duration.ofSeconds(1))
                .behaviour(Behaviour.builder().removeManagement(1.0, Duration.ofSeconds(1)).build())
                .build());
        assertEquals(1, r.count(Outcome.ENROLLED), r.summary());
        assertEquals(1, r.management().get("REMOVED_BY_USER"), r.summary());
        JsonNode p = world.mdmAdmin.getJson("/admin/policy");
        assertEquals(0, p.path("deviceLicenses").path("used").asInt(), p.toString());
        assertEquals(1, p.path("deviceLicenses").path("available").asInt(), p.toString());
    }

    @Test
    void personallyOwnedBlockedRefusesOverTheAirDevicesNotInTheCorporateIdentifiers() throws Exception {
        // devices Apple does not know (bought in a shop), enrolling from the MDM's profile URL
        DeviceSpec listed = withSerial(specs.get(0), "CORPOTA0001");
        DeviceSpec personal = withSerial(specs.get(1), "PERSOTA0002");
        assertEquals(200, world.send("PUT", "/admin/policy",
                "{\"deviceTypeRestrictions\":{\"personallyOwned\":\"blocked\"},"
                + "\"corporateIdentifiers\":{\"serials\":[\"CORPOTA0001\"]}}").statusCode());
        FleetResult r = DeviceFleet.run(Fleets.ota(world, List.of(listed, personal))
                .idlePollInterval(Duration.ofSeconds(1)).build());
        DeviceResult ok = result(r, "CORPOTA0001");
        DeviceResult refused = result(r, "PERSOTA0002");
        assertEquals(Outcome.ENROLLED, ok.outcome(), ok.toString());
        assertEquals(Outcome.FAILED, refused.outcome(), refused.toString());
        assertTrue(refused.reason().contains("403 io.mdmsim.enrollment.personal-blocked"), refused.reason());

        // and the ADE devices are corporate without being listed
        FleetResult ade = DeviceFleet.run(ade(specs.subList(0, 2)));
        assertTrue(ade.allEnrolled(), ade.summary());
    }

    @Test
    void iPadOsBlockedRefusesOverTheAirIpadsByTheirUserAgent() throws Exception {
        // the OTA profile download carries no MachineInfo: the MDM tells an iPad from an iPhone by its User-Agent
        DeviceSpec phone = specs.stream().filter(s -> s.productType().startsWith("iPhone")).findFirst().orElseThrow();
        DeviceSpec pad = specs.stream().filter(s -> s.productType().startsWith("iPad")).findFirst().orElseThrow();
        assertEquals(200, world.send("PUT", "/admin/policy", "{\"deviceTypeRestrictions\":{\"ipados\":\"blocked\"}}")
                .statusCode());
        FleetResult r = DeviceFleet.run(Fleets.ota(world, List.of(withSerial(phone, "OTAPHONE001"), withSerial(pad,
                "OTAIPAD0002")))
                .idlePollInterval(Duration.ofSeconds(1)).build());
        assertEquals(Outcome.ENROLLED, result(r, "OTAPHONE001").outcome(), r.summary());
        DeviceResult refused = result(r, "OTAIPAD0002");
        assertEquals(Outcome.FAILED, refused.outcome(), refused.toString());
        assertEquals(Stage.PROFILE, refused.stage(), refused.toString());
        assertTrue(refused.reason().startsWith("Invalid Profile: The configuration for your iPad could not be"
                + " downloaded from 127.0.0.1: 403 io.mdmsim.enrollment.platform-blocked"), refused.reason());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private FleetConfig ade(List<DeviceSpec> devices) {
        return Fleets.base(world, devices)
                .idlePollInterval(Duration.ofSeconds(1))
                .build();
    }

    private DeviceSpec spec(String serial) {
        return specs.stream().filter(s -> s.serialNumber().equals(serial)).findFirst().orElseThrow();
    }

    private static DeviceSpec withSerial(DeviceSpec s, String serial) {
        return new DeviceSpec(serial, s.productType(), s.model(), s.osVersion(), s.buildVersion());
    }

    private static DeviceResult result(FleetResult r, String serial) {
        return r.devices().stream().filter(d -> d.device().serialNumber().equals(serial)).findFirst().orElseThrow();
    }

    private void vppToken(String name, String expiry, int licenses) throws Exception {
        HttpResponse<String> r = world.send("POST", "/admin/vpp-tokens", "{\"name\":\"" + name + "\",\"organization\":"
                + "\"Example\",\"expiry\":\"" + expiry + "\",\"companyPortalLicenses\":" + licenses + "}");
        assertEquals(201, r.statusCode(), r.body());
    }

    /** Creates an enrollment profile through the MDM (defined in ABM) and assigns it to these devices. */
    private void profile(String json, List<DeviceSpec> devices) throws Exception {
        HttpResponse<String> created = world.send("POST", "/admin/dep/tokens/" + token + "/profiles", json);
        assertEquals(201, created.statusCode(), created.body());
        String uuid = JSON.readTree(created.body()).path("profileUuid").asText();
        List<String> serials = devices.stream().map(DeviceSpec::serialNumber).toList();
        HttpResponse<String> assigned = world.send("POST",
                "/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                JSON.writeValueAsString(Map.of("serials", serials)));
        assertEquals(200, assigned.statusCode(), assigned.body());
        for (String s : serials) {
            assertEquals("SUCCESS", JSON.readTree(assigned.body()).path("devices").path(s).asText(), assigned.body());
        }
    }

}
