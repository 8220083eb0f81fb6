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
        assertEquals(MdmConfig.APPLE_DEP_URL, c.depBaseUrl());
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
    void trailingSlashOfThePublicBaseUrlIsDropped() {
        assertEquals(URI.create("https://mdm.example.com"),
                MdmConfig.builder().publicBaseUrl(URI.create("https://mdm.example.com/")).build().publicBaseUrl());
    }
}
