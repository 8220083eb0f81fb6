package io.mdmsim.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeviceIdentifiersTest {

    private static final DeviceCatalog.Model IPHONE_11 = DeviceCatalog.model("iPhone12,1").orElseThrow();
    private static final DeviceCatalog.Model IPHONE_13 = DeviceCatalog.model("iPhone14,5").orElseThrow();

    @Test
    void luhnMatchesAPublishedImei() {
        assertEquals(0, DeviceIdentifiers.luhn("35717185037376")); // "35 717185 037376 0"
        var e = assertThrows(IllegalArgumentException.class, () -> DeviceIdentifiers.luhn("3571x"));
        assertEquals("luhn: 3571x (expected: digits only)", e.getMessage());
    }

    @Test
    void anImeiHasItsModelsTypeCodeAndAValidCheckDigit() {
        SplittableRandom r = new SplittableRandom(1);
        String a = DeviceIdentifiers.imei("iPhone14,5", r);
        String b = DeviceIdentifiers.imei("iPhone14,5", r);
        assertTrue(a.matches("35\\d{13}"), a);
        assertEquals(a.substring(0, 8), b.substring(0, 8), "one type allocation code per product type");
        assertEquals(a.charAt(14) - '0', DeviceIdentifiers.luhn(a.substring(0, 14)));
        assertEquals(a.substring(0, 2) + " " + a.substring(2, 8) + " " + a.substring(8, 14) + " " + a.substring(14),
                DeviceIdentifiers.spaced(a));
        var e = assertThrows(IllegalArgumentException.class, () -> DeviceIdentifiers.spaced("123"));
        assertEquals("imei: 123 (expected: 15 digits)", e.getMessage());
    }

    @Test
    void serialsFollowAppleLayoutsBeforeAndFrom2021() {
        SplittableRandom r = new SplittableRandom(2);
        String recent = DeviceIdentifiers.serial(IPHONE_13, "Blue", 128, LocalDate.of(2022, 3, 1), r);
        assertTrue(recent.matches("[0-9CDFGHJKLMNPQRTVWXY]{10}"), recent);
        String old = DeviceIdentifiers.serial(IPHONE_11, "Black", 64, LocalDate.of(2019, 10, 14), r);
        assertEquals(12, old.length(), old);
        assertTrue(DeviceIdentifiers.IPHONE_PLANTS.contains(old.substring(0, 3)), old);
        assertEquals('Z', old.charAt(3), "second half of 2019, the last code of the 2010 cycle");
        assertEquals(DeviceIdentifiers.configurationCode(IPHONE_11, "Black", 64), old.substring(8));
        assertNotEquals(DeviceIdentifiers.configurationCode(IPHONE_11, "Black", 64),
                DeviceIdentifiers.configurationCode(IPHONE_11, "White", 64));
        assertEquals(recent, DeviceIdentifiers.serial(IPHONE_13, "Blue", 128, LocalDate.of(2022, 3, 1),
                new SplittableRandom(2)), "the same stream gives the same serial");
    }
}
