package io.mdmsim.device.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.plist.Plist;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EnrollmentProfileTest {

    private static Map<String, Object> payload(String type, String uuid) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("PayloadType", type);
        p.put("PayloadUUID", uuid);
        p.put("PayloadIdentifier", "com.example." + type);
        p.put("PayloadVersion", 1);
        return p;
    }

    /** A valid profile; the editors change the SCEP inner dict, the MDM payload, the top level. */
    private static NSDictionary profile(Consumer<Map<String, Object>> scepEdit, Consumer<Map<String, Object>> mdmEdit,
                                        Consumer<Map<String, Object>> topEdit) {
        Map<String, Object> scepInner = new LinkedHashMap<>();
        scepInner.put("URL", "http://127.0.0.1:9/scep");
        scepInner.put("Subject", List.of(List.of(List.of("CN", "dev, one")), List.of(List.of("O", "Org"))));
        scepInner.put("Challenge", "secret");
        scepInner.put("Keysize", 2048);
        scepInner.put("CAFingerprint", new byte[20]);
        scepEdit.accept(scepInner);
        Map<String, Object> scep = payload("com.apple.security.scep", "SCEP-UUID");
        scep.put("PayloadContent", scepInner);
        Map<String, Object> mdm = payload("com.apple.mdm", "MDM-UUID");
        mdm.put("IdentityCertificateUUID", "SCEP-UUID");
        mdm.put("Topic", "com.apple.mgmt.External.x");
        mdm.put("ServerURL", "http://127.0.0.1:9/connect");
        mdm.put("SignMessage", true);
        mdm.put("AccessRights", 8191);
        mdmEdit.accept(mdm);
        Map<String, Object> top = payload("Configuration", "TOP-UUID");
        top.put("PayloadContent", new ArrayList<>(List.of(scep, mdm)));
        topEdit.accept(top);
        return (NSDictionary) Plist.wrap(top);
    }

    private static String invalid(NSDictionary profile) {
        return assertThrows(EnrollmentProfile.InvalidProfileException.class, () -> EnrollmentProfile.parse(profile))
                .getMessage();
    }

    private static final Consumer<Map<String, Object>> NONE = m -> { };

    @Test
    void readsScepAndMdmPayloadsWithAppleDefaults() throws Exception {
        EnrollmentProfile p = EnrollmentProfile.parse(profile(s -> s.remove("Keysize"), NONE, NONE));
        assertEquals("CN=dev\\, one,O=Org", p.scep().subjectDn());
        assertEquals(1024, p.scep().keysize(), "Keysize defaults to 1024");
        assertEquals(3, p.scep().retries());
        assertEquals(Duration.ofSeconds(10), p.scep().retryDelay());
        assertArrayEquals(new byte[20], p.scep().caFingerprint());
        assertEquals(URI.create("http://127.0.0.1:9/connect"), p.mdm().checkInUrl(), "CheckInURL defaults to ServerURL");
        assertTrue(p.mdm().signMessage());
        assertEquals(8191, p.mdm().accessRights());
    }

    @Test
    void refusalsReadInvalidProfileWithTheReason() {
        assertEquals("Invalid Profile: PayloadType is Foo (expected: Configuration)",
                invalid(profile(NONE, NONE, t -> t.put("PayloadType", "Foo"))));
        assertEquals("Invalid Profile: 0 com.apple.mdm payloads (expected: exactly one)",
                invalid(profile(NONE, NONE, t -> ((List<?>) t.get("PayloadContent")).remove(1))));
        assertEquals("Invalid Profile: com.apple.mdm AccessRights is 0 (expected: 1..8191)",
                invalid(profile(NONE, m -> m.put("AccessRights", 0), NONE)));
        assertEquals("Invalid Profile: com.apple.mdm AccessRights 2 grants install/remove profiles (2) without inspect"
                + " profiles (1)", invalid(profile(NONE, m -> m.put("AccessRights", 2), NONE)));
        assertEquals("Invalid Profile: com.apple.security.scep Keysize is 3000 (expected: 1024, 2048 or 4096)",
                invalid(profile(s -> s.put("Keysize", 3000), NONE, NONE)));
        assertEquals("Invalid Profile: com.apple.security.scep Key Type is EC (expected: RSA)",
                invalid(profile(s -> s.put("Key Type", "EC"), NONE, NONE)));
        assertEquals("Invalid Profile: com.apple.mdm payload: SignMessage is a string (expected: a boolean)",
                invalid(profile(NONE, m -> m.put("SignMessage", "yes"), NONE)));
        assertEquals("Invalid Profile: com.apple.mdm payload: ServerURL is /connect (expected: an absolute http or"
                + " https URL)", invalid(profile(NONE, m -> m.put("ServerURL", "/connect"), NONE)));
        assertTrue(invalid(profile(s -> s.put("Subject", List.of(List.of(List.of("XX", "y")))), NONE, NONE))
                .startsWith("Invalid Profile: com.apple.security.scep Subject type XX is unknown"));
        assertTrue(invalid(profile(NONE, m -> m.put("IdentityCertificateUUID", "OTHER"), NONE))
                .startsWith("Invalid Profile: com.apple.mdm IdentityCertificateUUID OTHER matches no"
                        + " com.apple.security.scep PayloadUUID"));
    }

    @Test
    void dottedOidsAreAcceptedInTheSubject() throws Exception {
        EnrollmentProfile p = EnrollmentProfile.parse(profile(
                s -> s.put("Subject", List.of(List.of(List.of("0.9.2342.19200300.100.1.1", "uid1")))), NONE, NONE));
        assertEquals("UID=uid1", p.scep().subjectDn());
    }
}
