package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.TokenUpdate;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/mdm-endpoint.md "Company Portal and Single App Mode" on the reference MDM over real HTTP: Company Portal after the setup DeviceInformation, Single App
 * Mode until the Company Portal sign-in, the sign-in endpoint and every bad input it refuses, supervision on the
 * device view.
 */
class CompanyPortalTest {

    private static final ServerToken TOKEN = FakeDep.token("cp");
    private static final String CP_SAM = "{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\","
            + "\"vppToken\":\"vpp-1\",\"singleAppModeUntilAuth\":true}";

    private final TestServer t = new TestServer();
    private FakeDep dep;
    private String token;

    @BeforeEach
    void sync() throws Exception {
        dep = new FakeDep(TOKEN, 6);
        token = t.uploadDepToken(TOKEN, dep.baseUri());
        for (String vpp : List.of("vpp-1", "vpp-2")) { // the policy knows the profiles' VPP tokens
            HttpResponse<byte[]> added = t.send("POST", "/admin/vpp-tokens", "{\"name\":\"" + vpp + "\","
                    + "\"organization\":\"Example\",\"expiry\":\"2027-01-01T00:00:00Z\",\"companyPortalLicenses\":100}");
            assertEquals(201, added.statusCode(), new String(added.body()));
        }
        t.awaitDepToken(token, TestServer::synced);
    }

    @AfterEach
    void stop() {
        t.close();
        dep.close();
    }

    // ---- Company Portal and Single App Mode in the setup flow ------------------------------------------------

    @Test
    void companyPortalAndSingleAppModeFollowTheSetupInformationAndTheSignInLiftsTheLock() throws Exception {
        profile(CP_SAM);
        TestDevice d = enroll(0, "17.5", true);
        Command info = idle(d);
        assertEquals("DeviceInformation", info.requestType());
        assertTrue(List.of(((NSArray) info.get("Queries")).getArray()).contains(new NSString("IsSupervised")));

        Command cp = ack(d, info, answers(d, "17.5", true));
        assertEquals("InstallApplication", cp.requestType());
        AppleYaml.assertCommand("InstallApplication", cp.command());
        assertEquals(719171358L, ((NSNumber) cp.get("iTunesStoreID")).longValue());
        assertEquals(1, ((NSNumber) cp.get("ManagementFlags")).intValue());
        assertEquals(t.base + "/companyportal/signin",
                ((NSString) ((NSDictionary) cp.get("Configuration")).get("ServiceURL")).getContent());
        assertEquals(1, ((NSNumber) ((NSDictionary) cp.get("Options")).get("PurchaseMethod")).intValue());

        Command lock = ack(d, cp, Map.of("Identifier", "com.microsoft.CompanyPortal", "State", "Queued"));
        assertEquals("InstallProfile", lock.requestType());
        AppleYaml.assertCommand("InstallProfile", lock.command());
        NSDictionary profile = Plist.parseDictionary(((NSData) lock.get("Payload")).bytes());
        AppleYaml.assertPayload("TopLevel.yaml", profile);
        assertEquals("io.mdmsim.singleappmode", TestDevice.str(profile, "PayloadIdentifier"));
        NSArray payloads = (NSArray) profile.get("PayloadContent");
        assertEquals(1, payloads.count());
        NSDictionary appLock = (NSDictionary) payloads.objectAtIndex(0);
        AppleYaml.assertPayload("com.apple.app.lock.yaml", appLock);
        assertEquals("com.apple.app.lock", TestDevice.str(appLock, "PayloadType"));
        assertEquals("com.microsoft.CompanyPortal", TestDevice.str((NSDictionary) appLock.get("App"), "Identifier"));

        Command configured = ack(d, lock, Map.of());
        assertEquals("DeviceConfigured", configured.requestType());
        assertNull(ack(d, configured, Map.of()));
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertEquals("CONFIGURED", v.path("enrollmentState").asText());
        assertEquals("INSTALLED", v.path("companyPortal").asText(), v.toString());
        assertTrue(v.path("singleAppMode").asBoolean(), v.toString());
        assertEquals("LOCKED", v.path("singleAppModeState").asText());
        assertTrue(v.path("supervised").asBoolean());
        assertTrue(v.path("companyPortalUser").isNull());

        t.clock.advance(Duration.ofMinutes(2));
        HttpResponse<byte[]> signIn = signIn(d, "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"ada@example.com\"}");
        assertEquals(200, signIn.statusCode(), new String(signIn.body()));
        JsonNode answer = TestServer.json(signIn);
        assertTrue(answer.path("registered").asBoolean());
        assertTrue(answer.path("singleAppModeLifted").asBoolean());
        v = t.get("/admin/devices/" + d.udid);
        assertEquals("ada@example.com", v.path("companyPortalUser").asText());
        assertEquals(t.clock.now().toString(), v.path("companyPortalSignedInAt").asText());
        assertEquals("LIFTING", v.path("singleAppModeState").asText());
        // a repeated sign-in while the removal is on its way says lifted again, without a second RemoveProfile
        assertTrue(TestServer.json(signIn(d, "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"ada@example.com\"}"))
                .path("singleAppModeLifted").asBoolean());

        Command remove = idle(d);
        assertEquals("RemoveProfile", remove.requestType());
        AppleYaml.assertCommand("RemoveProfile", remove.command());
        assertEquals("io.mdmsim.singleappmode", ((NSString) remove.get("Identifier")).getContent());
        assertNull(ack(d, remove, Map.of()), "one RemoveProfile only");
        v = t.get("/admin/devices/" + d.udid);
        assertFalse(v.path("singleAppMode").asBoolean(), v.toString());
        assertEquals("LIFTED", v.path("singleAppModeState").asText());
        assertEquals(t.clock.now().toString(), v.path("singleAppModeLiftedAt").asText());

        JsonNode again = TestServer.json(signIn(d, "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"bob@example.com\"}"));
        assertFalse(again.path("singleAppModeLifted").asBoolean(), "nothing left to lift");
        assertEquals("bob@example.com", t.get("/admin/devices/" + d.udid).path("companyPortalUser").asText());

        List<String> events = events(d.udid);
        assertTrue(events.contains("company-portal:install-queued"), events.toString());
        assertTrue(events.contains("company-portal:installed"), events.toString());
        assertTrue(events.contains("single-app-mode:locked"), events.toString());
        assertTrue(events.contains("company-portal-signin:ada@example.com"), events.toString());
        assertTrue(events.contains("single-app-mode:lifted"), events.toString());
    }

