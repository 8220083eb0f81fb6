package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.mdm.reference.DeviceLifecycle;
import io.mdmsim.mdm.reference.EnrollmentSettings;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The device lifecycle on the reference MDM (docs/mdm-endpoint.md "Editing a profile, wipe, retire, re-enrollment"): profile edits and the enrollment-time
 * snapshot, wipe and retire, Shared iPad settings and the cellular data plan, each bad input with its clear error.
 */
class ProfileLifecycleTest {

    private static final ServerToken TOKEN = FakeDep.token("life");

    @AutoClose
    private final TestServer t = new TestServer();

    // ---- profile edits --------------------------------------------------------------------------------------------

    @Test
    void editRedefinesTheProfileInAbmAndAssignsItsSerialsAgain() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 3)) {
            String name = syncedWithDevices(dep);
            String uuid = createDefault(name, "{\"name\":\"Corp\",\"department\":\"IT\"}");
            int definedBefore = dep.profiles.size();
            int batchesBefore = dep.assignBatches.size();
            HttpResponse<byte[]> edited = t.send("PUT", "/admin/dep/tokens/" + name + "/profiles/" + uuid,
                    "{\"name\":\"Corp\",\"department\":\"Sales\",\"lockedEnrollment\":true}");
            assertEquals(200, edited.statusCode(), new String(edited.body()));
            JsonNode body = TestServer.json(edited);
            assertEquals(uuid, body.path("profileUuid").asText(), "the profile keeps its UUID here");
            assertEquals(2, body.path("revision").asInt());
            String abm = body.path("abmProfileUuid").asText();
            assertNotEquals(uuid, abm, "ABM gave the edited profile a new profile_uuid");
            assertEquals(List.of("department", "lockedEnrollment"), strings(body.path("changed")));
            assertEquals(3, body.path("reassigned").path("SUCCESS").asInt(), body.toString());
            assertEquals(definedBefore + 1, dep.profiles.size());
            assertEquals("Sales", dep.profiles.getLast().path("department").asText());
            assertFalse(dep.profiles.getLast().path("is_mdm_removable").asBoolean(true));
            assertEquals(batchesBefore + 1, dep.assignBatches.size());
            JsonNode one = t.get("/admin/dep/tokens/" + name + "/profiles/" + uuid);
            assertEquals("Sales", one.path("profile").path("department").asText());
            assertEquals(abm, one.path("abmProfileUuid").asText());
            assertTrue(eventTypes().contains("dep.profile.edited"));
        }
    }

    @Test
    void editAssignsAgainOnlyTheSerialsThatHaveTheProfile() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 3)) {
            String name = syncedWithDevices(dep);
            String defaultUuid = createDefault(name, "{\"name\":\"Default\"}");
            HttpResponse<byte[]> other = t.send("POST", "/admin/dep/tokens/" + name + "/profiles",
                    "{\"name\":\"Other\"}");
            assertEquals(201, other.statusCode());
            String otherUuid = TestServer.json(other).path("profileUuid").asText();
            assertEquals(200, t.send("POST", "/admin/dep/tokens/" + name + "/profiles/" + otherUuid + "/devices",
                    "{\"serials\":[\"" + FakeDep.serial(0) + "\"]}").statusCode());

            JsonNode editedOther = TestServer.json(t.send("PUT", "/admin/dep/tokens/" + name + "/profiles/" + otherUuid,
                    "{\"name\":\"Other\",\"department\":\"Ops\"}"));
            assertEquals(1, editedOther.path("reassigned").path("SUCCESS").asInt(), editedOther.toString());
            assertEquals(List.of(FakeDep.serial(0)), strings(lastAssigned(dep)));

            JsonNode editedDefault = TestServer.json(t.send("PUT", "/admin/dep/tokens/" + name + "/profiles/"
                    + defaultUuid, "{\"name\":\"Default\",\"department\":\"All\"}"));
            assertEquals(2, editedDefault.path("reassigned").path("SUCCESS").asInt(),
                    "the default profile's serials without a profile of their own: " + editedDefault);
            // the edited default profile is what later syncs assign to new serials
            assertEquals(editedDefault.path("abmProfileUuid").asText(), t.get("/admin/dep/tokens/" + name
                    + "/profiles/" + defaultUuid).path("abmProfileUuid").asText());
        }
    }

    @Test
    void aProfileReadBackCanBePutUnchanged() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 1)) {
            String name = syncedWithDevices(dep);
            String uuid = createDefault(name, "{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\","
                    + "\"sharedIpad\":true,\"awaitFinalConfiguration\":false,\"maxCachedUsers\":4}");
            String path = "/admin/dep/tokens/" + name + "/profiles/" + uuid;
            JsonNode profile = t.get(path).path("profile");
            assertFalse(profile.has("shared"), "only settings in the profile JSON: " + profile);
            HttpResponse<byte[]> put = t.send("PUT", path, profile.toString());
            assertEquals(200, put.statusCode(), new String(put.body()));
            assertEquals(List.of(), strings(TestServer.json(put).path("changed")));
        }
    }

    @Test
    void editIsValidatedLikeCreateAndEachBadInputIsAClear4xx() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 1)) {
            String name = syncedWithDevices(dep);
            String uuid = createDefault(name, "{\"name\":\"Corp\"}");
            String path = "/admin/dep/tokens/" + name + "/profiles/" + uuid;
            int defined = dep.profiles.size();

            HttpResponse<byte[]> invalid = t.send("PUT", path, "{\"name\":\"Corp\",\"sharedIpad\":true,"
                    + "\"userAffinity\":\"WITH_USER\",\"lockGraceSeconds\":61}");
            assertEquals(400, invalid.statusCode());
            String msg = new String(invalid.body());
            assertTrue(msg.contains("sharedIpad: true needs userAffinity WITHOUT_USER"), msg);
            assertTrue(msg.contains("lockGraceSeconds: 61 (expected: one of 0, 60, 300, 900, 3600, 14400)"), msg);

            HttpResponse<byte[]> unknown = t.send("PUT", path, "{\"name\":\"Corp\",\"departement\":\"x\"}");
            assertEquals(400, unknown.statusCode());
            assertTrue(new String(unknown.body()).contains("unknown setting departement (expected: name,"),
                    new String(unknown.body()));

            HttpResponse<byte[]> badEnum = t.send("PUT", path, "{\"name\":\"Corp\",\"userAffinity\":\"EVERYONE\"}");
            assertEquals(400, badEnum.statusCode());
            assertTrue(new String(badEnum.body()).contains("EVERYONE"), new String(badEnum.body()));

            HttpResponse<byte[]> notObject = t.send("PUT", path, "[1,2]");
            assertEquals(400, notObject.statusCode());
            assertTrue(new String(notObject.body()).contains("expected: a JSON object"), new String(notObject.body()));

            HttpResponse<byte[]> empty = t.send("PUT", path, null);
            assertEquals(400, empty.statusCode());

            HttpResponse<byte[]> noProfile = t.send("PUT", "/admin/dep/tokens/" + name + "/profiles/NOPE",
                    "{\"name\":\"Corp\"}");
            assertEquals(404, noProfile.statusCode());
            assertTrue(new String(noProfile.body()).contains("has no enrollment profile NOPE"));

            HttpResponse<byte[]> noToken = t.send("PUT", "/admin/dep/tokens/nope/profiles/" + uuid,
                    "{\"name\":\"Corp\"}");
            assertEquals(404, noToken.statusCode());
            assertTrue(new String(noToken.body()).contains("DEP token nope is unknown"));

            assertEquals(defined, dep.profiles.size(), "nothing was defined in ABM for a refused edit");
            assertEquals(1, t.get(path).path("revision").asInt());
        }
    }

    @Test
    void enrolledDeviceKeepsItsSnapshotWhileTheNameTemplateIsReadLiveAndReEnrollmentGetsTheEdit() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 1)) {
            String name = syncedWithDevices(dep);
            String uuid = createDefault(name, "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.vpn\"],"
                    + "\"deviceNameTemplate\":\"A-{{SERIAL}}\"}");
            String serial = FakeDep.serial(0);
            TestDevice d = t.enrolledDep("UDID-SNAP", serial, "18.1", "X1", true);
            // edit before the setup DeviceInformation completes: the device still gets the snapshot's critical app
            HttpResponse<byte[]> edited = t.send("PUT", "/admin/dep/tokens/" + name + "/profiles/" + uuid,
                    "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.other\"],"
                    + "\"deviceNameTemplate\":\"B-{{SERIAL}}\"}");
            assertEquals(200, edited.statusCode(), new String(edited.body()));

            Command info = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            assertEquals("DeviceInformation", info.requestType());
            List<Command> setup = new ArrayList<>();
            Command next = Command.parse(d.report(t.base, CommandResult.acknowledged(d.udid, info.commandUuid(),
                    Map.of("QueryResponses", Map.of("DeviceName", "iPhone")))).body());
            while (true) {
                setup.add(next);
                byte[] b = d.report(t.base, CommandResult.acknowledged(d.udid, next.commandUuid(), Map.of())).body();
                if (b.length == 0) {
                    break;
                }
                next = Command.parse(b);
            }
            List<String> types = setup.stream().map(Command::requestType).toList();
            assertEquals(List.of("Settings", "InstallApplication", "DeviceConfigured"), types);
            assertEquals("com.example.vpn", setup.get(1).command().get("Identifier").toJavaObject(),
                    "the critical app of the profile the device enrolled with");
            assertEquals("B-" + serial.toUpperCase(), deviceNameOf(setup.get(0)), "the name template is read live");
            JsonNode life = t.get("/admin/devices/" + d.udid).path("lifecycle");
            assertEquals(1, life.path("enrollments").asInt());
            assertEquals(1, life.path("enrollmentProfile").path("revision").asInt(), life.toString());
            assertEquals("com.example.vpn", life.path("enrollmentProfile").path("profile").path("criticalApps")
                    .path(0).asText());

            // a later template edit reaches the enrolled device at its next check-in
            assertEquals(200, t.send("PUT", "/admin/dep/tokens/" + name + "/profiles/" + uuid,
                    "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.other\"],"
                    + "\"deviceNameTemplate\":\"C-{{SERIAL}}\"}").statusCode());
            Command rename = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            assertEquals("Settings", rename.requestType());
            assertEquals("C-" + serial.toUpperCase(), deviceNameOf(rename));
            assertEquals(0, d.report(t.base, CommandResult.acknowledged(d.udid, rename.commandUuid(), Map.of()))
                    .body().length);
            assertEquals("C-" + serial.toUpperCase(), t.get("/admin/devices/" + d.udid).path("deviceName").asText());

            // wiped and enrolled again: the edited profile (revision 3)
            authenticate(d, serial, "iPhone15,2", "18.1", null);
            TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m2", null,
                    true)));
            info = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            List<String> apps = new ArrayList<>();
            next = Command.parse(d.report(t.base, CommandResult.acknowledged(d.udid, info.commandUuid(),
                    Map.of())).body());
            while (!next.requestType().equals("DeviceConfigured")) {
                if (next.requestType().equals("InstallApplication")) {
                    apps.add(String.valueOf(next.command().get("Identifier").toJavaObject()));
                }
                next = Command.parse(d.report(t.base, CommandResult.acknowledged(d.udid, next.commandUuid(),
                        Map.of())).body());
            }
            assertEquals(List.of("com.example.other"), apps);
            life = t.get("/admin/devices/" + d.udid).path("lifecycle");
            assertEquals(2, life.path("enrollments").asInt());
            assertEquals(3, life.path("enrollmentProfile").path("revision").asInt(), life.toString());
            assertEquals(3, life.path("history").path(1).path("profileRevision").asInt(), life.toString());
        }
    }

    // ---- wipe and retire -------------------------------------------------------------------------------------------

    @Test
    void wipeQueuesEraseDeviceAndTheReEnrollmentIsRecorded() throws Exception {
        TestDevice d = t.enrolled("UDID-WIPE", false);
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + d.udid + "/wipe", null);
        assertEquals(202, r.statusCode(), new String(r.body()));
        JsonNode body = TestServer.json(r);
        assertEquals("EraseDevice", body.path("requestType").asText());
        assertEquals("off", body.path("push").asText(), "this server has no APNs");
        assertEquals("WIPE_PENDING", life(d).path("management").asText());

        HttpResponse<byte[]> again = t.send("POST", "/admin/devices/" + d.udid + "/wipe", null);
        assertEquals(409, again.statusCode());
        assertTrue(new String(again.body()).contains("a wipe (EraseDevice " + body.path("commandUuid").asText()
                + ") was queued"), new String(again.body()));

        Command erase = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals("EraseDevice", erase.requestType());
        AppleYaml.assertCommand("EraseDevice", erase.command());
        assertEquals(body.path("commandUuid").asText(), erase.commandUuid());
        d.report(t.base, CommandResult.acknowledged(d.udid, erase.commandUuid(), Map.of()));
        assertEquals("WIPING", life(d).path("management").asText());
        HttpResponse<byte[]> retire = t.send("POST", "/admin/devices/" + d.udid + "/retire", null);
        assertEquals(409, retire.statusCode());
        assertTrue(new String(retire.body()).contains("the device is erasing"), new String(retire.body()));

        // the erased device runs Setup Assistant and enrolls again
        authenticate(d, d.serial, "iPhone15,2", "18.1", null);
        TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m2", null,
                false)));
        JsonNode life = life(d);
        assertEquals("MANAGED", life.path("management").asText());
        assertEquals(2, life.path("enrollments").asInt());
        assertEquals(1, life.path("wipes").asInt());
        JsonNode last = life.path("history").get(life.path("history").size() - 1);
        assertEquals("authenticated", last.path("event").asText());
        assertEquals("wipe", last.path("after").asText(), life.toString());
        assertTrue(eventTypes().containsAll(List.of("device.wipe.requested", "device.reenrolled")), eventTypes()
                .toString());
    }

    @Test
    void aNameTemplateSettingsCanceledByTheReEnrollmentIsSentAgain() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 1)) {
            String name = syncedWithDevices(dep);
            createDefault(name, "{\"name\":\"Corp\",\"awaitFinalConfiguration\":false,"
                    + "\"deviceNameTemplate\":\"N-{{SERIAL}}\"}");
            String serial = FakeDep.serial(0);
            TestDevice d = t.enrolledDep("UDID-NAME", serial, "18.1", "X1", false);
            assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/wipe", null).statusCode());
            Command erase = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            assertEquals("EraseDevice", erase.requestType(), "queued before the Idle queued the name");
            d.report(t.base, CommandResult.acknowledged(d.udid, erase.commandUuid(), Map.of()));
            // erased with the name Settings still queued; it enrolls again
            authenticate(d, serial, "iPhone15,2", "18.1", null);
            TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m2", null,
                    false)));
            Command rename = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            assertEquals("Settings", rename.requestType());
            assertEquals("N-" + serial.toUpperCase(), deviceNameOf(rename));
        }
    }

    @Test
    void retireRemovesTheEnrollmentProfileAndTheCheckOutEndsItRetired() throws Exception {
        TestDevice d = t.enrolled("UDID-RETIRE", false);
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + d.udid + "/retire", null);
        assertEquals(202, r.statusCode(), new String(r.body()));
        assertEquals("RemoveProfile", TestServer.json(r).path("requestType").asText());
        Command remove = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals("RemoveProfile", remove.requestType());
        AppleYaml.assertCommand("RemoveProfile", remove.command());
        assertEquals(DeviceLifecycle.ENROLLMENT_PROFILE_IDENTIFIER, remove.command().get("Identifier").toJavaObject());
        assertEquals(DeviceLifecycle.ENROLLMENT_PROFILE_IDENTIFIER,
                TestDevice.str(d.profile, "PayloadIdentifier"), "the identifier of the profile the MDM served");
        d.report(t.base, CommandResult.acknowledged(d.udid, remove.commandUuid(), Map.of()));
        TestServer.expect200(d.checkin(t.base, CheckOut.forDevice(d.topic(), d.udid)));
        JsonNode v = t.get("/admin/devices/" + d.udid);
        assertEquals("CHECKED_OUT", v.path("enrollmentState").asText());
        assertEquals("RETIRED", v.path("lifecycle").path("management").asText(), v.toString());
        assertEquals(1, v.path("lifecycle").path("retires").asInt());
        JsonNode listed = t.get("/admin/devices").path(0);
        assertEquals("RETIRED", listed.path("management").asText(), listed.toString());
        assertEquals(1, listed.path("enrollments").asInt());

        HttpResponse<byte[]> wipe = t.send("POST", "/admin/devices/" + d.udid + "/wipe", null);
        assertEquals(409, wipe.statusCode());
        assertTrue(new String(wipe.body()).contains("is not enrolled: it checked out at"), new String(wipe.body()));
        assertTrue(new String(wipe.body()).contains("(retired)"), new String(wipe.body()));

        // the user erases it and it enrolls again
        authenticate(d, d.serial, "iPhone15,2", "18.1", null);
        JsonNode life = life(d);
        assertEquals(2, life.path("enrollments").asInt());
        assertEquals("retire", life.path("history").get(life.path("history").size() - 1).path("after").asText());
        assertTrue(eventTypes().containsAll(List.of("device.retire.requested", "device.retired",
                "device.reenrolled")), eventTypes().toString());
    }

    @Test
    void wipeAndRetireOfAnUnknownOrNotEnrolledDeviceAreRefusedClearly() throws Exception {
        HttpResponse<byte[]> unknown = t.send("POST", "/admin/devices/NOPE/wipe", null);
        assertEquals(404, unknown.statusCode());
        assertTrue(new String(unknown.body()).contains("device NOPE is unknown"), new String(unknown.body()));
        assertEquals(404, t.send("POST", "/admin/devices/NOPE/retire", null).statusCode());

        TestDevice d = t.newDevice("UDID-HALF");
        d.enroll(t.base);
        d.mdmIdentity = d.scep(t.base, d.challenge(), t.clock.now()).identity();
        authenticate(d, d.serial, "iPhone15,2", "18.1", null);
        HttpResponse<byte[]> enrolling = t.send("POST", "/admin/devices/" + d.udid + "/retire", null);
        assertEquals(409, enrolling.statusCode());
        assertTrue(new String(enrolling.body()).contains("sent no TokenUpdate yet"), new String(enrolling.body()));
        assertEquals(405, t.send("GET", "/admin/devices/" + d.udid + "/wipe", null).statusCode());
    }

    @Test
    void aRefusedEraseCanBeAskedForAgain() throws Exception {
        TestDevice d = t.enrolled("UDID-REFUSE", false);
        assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/wipe", null).statusCode());
        Command erase = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        d.report(t.base, CommandResult.error(d.udid, erase.commandUuid(), List.of()));
        assertEquals(202, t.send("POST", "/admin/devices/" + d.udid + "/wipe", null).statusCode());
        assertEquals(2, life(d).path("wipes").asInt());
    }

    // ---- Shared iPad settings and the cellular data plan ---------------------------------------------------

    @Test
    void sharedIpadGetsItsSettingsAfterEnrollment() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 1)) {
            String name = syncedWithDevices(dep);
            createDefault(name, "{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                    + "\"awaitFinalConfiguration\":false,\"maxCachedUsers\":8,\"lockGraceSeconds\":300,"
                    + "\"inactivityLogoutSeconds\":600}");
            String serial = FakeDep.serial(0);
            TestDevice d = t.enrolledDep("UDID-SHARED", serial, "iPad13,18", "17.5", "X1", null, false);
            Command settings = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            assertEquals("Settings", settings.requestType());
            NSDictionary shared = item(settings, "SharedDeviceConfiguration");
            assertEquals(8, ((NSNumber) shared.get("ResidentUsers")).intValue());
            assertEquals(600, ((NSNumber) shared.get("UserSessionTimeout")).intValue());
            assertEquals(300, ((NSNumber) ((NSDictionary) shared.get("PasscodePolicy"))
                    .get("PasscodeLockGracePeriod")).intValue());
            assertEquals(1, ((NSArray) settings.command().get("Settings")).count(), "iPadOS 17: PasscodePolicy only");
            assertItemKeysInSettingsYaml(shared);
        }
    }

    @Test
    void sharedIpadItemsFollowTheOsVersionAndTemporarySessions() {
        var p = new io.mdmsim.mdm.management.EnrollmentProfile("S", null,
                io.mdmsim.mdm.management.EnrollmentProfile.UserAffinity.WITHOUT_USER, null, null, null, null, null, null,
                true, 5, 60, 120, null, null, null, null, false, null, null, null, null, null, null, null, null, null, null);
        int[] n = {0};
        EnrollmentSettings.Plan old = EnrollmentSettings.plan(p, "iPad8,1", "14.0", false, () -> "U" + n[0]++);
        Command c = old.commands().getFirst();
        NSDictionary shared = item(c, "SharedDeviceConfiguration");
        assertEquals(5, ((NSNumber) shared.get("ResidentUsers")).intValue());
        assertFalse(shared.containsKey("UserSessionTimeout"), "UserSessionTimeout needs 14.5");
        assertEquals(60, ((NSNumber) item(c, "PasscodeLockGracePeriod").get("PasscodeLockGracePeriod")).intValue());
        assertTrue(old.skipped().toString().contains("inactivityLogoutSeconds: needs iPadOS 14.5"), old.skipped()
                .toString());

        var temporary = new io.mdmsim.mdm.management.EnrollmentProfile("S", null,
                io.mdmsim.mdm.management.EnrollmentProfile.UserAffinity.WITHOUT_USER, null, null, null, null, null, null,
                true, 5, 60, 600, true, 120, null, null, false, null, null, null, null, null, null, null, null, null, null);
        EnrollmentSettings.Plan t2 = EnrollmentSettings.plan(temporary, "iPad13,18", "17.5", false, () -> "U");
        NSDictionary s2 = item(t2.commands().getFirst(), "SharedDeviceConfiguration");
        assertEquals(true, ((NSNumber) s2.get("TemporarySessionOnly")).boolValue());
        assertEquals(120, ((NSNumber) s2.get("TemporarySessionTimeout")).intValue());
        // seeds: two settings; temporary sessions only cancel the user session's inactivity logout
        assertFalse(s2.containsKey("ResidentUsers") || s2.containsKey("PasscodePolicy")
                || s2.containsKey("UserSessionTimeout"), s2.toXMLPropertyList());
        assertTrue(t2.skipped().toString().contains("inactivityLogoutSeconds: not applicable with temporarySessionOnly"),
                t2.skipped().toString());

        EnrollmentSettings.Plan iphone = EnrollmentSettings.plan(p, "iPhone15,2", "17.5", true, () -> "U");
        assertTrue(iphone.commands().isEmpty());
        assertTrue(iphone.skipped().getFirst().contains("expected: an iPad on iPadOS 13.4 or later"));
    }

    @Test
    void cellularDataPlanUrlSendsRefreshCellularPlansToCellularDevicesOnIos13() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 2)) {
            String name = syncedWithDevices(dep);
            createDefault(name, "{\"name\":\"Cell\",\"awaitFinalConfiguration\":false,"
                    + "\"cellularDataPlanUrl\":\"https://esim.example.com/plans\"}");
            TestDevice phone = t.enrolledDep("UDID-CELL", FakeDep.serial(0), "iPhone15,2", "17.5", "X1",
                    "35 123456 789012 3", false);
            Command refresh = Command.parse(phone.report(t.base, CommandResult.idle(phone.udid)).body());
            assertEquals("RefreshCellularPlans", refresh.requestType());
            assertEquals("https://esim.example.com/plans", refresh.command().get("eSIMServerURL").toJavaObject());
            AppleYaml.assertCommand("RefreshCellularPlans", refresh.command());

            TestDevice old = t.enrolledDep("UDID-OLD", FakeDep.serial(1), "iPhone10,1", "12.5.7", "X1",
                    "35 123456 789012 4", false);
            assertEquals(0, old.report(t.base, CommandResult.idle(old.udid)).body().length, "iOS 12: no command");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    @Test
    @org.junit.jupiter.api.DisplayName("Just in Time Registration sends the SSO extension of the JIT device configuration"
            + " policy, an Extensible SSO payload that matches Apple's schema")
    void justInTimeRegistrationSendsTheSsoExtensionProfile() throws Exception {
        var p = TestServer.JSON.readValue("{\"name\":\"JIT\",\"authentication\":\"SETUP_ASSISTANT_MODERN\","
                + "\"justInTimeRegistration\":true}", io.mdmsim.mdm.management.EnrollmentProfile.class);
        int[] n = {0};
        EnrollmentSettings.Plan plan = EnrollmentSettings.plan(p, "iPhone15,2", "17.5", true, () -> "U" + n[0]++);
        Command c = plan.commands().getFirst();
        assertEquals("InstallProfile", c.requestType());
        NSDictionary profile = io.mdmsim.core.plist.Plist.parseDictionary(((com.dd.plist.NSData) c.command()
                .get("Payload")).bytes());
        AppleYaml.assertPayload("TopLevel.yaml", profile);
        NSDictionary sso = (NSDictionary) ((NSArray) profile.get("PayloadContent")).objectAtIndex(0);
        AppleYaml.assertPayload("com.apple.extensiblesso.yaml", sso);
        assertEquals("com.microsoft.azureauthenticator.ssoextension", sso.get("ExtensionIdentifier").toJavaObject());
        assertTrue(EnrollmentSettings.plan(p, "iPhone10,2", "12.4", true, () -> "U").skipped().toString()
                .contains("justInTimeRegistration: the SSO extension needs iOS 13.0"));
    }

    private static NSDictionary item(Command c, String name) {
        for (var o : ((NSArray) c.command().get("Settings")).getArray()) {
            NSDictionary d = (NSDictionary) o;
            if (((NSString) d.get("Item")).getContent().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no Settings item " + name + " in " + c.command().toXMLPropertyList());
    }

    /** Every key of a Settings item is a subkey of that item in ADM mdm/commands/settings.yaml. */
    private static void assertItemKeysInSettingsYaml(NSDictionary item) throws java.io.IOException {
        String name = ((NSString) item.get("Item")).getContent();
        List<String> lines = java.nio.file.Files.readAllLines(io.mdmsim.core.testing.AppleSchemas.appleDir()
                .resolve("mdm/commands/settings.yaml"));
        java.util.Set<String> keys = new java.util.HashSet<>();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("  - key: ")) {
                in = line.substring(9).trim().equals(name);
            } else if (in && line.startsWith("    - key: ")) {
                keys.add(line.substring(11).trim());
            } else if (in && line.startsWith("      - key: ")) {
                keys.add(line.substring(13).trim());
            }
        }
        assertFalse(keys.isEmpty(), "settings.yaml has item " + name);
        for (String k : item.allKeys()) {
            assertTrue(keys.contains(k), k + " is a key of Settings item " + name + " in settings.yaml " + keys);
        }
    }

    private static String deviceNameOf(Command settings) {
        return String.valueOf(item(settings, "DeviceName").get("DeviceName").toJavaObject());
    }

    private void authenticate(TestDevice d, String serial, String product, String os, String imei) {
        TestServer.expect200(d.checkin(t.base, Authenticate.forDevice(d.topic(), d.udid, serial, product, os, "X1",
                imei, null)));
    }

    private JsonNode life(TestDevice d) {
        return t.get("/admin/devices/" + d.udid).path("lifecycle");
    }

    private List<String> eventTypes() {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events?limit=10000"))
                .GET().build());
        List<String> types = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                types.add(TestServer.json(line).path("type").asText());
            }
        }
        return types;
    }

    /** The serials of the last profile assignment FakeDep received. */
    private static JsonNode lastAssigned(FakeDep dep) {
        return dep.lastAssignment.get().path("devices");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private String syncedWithDevices(FakeDep dep) {
        String name = t.uploadDepToken(TOKEN, dep.baseUri());
        t.awaitDepToken(name, n -> TestServer.synced(n) && n.path("devices").asInt() > 0);
        return name;
    }

    private String createDefault(String token, String json) {
        HttpResponse<byte[]> created = t.send("POST", "/admin/dep/tokens/" + token + "/profiles?default=true", json);
        assertEquals(201, created.statusCode(), new String(created.body()));
        return TestServer.json(created).path("profileUuid").asText();
    }
}
