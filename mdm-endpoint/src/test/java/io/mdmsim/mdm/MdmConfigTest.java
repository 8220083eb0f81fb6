package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MdmConfigTest {

    @Test
    void defaults() {
        MdmConfig c = MdmConfig.builder().seed(3).build();
        assertEquals("127.0.0.1", c.host());
        assertEquals(0, c.port());
        assertEquals(Duration.ofMinutes(15), c.challengeTtl());
        assertEquals(null, c.depBaseUrl(), "no default DEP API: nothing leaves the machine unless named");
        assertTrue(c.topic().startsWith("com.apple.mgmt.External."), c.topic());
        assertEquals(c.topic(), MdmConfig.builder().seed(3).build().topic(), "the topic comes from the seed");
    }

    @Test
    void badValuesSayWhatWasExpected() {
        assertEquals("port: 70000 (expected: 0..65535)", assertThrows(IllegalArgumentException.class,
                () -> MdmConfig.builder().port(70000).build()).getMessage());
        assertEquals("topic: com.example.mdm (expected: to start with com.apple.mgmt.)",
                assertThrows(IllegalArgumentException.class,
                        () -> MdmConfig.builder().topic("com.example.mdm").build()).getMessage());
        assertEquals("depSyncInterval: PT0S (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> MdmConfig.builder().depSyncInterval(Duration.ZERO).build()).getMessage());
    }

    @Test
    void applesApnsNeedsThePushCertificate() {
        assertEquals("apnsUrl: https://api.push.apple.com is Apple's APNs, which accepts only the MDM push certificate"
                + " (expected: apnsClientIdentity, or the fake APNs' URL)", assertThrows(IllegalArgumentException.class,
                        () -> MdmConfig.builder().apnsUrl(MdmConfig.APPLE_APNS_URL).build()).getMessage());
        assertEquals("depBaseUrl: mdmenrollment.apple.com (expected: an absolute http or https URL)",
                assertThrows(IllegalArgumentException.class, () -> MdmConfig.builder()
                        .depBaseUrl(URI.create("mdmenrollment.apple.com")).build()).getMessage());
    }

    @Test
    void phaseTwoDefaultsAndChecks() {
        MdmConfig c = MdmConfig.builder().build();
        assertEquals(null, c.apnsUrl(), "no pushes by default: nothing leaves the machine unless named");
        assertEquals(MdmConfig.UserAuthentication.DECLINE, c.userAuthentication());
        assertEquals(MdmConfig.ErrorBodyFormat.JSON, c.errorBodyFormat());
        assertEquals(false, c.https());
        assertEquals(true, c.signMessage());
        assertEquals(0, c.scepPendingRounds());
        assertEquals("requestClientCertificates: true without tlsIdentity (expected: an HTTPS listener, client"
                + " certificates travel over TLS)", assertThrows(IllegalArgumentException.class,
                        () -> MdmConfig.builder().requestClientCertificates(true).build()).getMessage());
        assertEquals("minimumOsVersion: seventeen (expected: a version such as 17.2)",
                assertThrows(IllegalArgumentException.class,
                        () -> MdmConfig.builder().minimumOsVersion("seventeen").build()).getMessage());
        assertEquals("apnsUrl: ftp://x (expected: an absolute http or https URL)",
                assertThrows(IllegalArgumentException.class,
                        () -> MdmConfig.builder().apnsUrl(URI.create("ftp://x")).build()).getMessage());
        assertEquals("apnsMaxAttempts: 0 (expected: 1..20)", assertThrows(IllegalArgumentException.class,
                () -> MdmConfig.builder().apnsMaxAttempts(0).build()).getMessage());
        assertEquals("scepPendingRounds: -1 (expected: 0..100)", assertThrows(IllegalArgumentException.class,
                () -> MdmConfig.builder().scepPendingRounds(-1).build()).getMessage());
        assertEquals("httpsPort: 99999 (expected: 0..65535)", assertThrows(IllegalArgumentException.class,
                () -> MdmConfig.builder().httpsPort(99999).build()).getMessage());
        assertEquals(URI.create("http://127.0.0.1:9/hook"),
                MdmConfig.builder().webhookUrl(URI.create("http://127.0.0.1:9/hook/")).build().webhookUrl());
    }

    @Test
    void trailingSlashOfThePublicBaseUrlIsDropped() {
        assertEquals(URI.create("https://mdm.example.com"),
                MdmConfig.builder().publicBaseUrl(URI.create("https://mdm.example.com/")).build().publicBaseUrl());
    }
}
