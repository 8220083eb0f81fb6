package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceSpecTest {

    @Test
    void derivesFamilyAndMajors() {
        DeviceSpec phone = new DeviceSpec("F2LXK0PQHG7F", "iPhone15,2", "iPhone 14 Pro", "17.5.1", "21F90");
        assertEquals("iPhone", phone.family());
        assertEquals(15, phone.productMajor());
        assertEquals(17, phone.osMajor());
        assertEquals("iPad", new DeviceSpec("S1", "iPad13,18", "iPad", "16", "20A362").family());
        assertEquals("iPod touch", new DeviceSpec("S1", "iPod9,1", "iPod touch", "15.7", "19H12").family());
    }

    @Test
    void rejectsBadProductTypeWithWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeviceSpec("S1", "iPhone", "iPhone", "17.5", "21F90"));
        assertTrue(e.getMessage().contains("productType: iPhone (expected: e.g. iPhone15,2"), e.getMessage());
    }

    @Test
    void rejectsBadOsVersionAndBlankSerial() {
        IllegalArgumentException os = assertThrows(IllegalArgumentException.class,
                () -> new DeviceSpec("S1", "iPhone15,2", "iPhone 14 Pro", "seventeen", "21F90"));
        assertTrue(os.getMessage().startsWith("osVersion: seventeen (expected:"), os.getMessage());
        IllegalArgumentException serial = assertThrows(IllegalArgumentException.class,
                () -> new DeviceSpec(" ", "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90"));
        assertTrue(serial.getMessage().startsWith("serialNumber: blank"), serial.getMessage());
        assertThrows(NullPointerException.class, () -> new DeviceSpec(null, "iPhone15,2", "m", "17.5", "21F90"));
    }
}
