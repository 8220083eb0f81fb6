package io.mdmsim.device.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.ManagedState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every handler's reply, checked against Apple's YAML and against what it did to the device. */
class CommandRepliesTest {

    private static int counter;

    private static Command cmd(String requestType, Map<String, ?> fields) {
        return Commands.raw(String.format("6F0C9D1E-0000-4000-8000-%012d", ++counter), requestType, fields);
    }

    private static CommandReply ok(TestDevices.Fixture f, Command c) throws Exception {
        CommandReply r = f.run(c);
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status(), c.requestType() + ": " + r);
        ReplyChecks.assertConforms(c.requestType(), f.device(), r);
        return r;
    }

    private static ErrorChainItem error(TestDevices.Fixture f, Command c) throws Exception {
        CommandReply r = f.run(c);
        assertEquals(CommandStatus.ERROR, r.status(), c.requestType() + ": " + r);
        ReplyChecks.assertConforms(c.requestType(), f.device(), r);
        return r.errorChain().getFirst();
    }

    private static NSDictionary ask(TestDevices.Fixture f, List<String> queries) throws Exception {
        CommandReply r = ok(f, Commands.deviceInformation("Q" + (++counter), queries));
        return (NSDictionary) r.resultKeys().get("QueryResponses");
    }

    private static List<String> allQueries() {
        List<String> names = new ArrayList<>();
        DeviceQueries.all().forEach(q -> names.add(q.name()));
        names.add("HostName"); // n/a for iOS: left out
        return names;
    }

    // ---- DeviceInformation and SecurityInfo --------------------------------------------------------------------

    @Test
    void deviceInformationAnswersEveryDocumentedQueryFromDeviceState() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "18.0");
        f.device().awaitingConfiguration(true);
        NSDictionary a = ask(f, allQueries());
        Set<String> notAnswered = new TreeSet<>();
        DeviceQueries.all().forEach(q -> {
            if (!a.containsKey(q.name())) {
                notAnswered.add(q.name());
            }
        });
        // nothing to report on a fresh single-user iPhone: no backup, no Apple ID, no Rapid Security Response, no
        // organization set yet; the rest are Shared iPad queries
        assertEquals(new TreeSet<>(List.of("LastCloudBackupDate", "iTunesStoreAccountHash", "SupplementalOSVersionExtra",
                "OrganizationInfo", "MaximumResidentUsers", "EstimatedResidentUsers", "QuotaSize", "ResidentUsers",
                "UserSessionTimeout", "TemporarySessionTimeout", "TemporarySessionOnly", "ManagedAppleIDDefaultDomains",
                "OnlineAuthenticationGracePeriod", "SkipLanguageAndLocaleSetupForNewUsers")), notAnswered);
        assertFalse(a.containsKey("HostName"));
        Device d = f.device();
        assertEquals(d.udid(), ((NSString) a.get("UDID")).getContent());
        assertEquals(d.serialNumber(), ((NSString) a.get("SerialNumber")).getContent());
        assertEquals(d.hardware().imei(), ((NSString) a.get("IMEI")).getContent());
        assertEquals(new NSNumber(true), a.get("AwaitingConfiguration"));
        assertEquals(new NSNumber(true), a.get("IsSupervised"));
        assertTrue(((NSString) a.get("ICCID")).getContent().matches("8901( ?\\d){15,16}"), a.get("ICCID").toString());
        assertTrue(((NSString) a.get("PhoneNumber")).getContent().matches("\\+1 \\(\\d{3}\\) 555-\\d{4}"));
        assertEquals(3, ((NSNumber) a.get("CellularTechnology")).intValue());
        assertArrayEquals(d.pushToken(), ((NSData) a.get("PushToken")).bytes());
        assertEquals(DeviceQueries.DEFAULT_TIME_ZONE, ((NSString) a.get("TimeZone")).getContent());
        NSDictionary sim = (NSDictionary) ((NSArray) a.get("ServiceSubscriptions")).objectAtIndex(0);
        assertEquals(a.get("ICCID"), sim.get("ICCID"));
        // DevicePropertiesAttestation: the device's Apple-issued certificate and its chain
        NSArray attestation = (NSArray) a.get("DevicePropertiesAttestation");
        List<java.security.cert.X509Certificate> chain = new ArrayList<>();
        for (NSObject o : attestation.getArray()) {
            chain.add(Certificates.fromDer(((NSData) o).bytes()));
        }
        CertificateChains.verify(chain.getFirst(), chain.subList(1, chain.size()),
                List.of(TestDevices.PKI.root().certificate()), TestDevices.START);
        // the same device answers the same on every ask
        assertEquals(a, ask(f, allQueries()));
    }

    @Test
    void wifiIpadsHaveNoCellularAnswers() throws Exception {
        NSDictionary a = ask(TestDevices.fixture("iPad13,18", "17.5"), allQueries());
        for (String cellular : List.of("IMEI", "MEID", "ICCID", "PhoneNumber", "CurrentCarrierNetwork",
                "ServiceSubscriptions", "DataRoamingEnabled", "ModemFirmwareVersion", "SubscriberMCC")) {
            assertFalse(a.containsKey(cellular), cellular);
        }
        assertEquals(0, ((NSNumber) a.get("CellularTechnology")).intValue());
        assertEquals("iPad", ((NSString) a.get("ModelName")).getContent());
    }

    @Test
    void queriesNeedTheirAccessRight() throws Exception {
        TestDevices.Fixture inspectOnly = TestDevices.fixture(TestDevices.ade("iPhone15,2", "17.5", 1, true, false));
        assertEquals(new TreeSet<>(List.of("UDID", "MDMOptions", "AwaitingConfiguration", "SoftwareUpdateDeviceID",
                "SoftwareUpdateSettings", "AccessibilitySettings", "DevicePropertiesAttestation")),
                new TreeSet<>(ask(inspectOnly, allQueries()).keySet()));
        NSDictionary noNetwork = ask(TestDevices.fixture(TestDevices.ade("iPhone15,2", "17.5", 8191 & ~32, true,
                false)), allQueries());
        assertTrue(noNetwork.containsKey("SerialNumber"));
        assertFalse(noNetwork.containsKey("WiFiMAC"));
        NSDictionary noDevice = ask(TestDevices.fixture(TestDevices.ade("iPhone15,2", "17.5", 8191 & ~16, true,
                false)), allQueries());
        assertFalse(noDevice.containsKey("SerialNumber"));
        assertTrue(noDevice.containsKey("WiFiMAC"));
        assertFalse(ask(TestDevices.fixture(TestDevices.ade("iPhone15,2", "17.5", 8191 & ~4096, true, false)),
                List.of("iTunesStoreAccountIsActive")).containsKey("iTunesStoreAccountIsActive"));
    }

    @Test
    void aSharedIpadAnswersItsOwnQueriesButNotPushToken() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture(TestDevices.ade("iPad13,18", "17.5", 8191, true, true));
        NSDictionary a = ask(f, allQueries());
        assertEquals(new NSNumber(true), a.get("IsMultiUser"));
        assertTrue(a.containsKey("MaximumResidentUsers"));
        assertTrue(a.containsKey("QuotaSize"));
        assertFalse(a.containsKey("PushToken"));
        assertFalse(a.containsKey("AccessibilitySettings"));
    }

    @Test
    void securityInfoHasTheIosKeysOfItsVersion() throws Exception {
        for (String os : List.of("12.4", "17.5")) {
            TestDevices.Fixture f = TestDevices.fixture("iPhone11,2", os);
            NSDictionary info = (NSDictionary) ok(f, cmd("SecurityInfo", Map.of())).resultKeys().get("SecurityInfo");
            assertEquals(new NSNumber(false), info.get("PasscodePresent"));
            assertEquals(os.equals("17.5"), info.containsKey("AutoLockTime"), os);
            assertEquals(os.equals("17.5"), info.containsKey("ManagementStatus"), os);
        }
    }

    // ---- profiles ----------------------------------------------------------------------------------------------

    private static byte[] profile(String identifier, List<Map<String, Object>> payloads) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", identifier);
        top.put("PayloadUUID", "UUID-" + identifier);
        top.put("PayloadDisplayName", "Profile " + identifier);
        top.put("PayloadOrganization", "Test Org");
        top.put("PayloadContent", payloads);
        return Plist.toXml(Plist.wrap(top));
    }

    private static Map<String, Object> payload(String type, String id, Map<String, Object> fields) {
        Map<String, Object> p = new LinkedHashMap<>(fields);
        p.put("PayloadType", type);
        p.put("PayloadVersion", 1);
        p.put("PayloadIdentifier", id);
        p.put("PayloadUUID", "UUID-" + id);
        return p;
    }

    private static Command install(byte[] profile) {
        return cmd("InstallProfile", Map.of("Payload", profile));
    }

    private static NSArray profileList(TestDevices.Fixture f, boolean managedOnly) throws Exception {
        return (NSArray) ok(f, cmd("ProfileList", managedOnly ? Map.of("ManagedOnly", true) : Map.of()))
                .resultKeys().get("ProfileList");
    }

    @Test
    void installedProfilesAreListedAndRemoved() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        assertEquals(1, profileList(f, false).count(), "the enrollment profile");
        byte[] restrictions = profile("com.example.restrictions", List.of(
                payload("com.apple.applicationaccess", "com.example.restrictions.r", Map.of("allowCamera", false)),
                payload("com.apple.security.root", "com.example.restrictions.ca",
                        Map.of("PayloadContent", Certificates.der(TestDevices.PKI.root().certificate())))));
        ok(f, install(restrictions));
        NSArray list = profileList(f, true);
        assertEquals(2, list.count());
        NSDictionary item = (NSDictionary) list.objectAtIndex(1);
        assertEquals("com.example.restrictions", ((NSString) item.get("PayloadIdentifier")).getContent());
        assertEquals(new NSNumber(true), item.get("IsManaged"));
        assertEquals(2, ((NSArray) item.get("PayloadContent")).count());
        assertEquals(1, f.device().managed().profile("com.example.restrictions").certificates().size());
        // the same identifier again replaces it
        ok(f, install(restrictions));
        assertEquals(2, profileList(f, false).count());

        assertEquals(1009, error(f, cmd("RemoveProfile", Map.of("Identifier", "com.example.nope"))).errorCode());
        ok(f, cmd("RemoveProfile", Map.of("Identifier", "com.example.restrictions")));
        assertEquals(1, profileList(f, false).count());
        assertFalse(f.device().unenrollPending());
        // the MDM removing its own profile is a retire: acknowledged, the device unenrolls after its report
        ok(f, cmd("RemoveProfile", Map.of("Identifier", "com.example.enroll")));
        assertTrue(f.device().unenrollPending());
    }

    @Test
    void signedAndEncryptedProfilesInstall() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        Identity signer = TestDevices.MDM_IDENTITY;
        byte[] wifi = profile("com.example.wifi", List.of(payload("com.apple.wifi.managed", "com.example.wifi.w",
                Map.of("SSID_STR", "Corp"))));
        ok(f, install(Cms.signAttached(wifi, signer)));
        NSDictionary item = (NSDictionary) profileList(f, true).objectAtIndex(1);
        assertEquals(1, ((NSArray) item.get("SignerCertificates")).count());

        // EncryptedPayloadContent to the device's MDM identity
        byte[] payloads = Plist.toXml(Plist.wrap(List.of(payload("com.apple.vpn.managed", "com.example.vpn.v",
                Map.of("VPNType", "IKEv2")))));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", "com.example.vpn");
        top.put("PayloadUUID", "UUID-vpn");
        top.put("EncryptedPayloadContent", Cms.encrypt(payloads, f.device().mdmIdentity().certificate(),
                ContentCipher.AES128_CBC));
        ok(f, install(Plist.toXml(Plist.wrap(top))));
        assertTrue(f.device().managed().profile("com.example.vpn").encrypted());
        assertEquals("com.apple.vpn.managed", f.device().managed().profile("com.example.vpn").payloads().getFirst().type());

        top.put("EncryptedPayloadContent", Cms.encrypt(payloads, TestDevices.FACTORY_IDENTITY.certificate(),
                ContentCipher.AES128_CBC));
        top.put("PayloadIdentifier", "com.example.vpn2");
        ErrorChainItem e = error(f, install(Plist.toXml(Plist.wrap(top))));
        assertEquals(1006, e.errorCode());
        assertEquals("MCProfileErrorDomain", e.errorDomain());
    }

    @Test
    void profilesIosRefusesGetTheirErrors() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        assertEquals(1000, error(f, install("not a plist".getBytes())).errorCode());
        assertEquals(1005, error(f, install(profile("com.example.empty", List.of()))).errorCode());
        ErrorChainItem mdm = error(f, install(profile("com.example.mdm2", List.of(payload("com.apple.mdm",
                "com.example.mdm2.m", Map.of("Topic", "x"))))));
        assertEquals(12001, mdm.errorCode());
        Map<String, Object> noUuid = payload("com.apple.wifi.managed", "com.example.w", Map.of());
        noUuid.remove("PayloadUUID");
        ErrorChainItem missing = error(f, install(profile("com.example.broken", List.of(noUuid))));
        assertEquals(1002, missing.errorCode());
        assertEquals("profile: PayloadContent[0]: PayloadUUID is missing (expected: a string)",
                missing.localizedDescription());
        ErrorChainItem badSignature = error(f, install(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
        assertEquals(1004, badSignature.errorCode());
        // a SCEP payload whose server cannot be reached: the SCEP error iOS reports
        Map<String, Object> scep = payload("com.apple.security.scep", "com.example.scep.s", Map.of("PayloadContent",
                Map.of("URL", "http://127.0.0.1:1/scep", "Challenge", "x", "Keysize", 2048)));
        ErrorChainItem scepError = error(f, install(profile("com.example.scep", List.of(scep))));
        assertEquals(22013, scepError.errorCode());
        assertEquals("MCSCEPErrorDomain", scepError.errorDomain());
        assertTrue(scepError.localizedDescription().contains("The SCEP server returned an invalid response")
                || scepError.localizedDescription().contains("failed"), scepError.localizedDescription());
        assertEquals(1, profileList(f, false).count(), "nothing was installed");
    }

    // ---- apps --------------------------------------------------------------------------------------------------

    @Test
    void appsTakeDownloadAndInstallTimeOnTheSimClock() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        CommandReply r = ok(f, cmd("InstallApplication", Map.of("iTunesStoreID", 361309726L,
                "Identifier", "com.apple.Pages", "Options", Map.of("PurchaseMethod", 1), "ManagementFlags", 1)));
        assertEquals(new NSString("Queued"), r.resultKeys().get("State"));
        assertEquals(new NSString("com.apple.Pages"), r.resultKeys().get("Identifier"));
        NSDictionary listed = (NSDictionary) ((NSArray) ok(f, cmd("InstalledApplicationList", Map.of()))
                .resultKeys().get("InstalledApplicationList")).objectAtIndex(0);
        assertEquals(new NSNumber(true), listed.get("Installing"));
        // the same app again while it installs
        assertEquals(new NSString("AppAlreadyQueued"), ok(f, cmd("InstallApplication",
                Map.of("Identifier", "com.apple.Pages", "Options", Map.of("PurchaseMethod", 1))))
                .resultKeys().get("RejectionReason"));
        ManagedState.App app = f.device().managed().app("com.apple.Pages");
        Duration took = Duration.between(app.queuedAt(), app.readyAt());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) > 0 && took.compareTo(Duration.ofMinutes(2)) < 0,
                took.toString());
        f.clock().advance(took);
        NSArray after = (NSArray) ok(f, cmd("InstalledApplicationList", Map.of("Identifiers", List.of(
                "com.apple.Pages"), "Items", List.of("Identifier", "Installing", "BundleSize"))))
                .resultKeys().get("InstalledApplicationList");
        assertEquals(Set.of("Identifier", "Installing", "BundleSize"), ((NSDictionary) after.objectAtIndex(0)).keySet());
        assertEquals(new NSNumber(false), ((NSDictionary) after.objectAtIndex(0)).get("Installing"));
        NSDictionary managed = (NSDictionary) ok(f, cmd("ManagedApplicationList", Map.of())).resultKeys()
                .get("ManagedApplicationList");
        assertEquals(new NSString("Managed"), ((NSDictionary) managed.get("com.apple.Pages")).get("Status"));

        ok(f, cmd("RemoveApplication", Map.of("Identifier", "com.apple.Pages")));
        assertEquals(0, ((NSArray) ok(f, cmd("InstalledApplicationList", Map.of())).resultKeys()
                .get("InstalledApplicationList")).count());
        assertEquals(12073, error(f, cmd("RemoveApplication", Map.of("Identifier", "com.apple.Pages"))).errorCode());
    }

    @Test
    void duringSetupAssistantInstallsWaitAsAppleDescribes() throws Exception {
        Map<String, Object> userLicensed = Map.of("iTunesStoreID", 361309726L);
        Map<String, Object> deviceLicensed = Map.of("iTunesStoreID", 361309726L, "Options", Map.of("PurchaseMethod", 1));
        TestDevices.Fixture ios15 = TestDevices.fixture("iPhone14,5", "15.7");
        ios15.device().awaitingConfiguration(true);
        assertEquals(CommandStatus.NOT_NOW, ios15.run(cmd("InstallApplication", deviceLicensed)).status());
        TestDevices.Fixture ios17 = TestDevices.fixture("iPhone15,2", "17.5");
        ios17.device().awaitingConfiguration(true);
        assertEquals(CommandStatus.NOT_NOW, ios17.run(cmd("InstallApplication", userLicensed)).status());
        assertEquals(CommandStatus.ACKNOWLEDGED, ios17.run(cmd("InstallApplication", deviceLicensed)).status());
        assertEquals(CommandStatus.NOT_NOW, ios17.run(cmd("InviteToProgram", Map.of("ProgramID",
                "com.apple.cloudvpp", "InvitationURL", "https://example.com/invite"))).status());
        ios17.device().awaitingConfiguration(false);
        assertEquals(CommandStatus.ACKNOWLEDGED, ios17.run(cmd("InstallApplication", userLicensed)).status());
        assertEquals(new NSString("Acknowledged"), ok(ios17, cmd("InviteToProgram", Map.of("ProgramID",
                "com.apple.cloudvpp", "InvitationURL", "https://example.com/invite"))).resultKeys().get("InvitationResult"));
    }

    @Test
    void enterpriseAppsReadTheirManifest() throws Exception {
        Map<String, Object> manifest = Map.of("items", List.of(Map.of("assets", List.of(), "metadata", Map.of(
                "bundle-identifier", "com.example.inhouse", "bundle-version", "2.1", "kind", "software",
                "title", "In-House"))));
        try (HttpServer server = HttpServer.builder().router(Router.builder()
                .get("/manifest.plist", req -> HttpResponse.ok(Plist.toXml(Plist.wrap(manifest)), "application/xml"))
                .build()).build().start()) {
            TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
            f.device().awaitingConfiguration(true); // enterprise apps install during Setup Assistant on iOS 16+
            CommandReply r = ok(f, cmd("InstallApplication", Map.of("ManifestURL",
                    server.baseUri() + "/manifest.plist")));
            assertEquals(new NSString("com.example.inhouse"), r.resultKeys().get("Identifier"));
            assertEquals("2.1", f.device().managed().app("com.example.inhouse").version());
            ErrorChainItem missing = error(f, cmd("InstallApplication", Map.of("ManifestURL",
                    server.baseUri() + "/nope.plist")));
            assertTrue(missing.localizedDescription().startsWith("could not download the app manifest: GET "),
                    missing.localizedDescription());
        }
    }

    // ---- Settings ----------------------------------------------------------------------------------------------

    private static Map<String, Object> item(String item, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Item", item);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void settingsChangeWhatTheDeviceReports() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        ok(f, cmd("Settings", Map.of("Settings", List.of(
                item("DeviceName", "DeviceName", "Sales iPhone 7"),
                item("TimeZone", "TimeZone", "Europe/Paris"),
                item("OrganizationInfo", "OrganizationInfo", Map.of("OrganizationName", "Acme",
                        "OrganizationShortName", "ACME")),
                item("DataRoaming", "Enabled", true),
                item("VoiceRoaming", "Enabled", false),
                item("DiagnosticSubmission", "Enabled", true),
                item("MDMOptions", "MDMOptions", Map.of("ActivationLockAllowedWhileSupervised", true)),
                item("SoftwareUpdateSettings", "RecommendationCadence", 2),
                item("AccessibilitySettings", "BoldTextEnabled", true, "TextSize", 7),
                item("Bluetooth", "Enabled", false),
                item("Wallpaper", "Image", new byte[] {1, 2, 3}, "Where", 3),
                item("PasscodeLockGracePeriod", "PasscodeLockGracePeriod", 300)))));
        NSDictionary a = ask(f, allQueries());
        assertEquals("Sales iPhone 7", ((NSString) a.get("DeviceName")).getContent());
        assertEquals("Europe/Paris", ((NSString) a.get("TimeZone")).getContent());
        assertEquals(Set.of("OrganizationName"), ((NSDictionary) a.get("OrganizationInfo")).keySet());
        assertEquals(new NSNumber(true), a.get("DataRoamingEnabled"));
        assertEquals(new NSNumber(false), a.get("VoiceRoamingEnabled"));
        assertEquals(new NSNumber(true), a.get("DiagnosticSubmissionEnabled"));
        assertEquals(new NSNumber(true), ((NSDictionary) a.get("MDMOptions")).get("ActivationLockAllowedWhileSupervised"));
        assertEquals(2, ((NSNumber) ((NSDictionary) a.get("SoftwareUpdateSettings")).get("RecommendationsCadence"))
                .intValue());
        NSDictionary access = (NSDictionary) a.get("AccessibilitySettings");
        assertEquals(new NSNumber(true), access.get("BoldTextEnabled"));
        assertEquals(7, ((NSNumber) access.get("TextSize")).intValue());
    }

    @Test
    void settingsItemsThatFailAreReportedOneByOne() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture(TestDevices.ade("iPhone10,3", "12.4", 8191, false, false));
        CommandReply r = f.run(cmd("Settings", Map.of("Settings", List.of(
                item("DataRoaming", "Enabled", true),
                item("DeviceName", "DeviceName", "x"),
                item("HostName", "HostName", "x"),
                item("TimeZone", "TimeZone", "Europe/Paris")))));
        assertEquals(CommandStatus.ERROR, r.status());
        assertEquals("Settings item DeviceName requires a supervised device",
                r.errorChain().getFirst().localizedDescription());
        NSArray items = (NSArray) r.resultKeys().get("Settings");
        List<String> statuses = new ArrayList<>();
        AppleSchemas.Key itemSchema = AppleSchemas.command("Settings").responseKeys().getFirst();
        for (NSObject o : items.getArray()) {
            NSDictionary one = (NSDictionary) o;
            statuses.add(((NSString) one.get("Status")).getContent());
            // each item is what the YAML calls the Settings response dictionary
            NSDictionary wrapped = new NSDictionary();
            wrapped.put(itemSchema.name(), one);
            assertEquals(List.of(), AppleSchemas.command("Settings").checkResponse(wrapped));
        }
        assertEquals(List.of("Acknowledged", "Error", "Error", "Error"), statuses);
        assertEquals(true, f.device().managed().<Boolean>setting("DataRoaming"), "the good item still applied");
        assertEquals("iPhone", f.device().deviceName());
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------------

    @Test
    void lockRestartEraseAndDeclarativeManagementAcknowledgeThenActLater() throws Exception {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        ok(f, cmd("DeviceLock", Map.of("Message", "Return to IT", "PhoneNumber", "+1 555 0100")));
        assertEquals("Return to IT", f.device().managed().lock().message());
        ok(f, cmd("RestartDevice", Map.of()));
        ok(f, cmd("EraseDevice", Map.of("PreserveDataPlan", true)));
        ok(f, cmd("DeclarativeManagement", Map.of("Data", "{}".getBytes())));
        List<ManagedState.Pending> pending = f.device().managed().takePending();
        assertInstanceOf(ManagedState.Restart.class, pending.get(0));
        assertTrue(f.device().erasePending(), "the device wipes itself once it has reported");
        assertArrayEquals("{}".getBytes(), ((ManagedState.DeclarativeSync) pending.get(1)).tokens());
        assertEquals(12072, error(f, cmd("UserConfigured", Map.of())).errorCode());
        f.device().awaitingConfiguration(true);
        ok(f, Commands.deviceConfigured("DC-1"));
        assertFalse(f.device().awaitingConfiguration());
    }

    // ---- every handler, generically ----------------------------------------------------------------------------

    @Test
    void everyHandledCommandRepliesWithinItsYaml() throws Exception {
        List<String> checked = new ArrayList<>();
        for (String requestType : new TreeSet<>(CommandHandlers.defaults().requestTypes())) {
            AppleSchemas.Schema schema = AppleSchemas.command(requestType);
            TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "18.0");
            CommandReply r;
            try {
                r = f.run(Commands.raw("U-" + requestType, requestType, schema.sample(true)));
            } catch (CommandHandler.CommandFormatException e) {
                r = f.run(Commands.raw("U-" + requestType, requestType, schema.sample(false)));
            }
            assertNotNull(r);
            if (!requestType.equals("Settings")) { // Settings' per-item array: see settingsItemsThatFail...
                ReplyChecks.assertConforms(requestType, f.device(), r);
            }
            checked.add(requestType + "=" + r.status().wire());
        }
        assertEquals(18, checked.size(), checked.toString());
    }

    @Test
    void malformedCommandsAreFormatErrorsThatSayWhatWasWrong() {
        TestDevices.Fixture f = TestDevices.fixture("iPhone15,2", "17.5");
        Map<Command, String> cases = new LinkedHashMap<>();
        cases.put(cmd("InstallProfile", Map.of()), "InstallProfile Payload is missing (expected: data)");
        cases.put(cmd("InstallProfile", Map.of("Payload", "text")), "InstallProfile Payload is a string (expected: data)");
        cases.put(cmd("RemoveProfile", Map.of("Identifier", 3)), "RemoveProfile Identifier is an integer (expected: a string)");
        cases.put(cmd("ProfileList", Map.of("ManagedOnly", "yes")), "ProfileList ManagedOnly is a string (expected: a boolean)");
        cases.put(cmd("InstallApplication", Map.of()), "InstallApplication has none of iTunesStoreID, Identifier and"
                + " ManifestURL (expected: one of them)");
        cases.put(cmd("InstallApplication", Map.of("iTunesStoreID", "12")), "InstallApplication iTunesStoreID is a"
                + " string (expected: an integer)");
        cases.put(cmd("InstallApplication", Map.of("Identifier", "a", "Options", Map.of("PurchaseMethod", 7))),
                "InstallApplication Options PurchaseMethod is 7 (expected: 0 or 1)");
        cases.put(cmd("InstalledApplicationList", Map.of("Items", List.of("Colour"))), "InstalledApplicationList Items"
                + " holds Colour (expected: one of [AdHocCodeSigned, AppStoreVendable, BetaApp, BundleSize, DeviceBasedVPP,"
                + " DistributorIdentifier, DynamicSize, ExternalVersionIdentifier, HasUpdateAvailable, Identifier,"
                + " Installing, IsAppClip, IsValidated, Name, ShortVersion, Version])");
        cases.put(cmd("InstalledApplicationList", Map.of("Identifiers", List.of(1))), "InstalledApplicationList"
                + " Identifiers holds an integer (expected: strings)");
        cases.put(cmd("RemoveApplication", Map.of()), "RemoveApplication Identifier is missing (expected: a string)");
        cases.put(cmd("Settings", Map.of()), "Settings Settings is missing (expected: an array of items)");
        cases.put(cmd("Settings", Map.of("Settings", List.of("DeviceName"))), "Settings Settings[0] is not a dictionary"
                + " with a string Item (expected: e.g. {Item: DeviceName, DeviceName: \"iPhone 7\"})");
        cases.put(cmd("DeviceLock", Map.of("Message", 5)), "DeviceLock Message is an integer (expected: a string)");
        cases.put(cmd("EraseDevice", Map.of("PreserveDataPlan", "no")), "EraseDevice PreserveDataPlan is a string"
                + " (expected: a boolean)");
        cases.put(cmd("DeclarativeManagement", Map.of("Data", "x")), "DeclarativeManagement Data is a string"
                + " (expected: data)");
        cases.put(cmd("DeviceInformation", Map.of()), "DeviceInformation Queries is missing (expected: an array of"
                + " strings)");
        cases.forEach((c, message) -> assertEquals(message, assertThrows(CommandHandler.CommandFormatException.class,
                () -> f.run(c), c.requestType()).getMessage()));
        assertNull(f.device().managed().lock(), "nothing was applied");
    }
}