    @Test
    void withoutVppTokenCompanyPortalHasNoDeviceLicenseAndNeverHoldsDeviceConfigured() throws Exception {
        profile("{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\"}");
        TestDevice d = enroll(1, "17.5", true);
        Command cp = afterSetupInformation(d, "17.5", true);
        assertEquals("InstallApplication", cp.requestType());
        assertNull(cp.get("Options"), "no VPP token: no PurchaseMethod");
        assertEquals(t.base + "/companyportal/signin",
                ((NSString) ((NSDictionary) cp.get("Configuration")).get("ServiceURL")).getContent());
        // iOS answers NotNow to an App Store app during Setup Assistant: DeviceConfigured comes anyway
        Command next = Command.parse(d.report(t.base, CommandResult.notNow(d.udid, cp.commandUuid())).body());
        assertEquals("DeviceConfigured", next.requestType());
        Command after = ack(d, next, Map.of());
        assertEquals("InstallApplication", after.requestType(), "Company Portal comes again after DeviceConfigured");
        assertEquals(cp.commandUuid(), after.commandUuid());
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertEquals("CONFIGURED", v.path("enrollmentState").asText());
        assertEquals("QUEUED", v.path("companyPortal").asText());
        assertTrue(v.path("singleAppModeState").isNull());
    }

