package io.mdmsim.device.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.plist.Plist;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudConfigurationTest {

    private static CloudConfiguration parse(Map<String, Object> m) {
        return CloudConfiguration.parse((NSDictionary) Plist.wrap(m));
    }

    @Test
    void readsTheRecord() {
        CloudConfiguration c = parse(Map.of("ConfigurationURL", "https://mdm.example.com/enroll",
                "IsSupervised", false, "AwaitDeviceConfigured", true, "SkipSetup", List.of("Siri")));
        assertEquals(URI.create("https://mdm.example.com/enroll"), c.configurationUrl());
        assertEquals(List.of("Siri"), c.skipSetup());
        assertNull(c.configurationWebUrl());
        // not supervised: AwaitDeviceConfigured is ignored before iOS 13, and iOS 13+ is always supervised
        assertFalse(c.awaitsConfiguration(12));
        assertTrue(c.awaitsConfiguration(13));
    }

    @Test
    void recordsWithTheSameAnchorShareOneParsedCertificate() throws Exception {
        byte[] der = io.mdmsim.core.pki.SimPki.create(java.time.Instant.parse("2025-01-01T00:00:00Z")).root()
                .certificate().getEncoded();
        CloudConfiguration a = parse(Map.of("AnchorCertificates", List.of(der)));
        CloudConfiguration b = parse(Map.of("AnchorCertificates", List.of(der.clone())));
        assertEquals(1, a.anchorCertificates().size());
        assertTrue(a.anchorCertificates().getFirst() == b.anchorCertificates().getFirst(),
                "one parsed certificate for the fleet, not one per device");
    }

    @Test
    void emptyRecordHasNoConfigurationUrl() {
        assertNull(parse(Map.of()).configurationUrl());
    }

    @Test
    void wrongTypesAndUrlsAreNamed() {
        assertEquals("cloud configuration: IsSupervised is a string (expected: a boolean)",
                assertThrows(PlistFields.FieldException.class, () -> parse(Map.of("IsSupervised", "true")))
                        .getMessage());
        assertEquals("cloud configuration: ConfigurationURL is mdm.example.com (expected: an absolute http or https"
                + " URL)", assertThrows(PlistFields.FieldException.class,
                        () -> parse(Map.of("ConfigurationURL", "mdm.example.com"))).getMessage());
        assertEquals("cloud configuration: SkipSetup[1] is an integer (expected: a string)",
                assertThrows(PlistFields.FieldException.class,
                        () -> parse(Map.of("SkipSetup", List.of("Siri", 3)))).getMessage());
        assertTrue(assertThrows(PlistFields.FieldException.class,
                () -> parse(Map.of("AnchorCertificates", List.of(new byte[] {1, 2})))).getMessage()
                .startsWith("cloud configuration: AnchorCertificates[0] is not a DER certificate"));
    }
}
