package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FleetConfigTest {

    private static Identity ca;
    private static final DeviceSpec A = new DeviceSpec("SERIAL0001", "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90");

    @BeforeAll
    static void ca() {
        ca = CertificateAuthority.selfSignedRoot("test factory", Instant.parse("2025-01-01T00:00:00Z"),
                Duration.ofDays(365)).identity();
    }

    private static FleetConfig.Builder valid() {
        return FleetConfig.builder().cloudConfigUrl(URI.create("http://127.0.0.1:1/cloudconfig")).appleDeviceCa(ca)
                .addDevice(A);
    }

    private static String rejection(FleetConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void defaultsAreSensible() {
        FleetConfig c = valid().build();
        assertEquals(100, c.concurrency());
        assertEquals("en", c.language());
        assertEquals(List.of(A), c.devices());
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void badValuesSayWhatWasExpected() {
        assertEquals("concurrency: 0 (expected: 1..100000)", rejection(valid().concurrency(0)));
        assertEquals("devices: empty (expected: at least one DeviceSpec or a Population)", rejection(valid().devices(List.of())));
        assertEquals("devices: 1 duplicate serial numbers (expected: every serial once)",
                rejection(valid().addDevice(A)));
        assertTrue(rejection(valid().cloudConfigUrl(URI.create("ftp://x/cloudconfig")))
                .startsWith("cloudConfigUrl: ftp://x/cloudconfig (expected: an absolute http or https URL"));
        assertEquals("maxIdlePolls: 0 (expected: >= 1)", rejection(valid().maxIdlePolls(0)));
        assertEquals("httpTimeout: PT0S (expected: > 0)", rejection(valid().httpTimeout(Duration.ZERO)));
        assertThrows(NullPointerException.class, () -> valid().appleDeviceCa(null).build());
        assertEquals("distinctKeys: 0 (expected: 1..10000)",
                assertThrows(IllegalArgumentException.class, () -> KeySource.reusing(0)).getMessage());
    }
}