    @Test
    void aCriticalCompanyPortalIsInstalledOnceAndHoldsDeviceConfigured() throws Exception {
        profile("{\"name\":\"Critical portal\",\"authentication\":\"SETUP_ASSISTANT_MODERN\","
                + "\"installCompanyPortal\":true,\"vppToken\":\"vpp-1\","
                + "\"criticalApps\":[\"com.microsoft.CompanyPortal\",\"com.example.vpn\"]}");
        TestDevice d = enroll(4, "17.5", true);
        Command vpn = afterSetupInformation(d, "17.5", true);
        assertEquals("InstallApplication", vpn.requestType());
        assertEquals("com.example.vpn", ((NSString) vpn.get("Identifier")).getContent());
        Command cp = ack(d, vpn, Map.of());
        assertEquals("InstallApplication", cp.requestType());
        assertEquals(719171358L, ((NSNumber) cp.get("iTunesStoreID")).longValue(), "Company Portal once, by store ID");
        assertNull(parse(d.report(t.base, CommandResult.notNow(d.udid, cp.commandUuid()))),
                "DeviceConfigured waits for the critical Company Portal");
        Command again = idle(d);
        assertEquals(cp.commandUuid(), again.commandUuid());
        assertEquals("DeviceConfigured", ack(d, again, Map.of()).requestType());
    }

    @Test
    @org.junit.jupiter.api.DisplayName("Await final configuration is supported with modern authentication, without user"
            + " affinity or in shared mode only: a device with Company Portal authentication that awaits is not held")
    void companyPortalAuthenticationDoesNotHoldTheDevice() throws Exception {
        profile("{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\",\"vppToken\":\"vpp-1\","
                + "\"criticalApps\":[\"com.example.vpn\"],\"criticalPolicies\":[\"wifi\"]}");
        TestDevice d = enroll(4, "17.5", true);
        Command cp = afterSetupInformation(d, "17.5", true);
        assertEquals(719171358L, ((NSNumber) cp.get("iTunesStoreID")).longValue());
        Command configured = ack(d, cp, Map.of());
        assertEquals("DeviceConfigured", configured.requestType(), "released before the critical app and policy");
        Command vpn = ack(d, configured, Map.of());
        assertEquals("InstallApplication", vpn.requestType(), "the critical app follows DeviceConfigured");
        assertEquals("com.example.vpn", ((NSString) vpn.get("Identifier")).getContent());
        assertEquals("InstallProfile", ack(d, vpn, Map.of()).requestType(), "then the critical policy");
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertTrue(v.path("awaitFinalConfigurationNote").asText().startsWith("authentication COMPANY_PORTAL: the"
                + " locked Awaiting final configuration experience is supported with Setup Assistant with modern"
                + " authentication, without user affinity and in shared device mode only"), v.toString());
    }

    @Test
    void installCompanyPortalWithLegacySetupAssistantAuthentication() throws Exception {
        profile("{\"name\":\"Legacy\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\",\"installCompanyPortal\":true,"
                + "\"vppToken\":\"vpp-2\"}");
        TestDevice d = enroll(2, "16.4", true);
        Command cp = afterSetupInformation(d, "16.4", true);
        assertEquals("InstallApplication", cp.requestType());
        assertEquals(719171358L, ((NSNumber) cp.get("iTunesStoreID")).longValue());
        assertEquals("DeviceConfigured", ack(d, cp, Map.of()).requestType(), "no Single App Mode asked for");
    }

