package io.mdmsim.mdm.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.dep.DepProfile;
import java.util.List;
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
        violates("{\"name\":\"x\",\"sharedIpad\":true,\"userAffinity\":\"WITHOUT_USER\"}",
                "awaitFinalConfiguration: true is not supported with userAffinity WITHOUT_USER and sharedIpad");
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
}
