package io.mdmsim.device.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.managed.Unenroll;
import io.mdmsim.device.model.AccessRight;
import io.mdmsim.device.model.CloudConfiguration;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.HardwareProfile;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.enroll.CompanyPortal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Single App Mode, Company Portal's install, and the rules of removing management, at the handler level. */
class PolicyHandlersTest {

    private static int counter;

    private static Command cmd(String requestType, Map<String, ?> fields) {
        return Commands.raw(String.format("7A0C9D1E-0000-4000-8000-%012d", ++counter), requestType, fields);
    }

    private static byte[] profile(String identifier, List<Map<String, Object>> payloads) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", identifier);
        top.put("PayloadUUID", "UUID-" + identifier);
        top.put("PayloadContent", payloads);
        return Plist.toXml(Plist.wrap(top));
    }

    private static Map<String, Object> appLock(String id, Object app) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("PayloadType", "com.apple.app.lock");
        p.put("PayloadVersion", 1);
        p.put("PayloadIdentifier", id);
        p.put("PayloadUUID", "UUID-" + id);
        if (app != null) {
            p.put("App", app);
        }
        return p;
    }

    private static Command installLock(String app) {
        return cmd("InstallProfile", Map.of("Payload", profile("io.mdmsim.singleappmode",
                List.of(appLock("io.mdmsim.singleappmode.lock", Map.of("Identifier", app))))));
    }

    private static ErrorChainItem error(TestDevices.Fixture f, Command c) throws Exception {
        CommandReply r = f.run(c);
        assertEquals(CommandStatus.ERROR, r.status(), r.toString());
        return r.errorChain().getFirst();
    }

    @Test
    void anAppLockProfileLocksTheDeviceAndItsRemovalUnlocksIt() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        assertEquals(CommandStatus.ACKNOWLEDGED, f.run(installLock("com.microsoft.CompanyPortal")).status());
        assertEquals("com.microsoft.CompanyPortal", f.device().singleAppMode());
        assertEquals("io.mdmsim.singleappmode", f.device().managed().singleAppMode().profileIdentifier());
        assertEquals(CommandStatus.ACKNOWLEDGED, f.run(cmd("RemoveProfile",
                Map.of("Identifier", "io.mdmsim.singleappmode"))).status());
        assertNull(f.device().singleAppMode());
    }

    @Test
    void replacingTheLockProfileWithoutTheLockUnlocks() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        f.run(installLock("com.example.kiosk"));
        Map<String, Object> wifi = new LinkedHashMap<>(Map.of("PayloadType", "com.apple.wifi.managed",
                "PayloadVersion", 1, "PayloadIdentifier", "w", "PayloadUUID", "UUID-w", "SSID_STR", "Corp"));
        assertEquals(CommandStatus.ACKNOWLEDGED, f.run(cmd("InstallProfile", Map.of("Payload",
                profile("io.mdmsim.singleappmode", List.of(wifi))))).status());
        assertNull(f.device().singleAppMode());
    }

    @Test
    void badAppLockPayloadsAreRefusedWithWhatWasWrong() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        ErrorChainItem noApp = error(f, cmd("InstallProfile", Map.of("Payload", profile("p1",
                List.of(appLock("p1.lock", null))))));
        assertEquals("profile: PayloadContent[0] (com.apple.app.lock) has no App dictionary with an Identifier"
                + " (expected: App {Identifier <bundle ID>})", noApp.localizedDescription());
        ErrorChainItem notDict = error(f, cmd("InstallProfile", Map.of("Payload", profile("p2",
                List.of(appLock("p2.lock", "com.example.app"))))));
        assertTrue(notDict.localizedDescription().contains("has no App dictionary"), notDict.toString());
        ErrorChainItem two = error(f, cmd("InstallProfile", Map.of("Payload", profile("p3",
                List.of(appLock("p3.a", Map.of("Identifier", "a")), appLock("p3.b", Map.of("Identifier", "b")))))));
        assertEquals("profile p3 has more than one com.apple.app.lock payload (expected: one app to lock the device"
                + " to)", two.localizedDescription());
        assertNull(f.device().singleAppMode());
        assertNull(f.device().managed().profile("p1"));
    }

    @Test
    void singleAppModeNeedsASupervisedDevice() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture(TestDevices.ade("iPhone10,1", "12.4", AccessRight.ALL, false,
                false));
        ErrorChainItem e = error(f, installLock("com.microsoft.CompanyPortal"));
        assertEquals("com.apple.app.lock (Single App Mode for com.microsoft.CompanyPortal) needs a supervised device;"
                + " this one is not supervised", e.localizedDescription());
        assertNull(f.device().singleAppMode());
    }

    @Test
    void companyPortalByStoreIdIsInstalledAsTheManagedCompanyPortalWithItsConfiguration() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        CommandReply r = f.run(cmd("InstallApplication", Map.of("iTunesStoreID", 719171358L, "ManagementFlags", 1,
                "Options", Map.of("PurchaseMethod", 1),
                "Configuration", Map.of("ServiceURL", "http://127.0.0.1:9/companyportal/signin"))));
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status());
        ManagedState.App app = CompanyPortal.app(f.device());
        assertNotNull(app);
        assertEquals("Company Portal", app.name());
        assertEquals(URI.create("http://127.0.0.1:9/companyportal/signin"), CompanyPortal.serviceUrl(app));
        TestDevices.Fixture byBundle = TestDevices.fixture("iPad13,18", "17.5");
        byBundle.run(cmd("InstallApplication", Map.of("Identifier", "com.microsoft.CompanyPortal")));
        assertNull(CompanyPortal.serviceUrl(CompanyPortal.app(byBundle.device())), "App Store Company Portal");
    }

    @Test
    void aBadServiceUrlFailsWithWhatWasWrong() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        f.run(cmd("InstallApplication", Map.of("iTunesStoreID", 719171358L, "Configuration",
                Map.of("ServiceURL", 42))));
        StageFailure notText = org.junit.jupiter.api.Assertions.assertThrows(StageFailure.class,
                () -> CompanyPortal.serviceUrl(CompanyPortal.app(f.device())));
        assertEquals("Company Portal's configuration ServiceURL is an integer (expected: a URL string)",
                notText.reason());
        f.clock().advance(Duration.ofHours(1));
        f.run(cmd("InstallApplication", Map.of("iTunesStoreID", 719171358L, "Configuration",
                Map.of("ServiceURL", "ftp://x/signin"))));
        StageFailure notHttp = org.junit.jupiter.api.Assertions.assertThrows(StageFailure.class,
                () -> CompanyPortal.serviceUrl(CompanyPortal.app(f.device())));
        assertEquals("Company Portal's configuration ServiceURL is ftp://x/signin (expected: an absolute http(s)"
                + " URL; not an absolute http(s) URL)", notHttp.reason());
    }

    // ---- removing management ---------------------------------------------------------------------------------

    private static Device device(Behaviour knobs, boolean unremovable) {
        DeviceSpec spec = new DeviceSpec("F2LXK0PQ9001", "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90");
        Device d = new Device(0, spec, HardwareProfile.derive(1, spec), DeviceBehaviour.resolve(knobs, 1, spec));
        d.cloudConfiguration(new CloudConfiguration(URI.create("http://127.0.0.1:1/mdm/enroll"), null, true, true,
                unremovable, false, false, List.of(), List.of(), "Org"));
        d.profileBytes(TestDevices.enrollmentProfile());
        return d;
    }

    @Test
    void lockedEnrollmentRefusesRemovalExceptInTheProvisionalWindowOfAConfiguratorDevice() {
        Instant activated = Instant.parse("2025-03-03T09:00:00Z");
        Device abm = device(Behaviour.DEFAULT, true);
        abm.activatedAt(activated);
        assertEquals("locked enrollment (the cloud configuration says IsMDMUnremovable): Settings does not offer to"
                + " remove management", Unenroll.removalRefusal(abm, activated.plus(Duration.ofDays(1))));

        Device added = device(Behaviour.builder().configuratorShare(1).build(), true);
        added.activatedAt(activated);
        assertNull(Unenroll.removalRefusal(added, activated.plus(Duration.ofDays(30))), "day 30 is still in it");
        assertEquals("locked enrollment (the cloud configuration says IsMDMUnremovable): the device was added with"
                + " Apple Configurator, but its provisional period (the first 30 days after activation) ended 1 days"
                + " ago; Settings no longer offers to remove management",
                Unenroll.removalRefusal(added, activated.plus(Duration.ofDays(31))));

        Device open = device(Behaviour.DEFAULT, false);
        open.activatedAt(activated);
        assertNull(Unenroll.removalRefusal(open, activated.plus(Duration.ofDays(400))), "not locked");
    }

    @Test
    void anEnrollmentProfileWithPayloadRemovalDisallowedLocksItToo() {
        Device d = device(Behaviour.DEFAULT, false);
        NSDictionary top = Plist.parseDictionary(TestDevices.enrollmentProfile());
        top.put("PayloadRemovalDisallowed", true);
        d.profileBytes(Plist.toXml(top));
        d.profile(TestDevices.ade("iPhone15,2", "17.5").profile());
        assertEquals("the enrollment profile has PayloadRemovalDisallowed: Settings does not offer to remove"
                + " management", Unenroll.removalRefusal(d, Instant.parse("2025-03-04T00:00:00Z")));
    }

    @Test
    void theRemovalAttemptIsAtEnrollmentPlusTheKnobAndOnlyOnce() {
        Device d = device(Behaviour.builder().removeManagement(1, Duration.ofDays(3)).build(), true);
        assertNull(Unenroll.removalAttemptAt(d), "not enrolled");
        Instant at = Instant.parse("2025-03-04T00:00:00Z");
        d.enrolled(at);
        assertEquals(at.plus(Duration.ofDays(3)), Unenroll.removalAttemptAt(d));
        d.removalAttempted(true);
        assertNull(Unenroll.removalAttemptAt(d));
        assertNull(Unenroll.removalAttemptAt(device(Behaviour.DEFAULT, true)), "knob off");
    }

    @Test
    void theResultShowsManagementAndSingleAppMode() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        f.device().enrolled(f.clock().now());
        f.run(installLock("com.microsoft.CompanyPortal"));
        DeviceResult.Management m = f.device().management();
        assertEquals(new DeviceResult.Management(true, true, true, "com.microsoft.CompanyPortal",
                DeviceResult.Unenrollment.NONE, 1), m);
        f.device().unenrolled(DeviceResult.Unenrollment.RETIRED);
        assertEquals(new DeviceResult.Management(false, true, false, null, DeviceResult.Unenrollment.RETIRED, 1),
                f.device().management());
    }
}