    @Test
    void noCompanyPortalForOtherProfiles() throws Exception {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\"}");
        TestDevice d = enroll(3, "17.5", true);
        assertEquals("DeviceConfigured", afterSetupInformation(d, "17.5", true).requestType());
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertTrue(v.path("companyPortal").isNull(), v.toString());
        assertTrue(v.path("supervised").asBoolean(), "iOS 13+ ADE devices are always supervised");
    }

    @Test
    void singleAppModeNeedsIos11_3_1() throws Exception {
        profile(CP_SAM);
        TestDevice d = enroll(4, "11.2", true);
        Command cp = afterSetupInformation(d, "11.2", true);
        assertEquals("InstallApplication", cp.requestType());
        assertEquals("DeviceConfigured", ack(d, cp, Map.of()).requestType(), "no lock profile on iOS 11.2");
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertFalse(v.path("singleAppMode").asBoolean());
        assertTrue(v.path("singleAppModeNote").asText().contains("older than 11.3.1"), v.toString());
        assertTrue(events(d.udid).contains("single-app-mode:skipped"));
    }

    @Test
    void singleAppModeNeedsASupervisedDevice() throws Exception {
        profile("{\"name\":\"Unsupervised\",\"authentication\":\"COMPANY_PORTAL\",\"vppToken\":\"vpp-1\","
                + "\"singleAppModeUntilAuth\":true,\"supervised\":false}");
        TestDevice d = enroll(5, "12.4", true);
        assertFalse(t.get("/admin/devices/" + d.udid).path("supervised").asBoolean(),
                "the profile says unsupervised and iOS 12 honours it");
        Command cp = afterSetupInformation(d, "12.4", false);
        assertEquals("InstallApplication", cp.requestType());
        assertEquals("DeviceConfigured", ack(d, cp, Map.of()).requestType());
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertFalse(v.path("supervised").asBoolean());
        assertEquals("the device answered IsSupervised false", v.path("supervisedBecause").asText());
        assertTrue(v.path("singleAppModeNote").asText().contains("not supervised"), v.toString());
    }

    @Test
    void aDeviceThatDoesNotAwaitConfigurationGetsCompanyPortalAtOnce() throws Exception {
        profile(CP_SAM);
        TestDevice d = enroll(0, "17.5", false);
        Command cp = idle(d);
        assertEquals("InstallApplication", cp.requestType());
        Command lock = ack(d, cp, Map.of());
        assertEquals("InstallProfile", lock.requestType());
        assertNull(ack(d, lock, Map.of()));
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertEquals("LOCKED", v.path("singleAppModeState").asText(), v.toString());
        assertEquals("ENROLLED", v.path("enrollmentState").asText());
    }

    @Test
    void aRefusedLockIsRecordedAndTheSignInLiftsNothing() throws Exception {
        profile(CP_SAM);
        TestDevice d = enroll(1, "17.5", false);
        Command lock = ack(d, idle(d), Map.of());
        assertEquals("InstallProfile", lock.requestType());
        assertNull(parse(d.report(t.base, CommandResult.error(d.udid, lock.commandUuid(), List.of()))));
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertEquals("REFUSED", v.path("singleAppModeState").asText(), v.toString());
        assertFalse(v.path("singleAppMode").asBoolean());
        JsonNode answer = TestServer.json(signIn(d, "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"ada@example.com\"}"));
        assertTrue(answer.path("registered").asBoolean());
        assertFalse(answer.path("singleAppModeLifted").asBoolean());
    }

    @Test
    @org.junit.jupiter.api.DisplayName("\"the Remove Device or Factory Reset options in the Company Portal app remain"
            + " unavailable on devices enrolled through automated device enrollment\"; other devices may use them")
    void removeDeviceAndFactoryResetAreUnavailableOnAdeDevices() throws Exception {
        profile("{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\",\"lockedEnrollment\":false}");
        TestDevice ade = enroll(3, "17.5", false);
        JsonNode answer = TestServer.json(signIn(ade, "{\"UDID\":\"" + ade.udid + "\",\"UserName\":\"ada@example.com\"}"));
        assertFalse(answer.path("selfService").path("removeDevice").asBoolean(true), answer.toString());
        assertFalse(answer.path("selfService").path("factoryReset").asBoolean(true), answer.toString());
        for (String action : List.of("RemoveDevice", "FactoryReset")) {
            assertRefused(actions(ade, "{\"UDID\":\"" + ade.udid + "\",\"Action\":\"" + action + "\"}"), 403,
                    "companyportal.action-unavailable", "unavailable on devices enrolled through automated device"
                            + " enrollment, regardless of locked enrollment");
        }
        assertRefused(actions(ade, "{\"UDID\":\"" + ade.udid + "\",\"Action\":\"Unenroll\"}"), 400,
                "companyportal.bad-request", "Action: Unenroll (expected: RemoveDevice or FactoryReset)");
        assertRefused(actions(ade, "{\"UDID\":\"" + ade.udid + "\"}"), 400, "companyportal.bad-request",
                "Action is missing");

        // a device that did not enroll through automated device enrollment: Remove Device retires it
        TestDevice byod = t.enrolled("UDID-CP-BYOD", false);
        JsonNode removed = TestServer.json(actions(byod, "{\"UDID\":\"" + byod.udid + "\",\"Action\":\"RemoveDevice\"}"));
        assertEquals("RemoveProfile", removed.path("requestType").asText(), removed.toString());
        assertEquals("retire", removed.path("action").asText(), removed.toString());
    }

    @Test
    @org.junit.jupiter.api.DisplayName("Without user affinity: \"Apps like the Company Portal app don't work\" (2020"
            + " page) unless IntuneUDAUserlessDevice makes \"The first user that signs in to the Company Portal app\""
            + " the primary user, who stays; a licensed user spares the device licence")
    void companyPortalOnAUserlessDevice() throws Exception {
        profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":false}");
        TestDevice kiosk = enroll(4, "17.5", false);
        assertRefused(signIn(kiosk, "{\"UDID\":\"" + kiosk.udid + "\",\"UserName\":\"ada@example.com\"}"), 409,
                "companyportal.userless", "enrolled without user affinity: Company Portal does not work on it");

        assertEquals(200, t.send("PUT", "/admin/policy", "{\"deviceLicenses\":{\"total\":5}}").statusCode());
        profile("{\"name\":\"Kiosk with a primary user\",\"userAffinity\":\"WITHOUT_USER\","
                + "\"awaitFinalConfiguration\":false,\"installCompanyPortal\":true,\"companyPortalPrimaryUser\":true}");
        TestDevice shared = enroll(5, "17.5", false);
        assertEquals(2, t.get("/admin/policy").path("deviceLicenses").path("used").asInt(), "a device licence each");
        Command cp = idle(shared);
        assertEquals(true, ((NSNumber) ((NSDictionary) cp.get("Configuration")).get("IntuneUDAUserlessDevice"))
                .boolValue(), cp.command().toXMLPropertyList());
        JsonNode first = TestServer.json(signIn(shared, "{\"UDID\":\"" + shared.udid + "\",\"UserName\":\"ada@example.com\"}"));
        assertEquals("ada@example.com", first.path("primaryUser").asText(), first.toString());
        JsonNode second = TestServer.json(signIn(shared, "{\"UDID\":\"" + shared.udid + "\",\"UserName\":\"bob@example.com\"}"));
        assertEquals("ada@example.com", second.path("primaryUser").asText(), "the first user remains: " + second);
        JsonNode v = t.get("/admin/devices/" + shared.udid);
        assertEquals("ada@example.com", v.path("primaryUser").asText(), v.toString());
        assertEquals("bob@example.com", v.path("companyPortalUser").asText(), v.toString());
        assertEquals(List.of(kiosk.serial), texts(t.get("/admin/policy").path("deviceLicenses").path("holders")),
                "used by a licensed user: no device licence needed");
        HttpResponse<byte[]> refused = t.send("POST", "/admin/dep/tokens/" + token + "/profiles",
                "{\"name\":\"x\",\"companyPortalPrimaryUser\":true}");
        assertEquals(400, refused.statusCode());
        assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("companyPortalPrimaryUser: true needs"
                + " userAffinity WITHOUT_USER and installCompanyPortal: true"), new String(refused.body()));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private HttpResponse<byte[]> actions(TestDevice d, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(t.base.resolve("/companyportal/actions"))
                .header("Content-Type", "application/json").header("Mdm-Signature", sign(d, body))
                .POST(BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        return TestDevice.send(b.build());
    }

    @Test
    void aReEnrollmentStartsCompanyPortalOver() throws Exception {
        profile(CP_SAM);
        TestDevice d = enroll(2, "17.5", false);
        ack(d, ack(d, idle(d), Map.of()), Map.of());
        assertEquals("LOCKED", t.get("/admin/devices/" + d.udid).path("singleAppModeState").asText());
        TestServer.expect200(d.checkin(t.base, Authenticate.forDevice(d.topic(), d.udid, d.serial, "iPhone15,2",
                "17.5", "21F79", null, null)));
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertTrue(v.path("singleAppModeState").isNull(), v.toString());
        assertTrue(v.path("companyPortal").isNull(), v.toString());
    }

    // ---- the sign-in endpoint's bad input ----------------------------------------------------------------------

    @Test
    void signInRefusesEveryBadInputWithWhatWasExpected() throws Exception {
        TestDevice d = t.enrolled("UDID-CP-BAD", false);
        TestDevice other = t.enrolled("UDID-CP-OTHER", false);
        String good = "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"ada@example.com\"}";

        assertRefused(signIn(d, "{\"UDID\":"), 400, "companyportal.bad-request", "is not JSON");
        assertRefused(signIn(d, "[1,2]"), 400, "companyportal.bad-request", "a JSON array");
        assertRefused(signIn(d, ""), 400, "companyportal.bad-request", "empty");
        assertRefused(signIn(d, "{\"UserName\":\"ada@example.com\"}"), 400, "bad-request", "UDID is missing");
        assertRefused(signIn(d, "{\"UDID\":\"" + d.udid + "\"}"), 400, "bad-request", "UserName is missing");
        assertRefused(signIn(d, "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"  \"}"), 400, "bad-request",
                "UserName is blank");
        assertRefused(signIn(d, "{\"UDID\":42,\"UserName\":\"a\"}"), 400, "bad-request", "UDID is a JSON number");
        assertRefused(signIn(d, "{\"UDID\":\"" + d.udid + "\",\"UserName\":\"" + "x".repeat(2000) + "\"}"), 400,
                "bad-request", "at most 1024");
        assertRefused(signIn(d, "{\"UDID\":\"NOPE\",\"UserName\":\"a@example.com\"}"), 404,
                "companyportal.unknown-device", "NOPE is not enrolled");

        HttpResponse<byte[]> unsigned = post(good.getBytes(StandardCharsets.UTF_8), "application/json", null);
        assertRefused(unsigned, 401, "companyportal.unsigned", "no Mdm-Signature header");
        assertRefused(post(good.getBytes(StandardCharsets.UTF_8), "application/json", "%%%not-base64"), 403,
                "companyportal.bad-signature", "(expected: Mdm-Signature");
        String overOtherBody = Base64.getEncoder().encodeToString(Cms.signDetached(
                "{}".getBytes(StandardCharsets.UTF_8), d.mdmIdentity));
        assertRefused(post(good.getBytes(StandardCharsets.UTF_8), "application/json", overOtherBody), 403,
                "companyportal.bad-signature", "Mdm-Signature");
        TestDevice stranger = t.newDevice("UDID-STRANGER"); // signed by an identity this server never issued
        String byStranger = Base64.getEncoder().encodeToString(Cms.signDetached(
                good.getBytes(StandardCharsets.UTF_8), stranger.factory));
        assertRefused(post(good.getBytes(StandardCharsets.UTF_8), "application/json", byStranger), 403,
                "companyportal.bad-signature", "not a device identity of this server");
        assertRefused(signIn(other, good), 403, "companyportal.wrong-identity", "not by the MDM identity of "
                + d.udid);
        assertRefused(post(good.getBytes(StandardCharsets.UTF_8), "text/plain", sign(d, good)), 415,
                "companyportal.unsupported-media-type", "expected: application/json");
        byte[] big = ("{\"UDID\":\"" + d.udid + "\",\"UserName\":\"" + "x".repeat(20_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused(post(big, "application/json", Base64.getEncoder().encodeToString(Cms.signDetached(big,
                d.mdmIdentity))), 413, "companyportal.body-too-large", "at most 16384 bytes");
        HttpResponse<byte[]> get = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/companyportal/signin"))
                .GET().build());
        assertEquals(405, get.statusCode(), new String(get.body()));

        TestServer.expect200(d.checkin(t.base, new CheckOut(d.topic(), d.udid, null, null)));
        assertRefused(signIn(d, good), 409, "companyportal.checked-out", "checked out");

        assertTrue(t.get("/admin/devices/" + other.udid).path("companyPortalUser").isNull(),
                "no refused sign-in recorded a user");
        assertEquals(200, signIn(other, "{\"UDID\":\"" + other.udid + "\",\"UserName\":\"o@example.com\"}")
                .statusCode());
    }

    @Test
    void aUserWithoutALicenceFromThePolicyIsRefusedAndTheDeviceStaysLocked() throws Exception {
        profile(CP_SAM);
        assertEquals(200, t.send("PUT", "/admin/policy", "{\"userLicenses\":{\"total\":1}}").statusCode());
        TestDevice first = enroll(0, "17.5", false);
        TestDevice second = enroll(1, "17.5", false);
        for (TestDevice d : List.of(first, second)) {
            ack(d, ack(d, idle(d), Map.of()), Map.of()); // Company Portal, lock
        }
        assertTrue(TestServer.json(signIn(first, "{\"UDID\":\"" + first.udid + "\",\"UserName\":\"ada@example.com\"}"))
                .path("singleAppModeLifted").asBoolean());
        HttpResponse<byte[]> refused = signIn(second, "{\"UDID\":\"" + second.udid
                + "\",\"UserName\":\"bob@example.com\"}");
        assertEquals(403, refused.statusCode(), new String(refused.body()));
        assertEquals("io.mdmsim.license.user-unlicensed", TestServer.json(refused).path("code").asText());
        JsonNode v = t.get("/admin/devices/" + second.udid);
        assertEquals("LOCKED", v.path("singleAppModeState").asText(), v.toString());
        assertTrue(v.path("companyPortalUser").isNull(), v.toString());
        assertNull(idle(second), "nothing queued for the refused device");
        // the licensed user signs in again on the second device: same licence, accepted
        assertTrue(TestServer.json(signIn(second, "{\"UDID\":\"" + second.udid
                + "\",\"UserName\":\"ada@example.com\"}")).path("singleAppModeLifted").asBoolean());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static void assertRefused(HttpResponse<byte[]> r, int status, String code, String messagePart) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), body);
        JsonNode json = TestServer.json(r);
        assertTrue(json.path("code").asText().contains(code), body);
        assertTrue(json.path("message").asText().contains(messagePart), body);
    }

    private void profile(String json) {
        HttpResponse<byte[]> created = t.send("POST", "/admin/dep/tokens/" + token + "/profiles?default=true", json);
        assertEquals(201, created.statusCode(), new String(created.body()));
    }

    /** An ADE device of the synced token (serial i) through MachineInfo, SCEP, Authenticate and TokenUpdate. */
    private TestDevice enroll(int i, String os, boolean awaiting) {
        return t.enrolledDep("UDID-CP-" + i + "-" + os, FakeDep.serial(i), os, "21F79", awaiting);
    }

    private static Map<String, Object> answers(TestDevice d, String os, boolean supervised) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("SerialNumber", d.serial);
        q.put("OSVersion", os);
        q.put("ProductName", "iPhone15,2");
        q.put("IsSupervised", supervised);
        return Map.of("QueryResponses", q);
    }

    /** Answers the setup DeviceInformation (the first command) for this OS and supervision; returns the next command. */
    private Command afterSetupInformation(TestDevice d, String os, boolean supervised) {
        return ack(d, idle(d), answers(d, os, supervised));
    }

    private Command idle(TestDevice d) {
        return parse(d.report(t.base, CommandResult.idle(d.udid)));
    }

    private Command ack(TestDevice d, Command c, Map<String, ?> extra) {
        return parse(d.report(t.base, CommandResult.acknowledged(d.udid, c.commandUuid(), extra)));
    }

    private static Command parse(HttpResponse<byte[]> r) {
        TestServer.expect200(r);
        return r.body().length == 0 ? null : Command.parse(r.body());
    }

    private static String sign(TestDevice d, String body) {
        return Base64.getEncoder().encodeToString(Cms.signDetached(body.getBytes(StandardCharsets.UTF_8),
                d.mdmIdentity));
    }

    private HttpResponse<byte[]> signIn(TestDevice d, String body) {
        return post(body.getBytes(StandardCharsets.UTF_8), "application/json", sign(d, body));
    }

    private HttpResponse<byte[]> post(byte[] body, String type, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(t.base.resolve("/companyportal/signin"))
                .header("Content-Type", type).POST(BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("Mdm-Signature", signature);
        }
        return TestDevice.send(b.build());
    }

    /** "type:action" (or "company-portal-signin:user") of the device's events. */
    private List<String> events(String udid) throws Exception {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events")).GET().build());
        List<String> out = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = TestServer.json(line);
            if (!udid.equals(e.path("udid").asText())) {
                continue;
            }
            String type = e.path("type").asText();
            JsonNode data = e;
            if (type.equals("company-portal-signin") && data.has("user")) {
                out.add(type + ":" + data.path("user").asText());
            } else if (data.has("action")) {
                out.add(type + ":" + data.path("action").asText());
            }
        }
        return out;
    }
}
