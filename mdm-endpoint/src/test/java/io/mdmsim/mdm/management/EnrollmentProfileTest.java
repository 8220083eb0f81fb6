package io.mdmsim.mdm.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.dep.DepProfile;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The seeds' enrollment profile constraints, each violation with its message, and the DEP profile mapping. */
class EnrollmentProfileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EnrollmentProfile parse(String json) throws Exception {
        return JSON.readValue(json, EnrollmentProfile.class);
    }

    private static void violates(String json, String expected) throws Exception {
        List<String> v = parse(json).violations();
        assertTrue(v.stream().anyMatch(m -> m.contains(expected)), "expected a violation containing <" + expected
                + "> but got " + v);
    }

    @Test
    void aPlainProfileIsValid() throws Exception {
        assertEquals(List.of(), parse("{\"name\":\"Corporate\"}").violations());
    }

    @Test
    void eachConstraintHasAClearMessage() throws Exception {
        violates("{}", "name: missing");
        violates("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITH_USER\"}",
                "sharedIpad: true needs userAffinity WITHOUT_USER (was WITH_USER)");
        violates("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"supervised\":false,"
                + "\"awaitFinalConfiguration\":false}", "sharedIpad: true needs supervised: true");
        violates("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":true}",
                "awaitFinalConfiguration: true is not available with userAffinity WITHOUT_USER and sharedIpad");
        violates("{\"name\":\"x\",\"singleAppModeUntilAuth\":true,\"authentication\":\"COMPANY_PORTAL\"}",
                "singleAppModeUntilAuth: true needs a vppToken");
        violates("{\"name\":\"x\",\"deviceNameTemplate\":\"" + "a".repeat(64) + "\"}",
                "deviceNameTemplate: 64 characters (expected: at most 63)");
        violates("{\"name\":\"x\",\"deviceNameTemplate\":\"{{USER}}-1\"}", "unknown placeholder {{USER}}");
        violates("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":false,"
                + "\"lockGraceSeconds\":120}", "lockGraceSeconds: 120 (expected: one of 0, 60, 300, 900, 3600, 14400)");
        violates("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\",\"awaitFinalConfiguration\":false,"
                + "\"inactivityLogoutSeconds\":20}", "inactivityLogoutSeconds: 20 (expected: 0 or at least 30)");
        violates("{\"name\":\"x\",\"lockGraceSeconds\":60}", "lockGraceSeconds: applies to Shared iPad only");
        violates("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"authentication\":\"COMPANY_PORTAL\"}",
                "authentication: COMPANY_PORTAL needs userAffinity WITH_USER");
        violates("{\"name\":\"x\",\"syncWithComputers\":\"APPLE_CONFIGURATOR_BY_CERTIFICATE\"}",
                "needs at least one supervisingHostCertificates");
        violates("{\"name\":\"x\",\"cellularDataPlanUrl\":\"http://carrier.example\"}", "expected: an absolute https URL");
        violates("{\"name\":\"x\",\"hiddenPanes\":[\"Location\",\"Nope\"]}", "hiddenPanes: unknown pane Nope");
    }

    @Test
    void companyPortalWithoutVppComesFromTheAppStore() throws Exception {
        // seeds: a VPP token only spares the user the Apple ID prompt; Company Portal itself does not need one
        assertEquals(List.of(), parse("{\"name\":\"x\",\"installCompanyPortal\":true}").violations());
        assertEquals(List.of(), parse("{\"name\":\"x\",\"authentication\":\"COMPANY_PORTAL\"}").violations());
        assertEquals(List.of(), parse("{\"name\":\"x\",\"installCompanyPortal\":true,\"vppToken\":\"t\"}")
                .violations());
    }

    @Test
    void aValidSharedIpadProfile() throws Exception {
        assertEquals(List.of(), parse("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\","
                + "\"awaitFinalConfiguration\":false,\"lockGraceSeconds\":900,\"inactivityLogoutSeconds\":30,"
                + "\"maxCachedUsers\":4}").violations());
    }

    @Test
    void mapsToTheDepProfile() throws Exception {
        EnrollmentProfile p = parse("{\"name\":\"Corp\",\"lockedEnrollment\":true,\"department\":\"IT\","
                + "\"supportPhoneNumber\":\"+1 555 0100\",\"hiddenPanes\":[\"Siri\",\"Location\"],"
                + "\"authentication\":\"SETUP_ASSISTANT_MODERN\",\"syncWithComputers\":\"DENY_ALL\"}");
        DepProfile d = p.toDep("https://mdm/enroll", "https://mdm/web", "magic", List.of("CERT"));
        assertEquals("https://mdm/enroll", d.url());
        assertEquals(false, d.isMdmRemovable());
        assertEquals(true, d.isSupervised());
        assertEquals(true, d.awaitDeviceConfigured(), "await final configuration is on by default");
        assertEquals(false, d.isMultiUser());
        assertEquals("IT", d.department());
        assertEquals("+1 555 0100", d.supportPhoneNumber());
        assertEquals(List.of("Siri", "Location"), d.skipSetupItems());
        assertEquals("https://mdm/web", d.configurationWebUrl());
        assertEquals(List.of("CERT"), d.anchorCerts());
        assertEquals(false, d.allowPairing());
    }

    @Test
    void deviceNameTemplate() throws Exception {
        assertEquals("iPad-F9FXK2", parse("{\"name\":\"x\",\"deviceNameTemplate\":\"{{DEVICETYPE}}-{{SERIAL}}\"}")
                .deviceName("iPad", "f9fxk2"));
    }

    // ---- the seeds' sentences, one test each --------------------------------------------------------------------

    @Test
    @DisplayName("\"If you select a token for Install Company Portal with VPP, you can lock the device in Single App"
            + " Mode\" -- with Setup Assistant (legacy) too")
    void singleAppModeWheneverCompanyPortalIsInstalledWithVpp() throws Exception {
        assertEquals(List.of(), parse("{\"name\":\"x\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\","
                + "\"installCompanyPortal\":true,\"vppToken\":\"t\",\"singleAppModeUntilAuth\":true}").violations());
        assertEquals(List.of(), parse("{\"name\":\"x\",\"authentication\":\"COMPANY_PORTAL\",\"vppToken\":\"t\","
                + "\"singleAppModeUntilAuth\":true}").violations());
        violates("{\"name\":\"x\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\",\"vppToken\":\"t\","
                + "\"singleAppModeUntilAuth\":true}", "singleAppModeUntilAuth: true needs userAffinity WITH_USER and"
                + " Company Portal installed");
        violates("{\"name\":\"x\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\",\"installCompanyPortal\":true,"
                + "\"singleAppModeUntilAuth\":true}", "singleAppModeUntilAuth: true needs a vppToken");
        violates("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"installCompanyPortal\":true,"
                + "\"vppToken\":\"t\",\"singleAppModeUntilAuth\":true}", "needs userAffinity WITH_USER");
    }

    @Test
    @DisplayName("\"The await configuration setting is unavailable in profiles with\" Enroll without user affinity"
            + " and Shared iPad: a profile that does not mention it is valid and does not await")
    void awaitIsUnavailableWithUserlessSharedIpad() throws Exception {
        EnrollmentProfile p = parse("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true}");
        assertEquals(List.of(), p.violations());
        assertEquals(false, p.awaits());
        assertEquals(false, p.toDep("u", null, "m", List.of()).awaitDeviceConfigured());
        assertEquals(null, p.stamped(null).awaitFinalConfiguration(), "not written down: the setting is unavailable");
        violates("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"awaitFinalConfiguration\":true}", "awaitFinalConfiguration: true is not available");
    }

    @Test
    @DisplayName("\"Yes is the default setting for new enrollment profiles\"; \"No is the default setting for"
            + " existing enrollment profiles\"")
    void awaitDefaultsYesForNewProfilesNoForExistingOnes() throws Exception {
        EnrollmentProfile created = parse("{\"name\":\"new\"}").stamped(null);
        assertEquals(true, created.awaitFinalConfiguration());
        assertEquals(EnrollmentProfile.SETTINGS_VERSION, created.settingsVersion());
        EnrollmentProfile existing = parse("{\"name\":\"old\",\"settingsVersion\":1}");
        assertEquals(false, existing.awaits());
        assertEquals(false, existing.stamped(null).awaitFinalConfiguration());
        assertEquals(false, existing.toDep("u", null, "m", List.of()).awaitDeviceConfigured());
        // an edit of an existing profile that does not mention the setting keeps that profile's default
        assertEquals(false, parse("{\"name\":\"old, edited\"}").stamped(1).awaitFinalConfiguration());
        assertEquals(true, parse("{\"name\":\"old\",\"settingsVersion\":1,\"awaitFinalConfiguration\":true}")
                .awaits());
        violates("{\"name\":\"x\",\"settingsVersion\":3}", "settingsVersion: 3 (expected: 1..2");
        violates("{\"name\":\"x\",\"settingsVersion\":0}", "settingsVersion: 0 (expected: 1..2");
    }

    @Test
    @DisplayName("\"Maximum seconds of inactivity until user session logs out\" and \"... until temporary session"
            + " logs out\" are two settings; \"You can cache up to 24 users on a 32-GB or 64-GB device\"")
    void twoInactivitySettingsAndCachedUsers() throws Exception {
        String shared = "{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,";
        assertEquals(List.of(), parse(shared + "\"temporarySessionOnly\":true,\"temporarySessionLogoutSeconds\":300}")
                .violations());
        assertEquals(List.of(), parse(shared + "\"maxCachedUsers\":30,\"inactivityLogoutSeconds\":0}").violations(),
                "more than 24 is the iPad's to cap by its storage, not a profile error");
        violates(shared + "\"temporarySessionLogoutSeconds\":300}",
                "temporarySessionLogoutSeconds: needs temporarySessionOnly: true");
        violates(shared + "\"temporarySessionOnly\":true,\"temporarySessionLogoutSeconds\":29}",
                "temporarySessionLogoutSeconds: 29 (expected: 0 or at least 30)");
        violates(shared + "\"maxCachedUsers\":0}", "maxCachedUsers: 0 (expected: at least 1");
        violates("{\"name\":\"x\",\"temporarySessionLogoutSeconds\":60}",
                "temporarySessionLogoutSeconds: applies to Shared iPad only");
    }

    @Test
    @DisplayName("Locked enrollment: \"If you're setting up devices in Microsoft Entra ID shared mode, select Yes\";"
            + " \"Such devices must have the Supervised Management Mode set to Yes\" (2020 page)")
    void lockedEnrollmentWithSharedModeAndSupervision() throws Exception {
        EnrollmentProfile sharedMode = parse("{\"name\":\"x\",\"userAffinity\":\"SHARED_DEVICE_MODE\"}");
        assertEquals(List.of(), sharedMode.violations());
        assertEquals(true, sharedMode.locked(), "defaulted to Yes");
        assertEquals(false, sharedMode.toDep("u", null, "m", List.of()).isMdmRemovable());
        violates("{\"name\":\"x\",\"userAffinity\":\"SHARED_DEVICE_MODE\",\"lockedEnrollment\":false}",
                "lockedEnrollment: false with userAffinity SHARED_DEVICE_MODE (expected: true");
        violates("{\"name\":\"x\",\"lockedEnrollment\":true,\"supervised\":false}",
                "lockedEnrollment: true needs supervised: true");
        assertEquals(false, parse("{\"name\":\"x\"}").locked(), "No by default otherwise");
    }
}
