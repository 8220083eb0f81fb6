package io.mdmsim.device.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.device.DeviceSpec;
import org.junit.jupiter.api.Test;

class HardwareProfileTest {

    private static final DeviceSpec XS = new DeviceSpec("F2LXK0PQHG7F", "iPhone11,2", "iPhone XS", "17.5", "21F90");
    private static final DeviceSpec EIGHT = new DeviceSpec("F2LXK0PQHG7G", "iPhone10,1", "iPhone 8", "16.7", "20H19");
    private static final DeviceSpec IPAD = new DeviceSpec("DMPXK0PQHG7H", "iPad7,11", "iPad", "17.5", "21F90");

    @Test
    void sameSeedAndSerialGiveTheSameProfile() {
        assertEquals(HardwareProfile.derive(42, XS), HardwareProfile.derive(42, XS));
        assertNotEquals(HardwareProfile.derive(42, XS).udid(), HardwareProfile.derive(43, XS).udid());
    }

    @Test
    void udidFormDependsOnTheChip() {
        assertTrue(HardwareProfile.derive(1, XS).udid().matches("00008020-[0-9A-F]{16}"), HardwareProfile.derive(1, XS).udid());
        assertTrue(HardwareProfile.derive(1, EIGHT).udid().matches("[0-9a-f]{40}"));
        assertTrue(HardwareProfile.derive(1, IPAD).udid().matches("[0-9a-f]{40}"));
    }

    @Test
    void iPhonesHaveAValidSpacedImeiAndIPadsNone() {
        for (long seed = 0; seed < 50; seed++) {
            HardwareProfile p = HardwareProfile.derive(seed, XS);
            assertTrue(p.imei().matches("35 \\d{6} \\d{6} \\d"), p.imei());
            String digits = p.imei().replace(" ", "");
            assertEquals(digits.charAt(14) - '0', io.mdmsim.core.catalog.DeviceIdentifiers.luhn(digits.substring(0, 14)));
            assertEquals(digits.substring(0, 14), p.meid());
        }
        assertNull(HardwareProfile.derive(1, IPAD).imei());
        assertNull(HardwareProfile.derive(1, IPAD).meid());
    }

    @Test
    void cellularIpadsHaveAnImeiToo() {
        DeviceSpec cellular = new DeviceSpec("DMPXK0PQHG7J", "iPad13,19", "iPad (10th generation)", "17.5", "21F79");
        assertTrue(HardwareProfile.derive(1, cellular).imei().matches("35 \\d{6} \\d{6} \\d"));
        DeviceSpec wifi = new DeviceSpec("DMPXK0PQHG7K", "iPad13,18", "iPad (10th generation)", "17.5", "21F79");
        assertNull(HardwareProfile.derive(1, wifi).imei());
    }

    @Test
    void hardwareNumbersAreInRange() {
        HardwareProfile p = HardwareProfile.derive(7, XS);
        assertTrue(p.availableGb() < p.capacityGb());
        assertTrue(p.batteryLevel() >= 0.5 && p.batteryLevel() <= 1.0);
        assertTrue(p.wifiMac().matches("a4:83:e7(:[0-9a-f]{2}){3}"), p.wifiMac());
        assertTrue(p.modelNumber().matches("M[0-9A-Z]{4}"));
        assertTrue(p.modelNumberWithRegion().endsWith("LL/A"));
    }
}
