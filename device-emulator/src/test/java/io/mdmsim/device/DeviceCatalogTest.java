package io.mdmsim.device;

import io.mdmsim.core.catalog.DeviceCatalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.catalog.DeviceCatalog.Family;
import io.mdmsim.core.catalog.DeviceCatalog.Feature;
import io.mdmsim.core.catalog.DeviceCatalog.Model;
import io.mdmsim.core.catalog.DeviceCatalog.OsRelease;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceCatalogTest {

    @Test
    void releasesSpanIos11To18InVersionOrderWithDistinctAppleBuilds() {
        List<OsRelease> releases = DeviceCatalog.releases();
        assertEquals("11.0", releases.getFirst().version());
        assertEquals(18, releases.getLast().major());
        Set<Integer> majors = new HashSet<>();
        Set<String> builds = new HashSet<>();
        for (int i = 0; i < releases.size(); i++) {
            OsRelease r = releases.get(i);
            majors.add(r.major());
            assertTrue(builds.add(r.build()), "duplicate build " + r.build());
            // Apple's build numbers: two digits for the major (11 -> 15, 18 -> 22), a letter, a number
            assertTrue(r.build().matches((r.major() + 4) + "[A-H]\\d{2,4}[a-z]?"), r.version() + " " + r.build());
            if (i > 0) {
                assertTrue(DeviceCatalog.compareVersions(releases.get(i - 1).version(), r.version()) < 0, r.version());
            }
        }
        assertEquals(Set.of(11, 12, 13, 14, 15, 16, 17, 18), majors);
        assertEquals("18E199", DeviceCatalog.release("14.5").orElseThrow().build());
        assertEquals("21F90", DeviceCatalog.release("17.5.1").orElseThrow().build());
    }

    @Test
    void modelsCoverRecentIphoneAndIpadGenerationsAndEachRunsSomething() {
        Set<String> seen = new HashSet<>();
        for (Model m : DeviceCatalog.models()) {
            assertTrue(seen.add(m.productType()));
            new DeviceSpec("SERIAL", m.productType(), m.name(), "17.5", "21F79"); // a valid DeviceSpec product type
            assertFalse(DeviceCatalog.releasesFor(m).isEmpty(), m.productType());
            assertTrue(m.has(Feature.TOUCH_ID) ^ m.has(Feature.FACE_ID), m.productType() + " has one biometric");
            if (m.family() == Family.IPHONE) {
                assertTrue(m.has(Feature.CELLULAR));
            }
        }
        assertTrue(DeviceCatalog.models().stream().filter(m -> m.family() == Family.IPHONE).count() >= 30);
        assertTrue(DeviceCatalog.models().stream().filter(m -> m.family() == Family.IPAD).count() >= 20);
        assertEquals("iPhone 14 Pro", DeviceCatalog.model("iPhone15,2").orElseThrow().name());
        assertTrue(DeviceCatalog.model("iPhone99,1").isEmpty());
    }

    @Test
    void aModelRunsFromItsLaunchReleaseToItsLastMajor() {
        Model iphone6s = DeviceCatalog.model("iPhone8,1").orElseThrow();
        assertTrue(iphone6s.runs(DeviceCatalog.release("15.8").orElseThrow()));
        assertFalse(iphone6s.runs(DeviceCatalog.release("16.0").orElseThrow()), "iPhone 6s stops at iOS 15");
        Model iphone16 = DeviceCatalog.model("iPhone17,3").orElseThrow();
        assertFalse(iphone16.runs(DeviceCatalog.release("17.6.1").orElseThrow()), "iPhone 16 ships with 18.0");
        assertTrue(iphone16.runs(DeviceCatalog.release("18.0").orElseThrow()));
        Model ipad7 = DeviceCatalog.model("iPad7,11").orElseThrow();
        assertEquals("13.1", DeviceCatalog.releasesFor(ipad7).getFirst().version(), "iPadOS starts at 13.1");
        Model ipad6 = DeviceCatalog.model("iPad7,5").orElseThrow();
        assertFalse(ipad6.runs(DeviceCatalog.release("13.0").orElseThrow()), "no iPad ran iOS 13.0");
        assertTrue(ipad6.runs(DeviceCatalog.release("12.4").orElseThrow()));
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(DeviceCatalog.compareVersions("17.10", "17.9") > 0);
        assertTrue(DeviceCatalog.compareVersions("17.5", "17.5.1") < 0);
        assertEquals(0, DeviceCatalog.compareVersions("17", "17.0.0"));
        assertEquals(Family.IPAD, Family.fromWire("ipad"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Family.fromWire("iPod"));
        assertEquals("family: iPod (expected: iPhone or iPad)", e.getMessage());
    }
}
