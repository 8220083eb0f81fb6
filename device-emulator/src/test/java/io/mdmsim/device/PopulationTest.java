package io.mdmsim.device;

import io.mdmsim.core.catalog.DeviceCatalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.catalog.DeviceCatalog.Family;
import io.mdmsim.device.Population.Share;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopulationTest {

    @Test
    void theSameSeedGivesTheSameDevicesAndAnotherSeedOthers() {
        Population p = Population.of(200);
        List<DeviceSpec> a = p.devices(7);
        assertEquals(a, p.devices(7));
        assertNotEquals(a, p.devices(8));
        assertEquals(200, a.size());
        assertEquals(a.subList(0, 50), Population.of(50).devices(7), "device i does not depend on the count");
    }

    @Test
    void devicesAreRealisticAndConsistentWithTheCatalog() {
        List<DeviceSpec> devices = Population.of(10_000).devices(1);
        Set<String> serials = new HashSet<>();
        for (DeviceSpec d : devices) {
            assertTrue(serials.add(d.serialNumber()), "duplicate serial " + d.serialNumber());
            DeviceCatalog.Model m = DeviceCatalog.model(d.productType()).orElseThrow();
            assertEquals(m.name(), d.model());
            DeviceCatalog.OsRelease r = DeviceCatalog.release(d.osVersion()).orElseThrow();
            assertEquals(r.build(), d.buildVersion());
            assertTrue(m.runs(r), d.productType() + " cannot run " + d.osVersion());
            if (m.randomizedSerial()) {
                assertTrue(d.serialNumber().matches("[0-9C-Y]{10}"), d.serialNumber());
            } else {
                assertTrue(d.serialNumber().matches("[A-Z0-9]{3}[C-Z][1-9C-Y][0-9A-Z]{3}[0-9A-Z]{4}"),
                        d.serialNumber());
            }
        }
        Map<Integer, Integer> majors = new HashMap<>();
        devices.forEach(d -> majors.merge(d.osMajor(), 1, Integer::sum));
        assertTrue(majors.get(18) > majors.get(17) && majors.get(17) > majors.get(16), majors.toString());
        assertTrue(majors.keySet().containsAll(Set.of(12, 13, 14, 15)), "older releases appear too: " + majors);
    }

    @Test
    void ipadShareAndModelAndOsSelectorsShapeThePopulation() {
        Population p = Population.builder().count(2_000).ipadShare(0.25).models("iPhone 15,iPhone16,1=2,iPad")
                .osVersions("17.5=3,18").build();
        List<DeviceSpec> devices = p.devices(3);
        long ipads = devices.stream().filter(d -> d.family().equals("iPad")).count();
        assertTrue(ipads > 400 && ipads < 600, "about a quarter iPads: " + ipads);
        Set<String> iphones = new HashSet<>();
        devices.stream().filter(d -> d.family().equals("iPhone")).forEach(d -> iphones.add(d.productType()));
        assertEquals(Set.of("iPhone15,4", "iPhone16,1"), iphones);
        for (DeviceSpec d : devices) {
            assertTrue(d.osVersion().startsWith("17.5") || d.osVersion().startsWith("18."), d.osVersion());
        }
        // 18.x is 1 share spread over 12 releases, 17.5 is 3 shares: most devices on 17.5 or 17.5.1
        long on175 = devices.stream().filter(d -> d.osVersion().startsWith("17.5")).count();
        assertTrue(on175 > devices.size() / 2, "17.5 weighs 3:1 against 18: " + on175);
    }

    @Test
    void modelsThatCannotRunTheRequestedReleasesAreLeftOut() {
        List<DeviceSpec> devices = Population.builder().count(300).osVersions("12").build().devices(1);
        for (DeviceSpec d : devices) {
            assertEquals(12, d.osMajor());
            assertTrue(DeviceCatalog.model(d.productType()).orElseThrow().released().getYear() <= 2019,
                    d.productType() + " cannot run iOS 12");
        }
    }

    @Test
    void sharesParseProductTypesWithTheirComma() {
        assertEquals(List.of(new Share("iPhone15,2", 3), new Share("iPad", 1), new Share("iPhone 14 Pro", 1)),
                Share.parseList("iPhone15,2=3, iPad,iPhone 14 Pro"));
        assertEquals(List.of(new Share("17", 60), new Share("18.1", 40)), Share.parseList("17=60,18.1=40"));
        assertEquals(List.of(new Share("iPad Pro*", 1), new Share("iPad13,18", 1)), Share.parseList("iPad Pro*,iPad13,18"));
    }

    @Test
    void badPopulationsAreRefusedWithTheReason() {
        assertEquals("models: iPhone 99 matches no model in the catalog (expected: a product type such as iPhone15,2,"
                        + " a name such as \"iPhone 14 Pro\", iPhone, iPad, or a prefix ending in *)",
                refusal(Population.builder().models("iPhone 99")));
        assertTrue(refusal(Population.builder().osVersions("19")).startsWith(
                "osVersions: 19 matches no release in the catalog (expected: a major such as 17"), "release 19");
        assertEquals("osVersions: 17.x (expected: a major such as 17, a minor such as 17.5 or a release such as"
                + " 17.5.1)", refusal(Population.builder().osVersions("17.x")));
        assertEquals("no model among [iPhone 16] runs any release among [15]",
                refusal(Population.builder().models("iPhone 16").osVersions("15")));
        assertEquals("ipadShare: 0.5 asks for iPads but no iPad among [iPhone] runs any release among the default"
                + " releases", refusal(Population.builder().models("iPhone").ipadShare(0.5)));
        assertEquals("count: 0 (expected: 1..1000000)", refusal(Population.builder().count(0)));
        assertEquals("ipadShare: 1.5 (expected: a share 0..1)", refusal(Population.builder().ipadShare(1.5)));
        assertEquals("weight of iPad: -1.0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> Share.parseList("iPad=-1")).getMessage());
        assertEquals("weight of iPad: x (expected: a number > 0)", assertThrows(IllegalArgumentException.class,
                () -> Share.parseList("iPad=x")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Share.parseList("iPad,,iPhone")).getMessage()
                .startsWith("empty entry in 'iPad,,iPhone'"));
    }

    @Test
    void selectingFromAnInventoryKeepsSerialsAndHonoursTheShares() {
        List<DeviceSpec> inventory = new ArrayList<>(Population.builder().count(400).ipadShare(0.5).build().devices(9));
        inventory.add(new DeviceSpec("UNKNOWN00001", "iPhone99,9", "iPhone Future", "26.0", "23A1"));
        Population pick = Population.builder().count(100).ipadShare(0.2).build();
        List<DeviceSpec> picked = pick.selectFrom(inventory, 5);
        assertEquals(100, picked.size());
        assertEquals(20, picked.stream().filter(d -> d.family().equals("iPad")).count());
        assertTrue(inventory.containsAll(picked), "devices keep their inventory facts");
        assertEquals(picked, pick.selectFrom(inventory, 5));
        assertNotEquals(picked, pick.selectFrom(inventory, 6));
        List<Integer> order = picked.stream().map(inventory::indexOf).toList();
        assertEquals(order.stream().sorted().toList(), order, "in inventory order");

        List<DeviceSpec> on18 = Population.builder().count(1000).osVersions("18.1.1").build().selectFrom(inventory, 5);
        assertTrue(on18.size() > 100);
        for (DeviceSpec d : on18) {
            assertEquals("18.1.1", d.osVersion());
            assertEquals("22B91", d.buildVersion());
            assertTrue(inventory.stream().anyMatch(i -> i.serialNumber().equals(d.serialNumber())
                    && i.productType().equals(d.productType())));
        }
    }

    @Test
    void familyOfAProductTypeOutsideTheCatalogStillSelectsIt() {
        List<DeviceSpec> inventory = List.of(new DeviceSpec("UNKNOWN00001", "iPhone99,9", "iPhone Future", "26.0",
                "23A1"));
        assertEquals(inventory, Population.builder().count(5).models("iPhone").build().selectFrom(inventory, 1));
        assertEquals(List.of(), Population.builder().count(5).osVersions("18").build().selectFrom(inventory, 1));
        assertEquals(Family.IPHONE, DeviceCatalog.Family.fromWire(inventory.getFirst().family()));
    }

    @Test
    void aFleetConfigTakesExplicitDevicesAndPopulationsEachWithItsKnobs() {
        io.mdmsim.core.pki.SimPki pki = io.mdmsim.core.pki.SimPki.create(java.time.Instant.parse("2025-01-01T00:00:00Z"));
        Behaviour slow = Behaviour.builder().dwellScale(2).build();
        Behaviour flaky = Behaviour.builder().dropRate(0.1).build();
        DeviceSpec own = new DeviceSpec("F2LXK0PQ0001", "iPhone15,2", "iPhone 14 Pro", "17.5", "21F79");
        FleetConfig c = FleetConfig.builder().cloudConfigUrl(java.net.URI.create("http://127.0.0.1:1/cloudconfig"))
                .appleDeviceCa(pki.appleDeviceCa().identity()).seed(4).addDevice(own).behaviour(slow)
                .population(Population.builder().count(3).behaviour(flaky).build())
                .population(Population.builder().count(2).models("iPad").build()).build();
        assertEquals(6, c.devices().size());
        assertEquals(own, c.devices().getFirst());
        assertEquals(Population.of(3).devices(4), c.devices().subList(1, 4), "the first population uses the seed");
        assertEquals(List.of(slow, flaky, flaky, flaky, Behaviour.DEFAULT, Behaviour.DEFAULT), c.behaviours());
        assertTrue(c.devices().subList(4, 6).stream().allMatch(d -> d.family().equals("iPad")));
        assertEquals(c, c.toBuilder().build());
    }

    private static String refusal(Population.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }
}
