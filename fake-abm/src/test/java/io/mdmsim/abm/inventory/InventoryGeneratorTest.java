package io.mdmsim.abm.inventory;

import io.mdmsim.core.catalog.DeviceCatalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InventoryGeneratorTest {

    private static final LocalDate AS_OF = InventoryGenerator.DEFAULT_AS_OF;

    @Test
    void sameSeedGivesTheSameInventory() {
        assertEquals(InventoryGenerator.generate(42, 500, AS_OF), InventoryGenerator.generate(42, 500, AS_OF));
    }

    @Test
    void differentSeedsGiveDifferentInventories() {
        assertNotEquals(serials(InventoryGenerator.generate(1, 50, AS_OF)), serials(InventoryGenerator.generate(2, 50, AS_OF)));
    }

    @Test
    void serialsAreUniqueWithoutVowelsTwelveCodedOrTenRandomFrom2021() {
        List<InventoryDevice> devices = InventoryGenerator.generate(7, 5000, AS_OF);
        assertEquals(5000, new HashSet<>(serials(devices)).size());
        for (InventoryDevice d : devices) {
            int length = DeviceCatalog.model(d.productType()).orElseThrow().randomizedSerial() ? 10 : 12;
            assertTrue(d.serialNumber().matches("[0-9B-DF-HJ-NP-TV-Z]{" + length + "}"), d.serialNumber());
        }
    }

    @Test
    void configurationCodeIsTheSameForEveryUnitOfAConfiguration() {
        Map<String, Set<String>> codesByConfiguration = InventoryGenerator.generate(3, 3000, AS_OF).stream()
                .filter(d -> d.serialNumber().length() == 12) // models from 2021 on have random serials
                .collect(Collectors.groupingBy(d -> d.productType() + d.color() + d.capacityGb(),
                        Collectors.mapping(d -> d.serialNumber().substring(8), Collectors.toSet())));
        codesByConfiguration.forEach((config, codes) -> assertEquals(1, codes.size(), config + " " + codes));
    }

    @Test
    void osVersionAndBuildArePublishedPairsTheModelCanRun() {
        Map<String, String> builds = DeviceCatalog.releases().stream()
                .collect(Collectors.toMap(DeviceCatalog.OsRelease::version, DeviceCatalog.OsRelease::build));
        for (InventoryDevice d : InventoryGenerator.generate(11, 2000, AS_OF)) {
            assertEquals(builds.get(d.osVersion()), d.buildVersion(), d.toString());
            assertTrue(DeviceCatalog.releasesFor(d.model(), AS_OF).stream().anyMatch(r -> r.version().equals(d.osVersion())),
                    d.productType() + " cannot run " + d.osVersion());
            assertFalse(d.purchaseDate().isBefore(d.model().released()), d.toString());
            assertFalse(d.purchaseDate().isAfter(AS_OF), d.toString());
        }
    }

    @Test
    void iphonesAndIpadsHaveTheirFamilyFieldsAndIdentifiers() {
        List<InventoryDevice> devices = InventoryGenerator.generate(5, 2000, AS_OF);
        assertTrue(devices.stream().anyMatch(d -> d.family() == DeviceCatalog.Family.IPHONE));
        assertTrue(devices.stream().anyMatch(d -> d.family() == DeviceCatalog.Family.IPAD));
        for (InventoryDevice d : devices) {
            String udid = d.model().legacyUdid() ? "[0-9a-f]{40}" : "0000" + d.model().chipId() + "-[0-9A-F]{16}";
            assertTrue(d.udid().matches(udid), d.productType() + " " + d.udid());
            if (d.model().cellular()) {
                assertTrue(d.imei().matches("\\d{15}"), d.imei());
                assertEquals(d.imei().charAt(14) - '0', io.mdmsim.core.catalog.DeviceIdentifiers.luhn(d.imei().substring(0, 14)), d.imei());
            } else {
                assertNull(d.imei());
            }
            assertTrue(d.productType().startsWith(d.family().wire()), d.productType());
        }
    }

    @Test
    void olderModelsAreInTheInventoryButRarerThanCurrentOnes() {
        List<InventoryDevice> devices = InventoryGenerator.generate(1, 2000, AS_OF);
        long beforeFirstPurchase = devices.stream().filter(d -> d.model().released().getYear() < 2021).count();
        long runIos12 = devices.stream().filter(d -> runsMajor(d.model(), 12)).count();
        long runIos14 = devices.stream().filter(d -> runsMajor(d.model(), 14)).count();
        assertTrue(runIos12 >= 10, "devices that can run iOS 12: " + runIos12);
        assertTrue(runIos14 > runIos12, "iOS 14: " + runIos14 + ", iOS 12: " + runIos12);
        assertTrue(beforeFirstPurchase < devices.size() / 5, "pre-2021 models: " + beforeFirstPurchase);
        assertTrue(devices.stream().anyMatch(d -> d.model().family() == DeviceCatalog.Family.IPAD && runsMajor(d.model(), 12)));
        // a model from 2015 is rarer than the most common current one
        Map<String, Long> perModel = devices.stream().collect(Collectors.groupingBy(InventoryDevice::productType, Collectors.counting()));
        assertTrue(perModel.getOrDefault("iPhone8,1", 0L) < perModel.get("iPhone15,4"), perModel.toString());
    }

    private static boolean runsMajor(DeviceCatalog.Model m, int major) {
        return DeviceCatalog.releases().stream().anyMatch(r -> r.major() == major && m.runs(r));
    }

    @Test
    void descriptionReadsLikeAnAppleOrderLine() {
        DeviceCatalog.Model pro = DeviceCatalog.models().stream().filter(m -> m.productType().equals("iPhone14,2")).findFirst().orElseThrow();
        assertEquals("IPHONE 13 PRO SIERRA BLUE 128GB-USA", InventoryGenerator.description(pro, "Sierra Blue", 128));
        assertEquals("IPHONE 13 PRO GOLD 1TB-USA", InventoryGenerator.description(pro, "Gold", 1024));
    }

    @Test
    void rejectsANegativeCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InventoryGenerator.generate(1, -1, AS_OF));
        assertEquals("deviceCount: -1 (expected: >= 0)", e.getMessage());
    }

    private static List<String> serials(List<InventoryDevice> devices) {
        return devices.stream().map(InventoryDevice::serialNumber).toList();
    }
}
