package io.mdmsim.mdm.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.policy.PolicyService.Channel;
import io.mdmsim.mdm.policy.PolicyService.EnrollmentRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every rule of the enrollment policy (docs/mdm-endpoint.md "Enrollment policy" and "Company Portal sign-in"), its alerts, and every bad admin input. */
class PolicyServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private ManualClock clock;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final Map<String, EnrollmentProfile> profiles = new HashMap<>();
    private PolicyService policy;
    private PolicyAdmin admin;
    private VppTokenAdmin vpp;

    @BeforeEach
    void setUp() {
        clock = SimClock.manual(T0);
        policy = new PolicyService(clock, (type, udid, data) -> {
            Map<String, Object> e = new HashMap<>(data);
            e.put("type", type);
            events.add(e);
        }, null);
        policy.profileLookup(profiles::get);
        policy.allProfiles(() -> List.copyOf(profiles.values()));
        admin = new PolicyAdmin(policy);
        vpp = new VppTokenAdmin(policy);
    }

    private static EnrollmentProfile profile(String json) throws Exception {
        return JSON.readValue(json, EnrollmentProfile.class);
    }

    private static EnrollmentRequest ade(String serial, String product) {
        return new EnrollmentRequest(Channel.ADE, "UDID-" + serial, serial, null, product, null);
    }

    private void put(String json) throws Exception {
        admin.updatePolicy(JSON.readTree(json));
    }

    private void vpp(String json) throws Exception {
        vpp.add(JSON.readTree(json));
    }

    private static String code(Optional<DeviceError> e) {
        return e.map(DeviceError::code).orElse("allowed");
    }

    // ---- platforms --------------------------------------------------------------------------------------------

    @Test
    void platformComesFromTheProductElseTheUserAgent() {
        assertEquals(Platform.IOS, Platform.ofProduct("iPhone15,2"));
        assertEquals(Platform.IPADOS, Platform.ofProduct("iPad13,18"));
        assertEquals(Platform.UNKNOWN, Platform.ofProduct("iPod9,1"));
        assertEquals(Platform.IOS, Platform.ofUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"));
        assertEquals(Platform.IPADOS, Platform.ofUserAgent("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)"));
        assertEquals(Platform.UNKNOWN, Platform.ofUserAgent("curl/8.5"));
        assertEquals(Platform.UNKNOWN, Platform.ofUserAgent(null));
    }

    @Test
    void iosBlockedRefusesIphonesAndLetsIpadsEnroll() throws Exception {
        put("{\"deviceTypeRestrictions\":{\"ios\":\"blocked\"}}");
        Optional<DeviceError> phone = policy.checkEnrollment(ade("PHONE1", "iPhone15,2"));
        assertEquals(PolicyService.PLATFORM_BLOCKED, code(phone));
        assertTrue(phone.get().message().contains("iOS (iPhone)"), phone.get().message());
        assertEquals("IOS", phone.get().details().get("platform"));
        assertEquals("allowed", code(policy.checkEnrollment(ade("PAD1", "iPad13,18"))));
        assertTrue(events.stream().anyMatch(e -> e.get("type").equals("policy.refused")
                && e.get("code").equals(PolicyService.PLATFORM_BLOCKED)), events.toString());
    }

    @Test
    void ipadosBlockedRefusesIpadsAlsoOverTheAirByUserAgent() throws Exception {
        put("{\"deviceTypeRestrictions\":{\"ipados\":\"blocked\"}}");
        assertEquals(PolicyService.PLATFORM_BLOCKED, code(policy.checkEnrollment(ade("PAD1", "iPad13,18"))));
        assertEquals(PolicyService.PLATFORM_BLOCKED, code(policy.checkEnrollment(new EnrollmentRequest(Channel.OTA,
                null, null, null, null, "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)"))));
        assertEquals("allowed", code(policy.checkEnrollment(new EnrollmentRequest(Channel.OTA, null, null, null,
                null, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"))));
        assertEquals("allowed", code(policy.checkEnrollment(new EnrollmentRequest(Channel.OTA, null, null, null,
                null, null))), "an unknown platform is refused only when both are blocked");
    }

    @Test
    void anUnknownPlatformIsRefusedOnlyWhenBothAreBlocked() throws Exception {
        put("{\"deviceTypeRestrictions\":{\"ios\":\"blocked\",\"ipados\":\"blocked\"}}");
        Optional<DeviceError> e = policy.checkEnrollment(new EnrollmentRequest(Channel.OTA, null, null, null, null,
                "curl/8.5"));
        assertEquals(PolicyService.PLATFORM_BLOCKED, code(e));
        assertTrue(e.get().description().contains("User-Agent 'curl/8.5'"), e.get().description());
    }

    // ---- personally owned -------------------------------------------------------------------------------------

    @Test
    void personallyOwnedBlockedLetsAdeAndListedDevicesIn() throws Exception {
        put("{\"deviceTypeRestrictions\":{\"personallyOwned\":\"blocked\"},"
                + "\"corporateIdentifiers\":{\"serials\":[\"corp1\"],\"imeis\":[\"35 123456 789012 3\"]}}");
        assertEquals("allowed", code(policy.checkEnrollment(ade("ANY", "iPhone15,2"))), "ADE devices are corporate");
        // web view: corporate only when listed or known to a DEP token
        assertEquals(PolicyService.PERSONAL_BLOCKED, code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.WEB_VIEW, "U1", "PERSONAL1", null, "iPhone15,2", null))));
        assertEquals("allowed", code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.WEB_VIEW, "U2", "CORP1", null, "iPhone15,2", null))),
                "serials compare case-insensitively");
        profiles.put("DEPDEV", profile("{\"name\":\"p\"}"));
        assertEquals("allowed", code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.WEB_VIEW, "U3", "DEPDEV", null, "iPhone15,2", null))));
        // over the air: by IMEI at the download or at Authenticate; a download naming nothing waits for Authenticate
        assertEquals("allowed", code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.OTA, null, null, null, null, null))));
        assertEquals("allowed", code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.OTA, null, null, "351234567890123", null, null))));
        Optional<DeviceError> e = policy.checkEnrollment(
                new EnrollmentRequest(Channel.AUTHENTICATE, "U4", "PERS2", "990000000000001", "iPhone15,2", null));
        assertEquals(PolicyService.PERSONAL_BLOCKED, code(e));
        assertTrue(e.get().description().contains("serial PERS2, IMEI 990000000000001"), e.get().description());
        assertEquals("allowed", code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.AUTHENTICATE, "U5", "PERS3", "351234567890123", "iPhone15,2", null))));
        assertEquals("allowed", code(policy.checkEnrollment(
                new EnrollmentRequest(Channel.AUTHENTICATE, "UDID-ANY", "ANY", null, "iPhone15,2", null))),
                "a device whose MachineInfo was checked is not checked again");
    }

    // ---- device licences --------------------------------------------------------------------------------------

    @Test
    void aUserlessDeviceTakesADeviceLicenseOnceAndIsRefusedWhenNoneIsLeft() throws Exception {
        put("{\"deviceLicenses\":{\"total\":1}}");
        profiles.put("KIOSK1", profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\"}"));
        profiles.put("KIOSK2", profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\"}"));
        profiles.put("SHARED", profile("{\"name\":\"Shared\",\"userAffinity\":\"SHARED_DEVICE_MODE\"}"));
        profiles.put("USER1", profile("{\"name\":\"Users\"}"));
        assertEquals("allowed", code(policy.checkEnrollment(ade("KIOSK1", "iPad13,18"))));
        assertEquals("allowed", code(policy.checkEnrollment(ade("KIOSK1", "iPad13,18"))), "once per device");
        Optional<DeviceError> e = policy.checkEnrollment(ade("KIOSK2", "iPad13,18"));
        assertEquals(PolicyService.DEVICE_UNAVAILABLE, code(e));
        assertTrue(e.get().description().contains("all 1 device licenses are in use"), e.get().description());
        assertEquals(PolicyService.DEVICE_UNAVAILABLE, code(policy.checkEnrollment(ade("SHARED", "iPad13,18"))));
        assertEquals("allowed", code(policy.checkEnrollment(ade("USER1", "iPhone15,2"))),
                "a device with user affinity needs no device license");
        assertEquals(List.of("KIOSK1"), List.copyOf(policy.deviceLicenses.holders));

        put("{\"deviceLicenses\":{\"release\":[\"KIOSK1\"]}}");
        assertEquals("allowed", code(policy.checkEnrollment(ade("KIOSK2", "iPad13,18"))));
        put("{\"deviceLicenses\":{\"total\":\"unlimited\"}}");
        assertEquals("allowed", code(policy.checkEnrollment(ade("SHARED", "iPad13,18"))));
    }

    // ---- VPP ----------------------------------------------------------------------------------------------------

    @Test
    void companyPortalWithAnExpiredVppTokenIsRefused() throws Exception {
        vpp("{\"name\":\"Apps\",\"organization\":\"Example\",\"expiry\":\"2026-03-10T00:00:00Z\","
                + "\"companyPortalLicenses\":100}");
        profiles.put("CP1", profile("{\"name\":\"CP\",\"authentication\":\"COMPANY_PORTAL\",\"vppToken\":\"Apps\"}"));
        assertEquals("allowed", code(policy.checkEnrollment(ade("CP1", "iPhone15,2"))));
        clock.advance(Duration.ofDays(8));
        Optional<DeviceError> e = policy.checkEnrollment(ade("CP1", "iPhone15,2"));
        assertEquals(PolicyService.TOKEN_EXPIRED, code(e));
        assertEquals("Apps", e.get().details().get("vppToken"));
        assertTrue(e.get().description().contains("expired at 2026-03-10T00:00:00Z"), e.get().description());
    }

    @Test
    void companyPortalLicensesAreTakenOncePerDeviceAndRunOut() throws Exception {
        vpp("{\"name\":\"Apps\",\"expiry\":\"2027-03-01\",\"companyPortalLicenses\":2}");
        for (String s : List.of("A", "B", "C")) {
            profiles.put(s, profile("{\"name\":\"CP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}"));
        }
        profiles.put("APPSTORE", profile("{\"name\":\"Store\",\"installCompanyPortal\":true}"));
        assertEquals("allowed", code(policy.checkEnrollment(ade("A", "iPhone15,2"))));
        assertEquals("allowed", code(policy.checkEnrollment(ade("A", "iPhone15,2"))), "again: same licence");
        assertEquals("allowed", code(policy.checkEnrollment(ade("B", "iPhone15,2"))));
        Optional<DeviceError> e = policy.checkEnrollment(ade("C", "iPhone15,2"));
        assertEquals(PolicyService.LICENSES_EXHAUSTED, code(e));
        assertTrue(e.get().description().contains("2 of 2 in use"), e.get().description());
        assertEquals("allowed", code(policy.checkEnrollment(ade("APPSTORE", "iPhone15,2"))),
                "Company Portal from the App Store needs no VPP licence");
        assertEquals(List.of("A", "B"), vpp.get("Apps").holders());
    }

    @Test
    void aDeviceLicenseIsNotTakenWhenTheVppCheckRefuses() throws Exception {
        put("{\"deviceLicenses\":{\"total\":5}}");
        vpp("{\"name\":\"Apps\",\"expiry\":\"2026-03-01\",\"companyPortalLicenses\":2}");
        profiles.put("K", profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\",\"installCompanyPortal\":true,"
                + "\"vppToken\":\"Apps\"}"));
        assertEquals(PolicyService.TOKEN_EXPIRED, code(policy.checkEnrollment(ade("K", "iPad13,18"))));
        assertEquals(0, policy.deviceLicenses.holders.size(), "nothing is taken by a refused enrollment");
    }

    @Test
    void aReleasedDeviceGivesItsLicencesBack() throws Exception {
        put("{\"deviceLicenses\":{\"total\":1}}");
        vpp("{\"name\":\"Apps\",\"expiry\":\"2027-03-01\",\"companyPortalLicenses\":1}");
        String kiosk = "{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\",\"installCompanyPortal\":true,"
                + "\"vppToken\":\"Apps\"}";
        profiles.put("K1", profile(kiosk));
        profiles.put("K2", profile(kiosk));
        assertEquals("allowed", code(policy.checkEnrollment(ade("K1", "iPad13,18"))));
        assertEquals(PolicyService.DEVICE_UNAVAILABLE, code(policy.checkEnrollment(ade("K2", "iPad13,18"))));
        assertTrue(policy.releaseDevice("K1"));
        assertTrue(!policy.releaseDevice("K1"), "nothing left to give back");
        assertEquals("allowed", code(policy.checkEnrollment(ade("K2", "iPad13,18"))));
        assertEquals(List.of("K2"), vpp.get("Apps").holders());
    }

    // ---- user licences ----------------------------------------------------------------------------------------

    @Test
    void userLicensesAreClaimedOncePerUser() throws Exception {
        assertEquals(Optional.empty(), policy.claimUserLicense("anyone", "U"), "unlimited by default");
        put("{\"userLicenses\":{\"total\":2}}");
        assertEquals(Optional.empty(), policy.claimUserLicense("alice", "U1"));
        assertEquals(Optional.empty(), policy.claimUserLicense("alice", "U2"), "idempotent per user");
        Optional<DeviceError> bob = policy.claimUserLicense("bob", "U3");
        assertEquals(PolicyService.USER_UNLICENSED, code(bob));
        assertTrue(bob.get().message().contains("bob"), bob.get().message());
        assertEquals(PolicyService.USER_UNLICENSED, code(policy.claimUserLicense(" ", "U3")));
        put("{\"userLicenses\":{\"release\":[\"anyone\"]}}");
        assertEquals(Optional.empty(), policy.claimUserLicense("bob", "U3"));
        assertEquals(List.of("alice", "bob"), List.copyOf(policy.userLicenses.holders));
    }

    // ---- profiles -----------------------------------------------------------------------------------------------

    @Test
    void aProfileNamingAnUnknownVppTokenIsRejected() throws Exception {
        List<String> v = policy.profileViolations(profile("{\"name\":\"x\",\"vppToken\":\"Nope\"}"));
        assertEquals(1, v.size());
        assertTrue(v.get(0).startsWith("vppToken: Nope is not a VPP token of this MDM (expected: one of none yet"),
                v.get(0));
        vpp("{\"name\":\"Apps\",\"expiry\":\"2027-03-01\",\"companyPortalLicenses\":2}");
        assertTrue(policy.profileViolations(profile("{\"name\":\"x\",\"vppToken\":\"Nope\"}")).get(0)
                .contains("expected: one of Apps"));
        assertEquals(List.of(), policy.profileViolations(profile("{\"name\":\"x\",\"vppToken\":\"Apps\"}")));
        assertEquals(List.of(), policy.profileViolations(profile("{\"name\":\"x\"}")));
    }

    // ---- alerts -------------------------------------------------------------------------------------------------

    @Test
    void alertsForExpiryOnTheSimClockAreRaisedAndClearedAsEvents() throws Exception {
        vpp("{\"name\":\"Apps\",\"expiry\":\"2026-04-15T09:00:00Z\",\"companyPortalLicenses\":100}");
        assertEquals(List.of(), policy.alerts(), "44 days ahead: no alert");
        clock.advance(Duration.ofDays(14));
        List<Alert> a = policy.alerts();
        assertEquals(1, a.size(), a.toString());
        assertEquals("vpp.token-expiring", a.get(0).kind());
        assertEquals("warning", a.get(0).severity());
        assertTrue(a.get(0).message().contains("in 30 days"), a.get(0).message());
        clock.advance(Duration.ofDays(30));
        a = policy.alerts();
        assertEquals("vpp.token-expired", a.get(0).kind());
        assertEquals("critical", a.get(0).severity());
        vpp.update("Apps", JSON.readTree("{\"expiry\":\"2027-04-15\"}"));
        assertEquals(List.of(), policy.alerts(), "renewed");
        List<String> seen = events.stream().filter(e -> e.get("type").equals("alert"))
                .map(e -> e.get("kind") + "/" + e.get("state")).toList();
        assertEquals(List.of("vpp.token-expiring/raised", "vpp.token-expired/raised", "vpp.token-expiring/cleared",
                "vpp.token-expired/cleared"), seen);
    }

    @Test
    void licensesRunningLowAndExhaustedAreAlerts() throws Exception {
        assertTrue(PolicyService.lowLicenses(9, 1000), "fewer than 10 left");
        assertTrue(PolicyService.lowLicenses(99, 1000), "under 10 %");
        assertTrue(!PolicyService.lowLicenses(100, 1000));
        assertTrue(!PolicyService.lowLicenses(10, 50));
        vpp("{\"name\":\"Apps\",\"expiry\":\"2027-03-01\",\"companyPortalLicenses\":11}");
        profiles.put("A", profile("{\"name\":\"CP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}"));
        profiles.put("B", profile("{\"name\":\"CP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}"));
        assertEquals(List.of(), policy.alerts());
        policy.checkEnrollment(ade("A", "iPhone15,2"));
        assertEquals(List.of(), policy.alerts(), "10 of 11 left is not low");
        policy.checkEnrollment(ade("B", "iPhone15,2"));
        assertEquals("vpp.licenses-low", policy.alerts().get(0).kind());
        assertTrue(policy.alerts().get(0).message().contains("has 9 Company Portal licenses left of 11"),
                policy.alerts().toString());
        vpp.update("Apps", JSON.readTree("{\"companyPortalLicenses\":2}"));
        assertEquals("vpp.licenses-exhausted", policy.alerts().get(0).kind());
        assertTrue(events.stream().anyMatch(e -> "vpp.licenses-exhausted".equals(e.get("kind"))
                && "raised".equals(e.get("state"))));
    }

    // ---- admin: bad input -------------------------------------------------------------------------------------

    private static String badRequest(Executable action) {
        try {
            action.execute();
        } catch (HttpError e) {
            assertEquals(400, e.status(), e.getMessage());
            try {
                return JSON.readTree(e.getMessage()).path("error").asText();
            } catch (java.io.IOException notJson) {
                throw new AssertionError("400 without a JSON body: " + e.getMessage(), notJson);
            }
        } catch (Throwable t) {
            throw new AssertionError("expected a 400 but got " + t, t);
        }
        throw new AssertionError("expected a 400 but it was accepted");
    }

    @Test
    void everyBadPolicyUpdateIsA400NamingTheKeyAndWhatIsAllowed() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"nope\":1}", "unknown key nope (expected: one of deviceTypeRestrictions, corporateIdentifiers,"
                + " userLicenses, deviceLicenses)");
        cases.put("{}", "body: empty object");
        cases.put("{\"companyPortalLicenses\":[]}", "companyPortalLicenses: read-only");
        cases.put("{\"deviceTypeRestrictions\":\"blocked\"}", "deviceTypeRestrictions: \"blocked\" (expected: an object");
        cases.put("{\"deviceTypeRestrictions\":{\"android\":\"blocked\"}}",
                "unknown key deviceTypeRestrictions.android (expected: one of ios, ipados, personallyOwned)");
        cases.put("{\"deviceTypeRestrictions\":{\"ios\":false}}",
                "deviceTypeRestrictions.ios: false (expected: \"allowed\" or \"blocked\")");
        cases.put("{\"corporateIdentifiers\":{\"serials\":\"ABC\"}}",
                "corporateIdentifiers.serials: \"ABC\" (expected: an array of serial numbers");
        cases.put("{\"corporateIdentifiers\":{\"serials\":[\"OK1\",\"bad serial!\"]}}",
                "corporateIdentifiers.serials[1]: \"bad serial!\" (expected: a serial number of 1 to 32 letters and digits)");
        cases.put("{\"corporateIdentifiers\":{\"imeis\":[\"12345\"]}}",
                "corporateIdentifiers.imeis[0]: \"12345\" (expected: an IMEI of 15 digits)");
        cases.put("{\"corporateIdentifiers\":{\"macs\":[]}}", "unknown key corporateIdentifiers.macs (expected: one of"
                + " serials, imeis, addSerials, removeSerials, addImeis, removeImeis)");
        cases.put("{\"userLicenses\":{\"total\":-1}}",
                "userLicenses.total: -1 (expected: a whole number >= 0 or \"unlimited\")");
        cases.put("{\"deviceLicenses\":{\"total\":2.5}}",
                "deviceLicenses.total: 2.5 (expected: a whole number >= 0 or \"unlimited\")");
        cases.put("{\"deviceLicenses\":{\"used\":3}}", "deviceLicenses.used: read-only (expected: one of total, release)");
        cases.put("{\"deviceLicenses\":{\"seats\":3}}", "unknown key deviceLicenses.seats (expected: one of total, release)");
        cases.put("{\"userLicenses\":{\"release\":\"alice\"}}", "userLicenses.release: \"alice\" (expected: an array");
        cases.put("{\"userLicenses\":7}", "userLicenses: 7 (expected: an object with total and/or release)");
        for (var c : cases.entrySet()) {
            String msg = badRequest(() -> put(c.getKey()));
            assertTrue(msg.contains(c.getValue()), c.getKey() + " -> " + msg);
        }
        // all or nothing: a valid part next to a bad one changes nothing
        badRequest(() -> put("{\"deviceTypeRestrictions\":{\"ios\":\"blocked\",\"ipados\":\"maybe\"}}"));
        assertTrue(policy.iosAllowed);
    }

    @Test
    void policyUpdatesArePartialAndShownWithLicenceUsage() throws Exception {
        put("{\"deviceTypeRestrictions\":{\"ios\":\"blocked\"}}");
        put("{\"corporateIdentifiers\":{\"serials\":[\"a1\",\"B2\"],\"addImeis\":[\"351234567890123\"]}}");
        put("{\"corporateIdentifiers\":{\"removeSerials\":[\"A1\"],\"addSerials\":[\"c3\"]}}");
        put("{\"userLicenses\":{\"total\":10}}");
        JsonNode p = JSON.valueToTree(admin.policyJson());
        assertEquals("blocked", p.path("deviceTypeRestrictions").path("ios").asText());
        assertEquals("allowed", p.path("deviceTypeRestrictions").path("ipados").asText(), "untouched");
        assertEquals("[\"B2\",\"C3\"]", p.path("corporateIdentifiers").path("serials").toString());
        assertEquals("[\"351234567890123\"]", p.path("corporateIdentifiers").path("imeis").toString());
        assertEquals(10, p.path("userLicenses").path("total").asInt());
        assertEquals(10, p.path("userLicenses").path("available").asInt());
        assertEquals("unlimited", p.path("deviceLicenses").path("total").asText());
        assertEquals(30, p.path("alertThresholds").path("vppExpiryWarningDays").asInt());
        assertTrue(events.stream().anyMatch(e -> e.get("type").equals("policy.changed")));
    }

    @Test
    void everyBadVppTokenIsA400() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1}", "name: missing (expected: a string)");
        cases.put("{\"name\":\"/x\",\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1}", "name: \"/x\" (expected: 1 to 64");
        cases.put("{\"name\":\"A\",\"companyPortalLicenses\":1}", "expiry: missing (expected: an ISO-8601 instant");
        cases.put("{\"name\":\"A\",\"expiry\":\"soon\",\"companyPortalLicenses\":1}", "expiry: \"soon\" (expected:");
        cases.put("{\"name\":\"A\",\"expiry\":\"2027-01-01\"}", "companyPortalLicenses: missing");
        cases.put("{\"name\":\"A\",\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":-3}",
                "companyPortalLicenses: -3 (expected: a whole number >= 0)");
        cases.put("{\"name\":\"A\",\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1,\"color\":\"red\"}",
                "unknown key color (expected: one of name, organization, expiry, companyPortalLicenses)");
        cases.put("{\"name\":\"A\",\"organization\":5,\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1}",
                "organization: 5 (expected: a non-empty string)");
        for (var c : cases.entrySet()) {
            String msg = badRequest(() -> vpp(c.getKey()));
            assertTrue(msg.contains(c.getValue()), c.getKey() + " -> " + msg);
        }
        assertEquals(List.of(), vpp.list());
        vpp("{\"name\":\"A\",\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1}");
        HttpError dup = org.junit.jupiter.api.Assertions.assertThrows(HttpError.class,
                () -> vpp("{\"name\":\"A\",\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1}"));
        assertEquals(409, dup.status());
        assertTrue(badRequest(() -> vpp.update("A", JSON.readTree("{\"name\":\"B\"}")))
                .contains("a token cannot be renamed"));
        assertTrue(badRequest(() -> vpp.update("A", JSON.readTree("{}"))).contains("body: empty object"));
        HttpError unknown = org.junit.jupiter.api.Assertions.assertThrows(HttpError.class,
                () -> vpp.get("Z"));
        assertEquals(404, unknown.status());
        assertTrue(unknown.getMessage().contains("VPP token Z is unknown (expected: one of A"), unknown.getMessage());
    }

    @Test
    void aVppTokenInUseByAProfileCannotBeDeleted() throws Exception {
        vpp("{\"name\":\"Apps\",\"expiry\":\"2027-01-01\",\"companyPortalLicenses\":1}");
        profiles.put("X", profile("{\"name\":\"Corporate CP\",\"installCompanyPortal\":true,\"vppToken\":\"Apps\"}"));
        HttpError e = org.junit.jupiter.api.Assertions.assertThrows(HttpError.class, () -> vpp.delete("Apps"));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("used by enrollment profile Corporate CP"), e.getMessage());
        assertEquals(List.of("Corporate CP"), vpp.get("Apps").profiles());
        profiles.clear();
        assertEquals(new VppTokenAdmin.Deleted("Apps"), vpp.delete("Apps"));
        assertEquals(404, org.junit.jupiter.api.Assertions.assertThrows(HttpError.class,
                () -> vpp.delete("Apps")).status());
    }
}
