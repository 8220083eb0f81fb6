package io.mdmsim.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.catalog.DeviceCatalog.Family;
import io.mdmsim.core.catalog.DeviceCatalog.Feature;
import io.mdmsim.core.catalog.DeviceCatalog.Model;
import io.mdmsim.core.catalog.DeviceCatalog.OsRelease;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalog's inventory facts (what the fake ABM draws from); the device emulator's DeviceCatalogTest covers the rest. */
class DeviceCatalogTest {

    @Test
    void everyModelHasInventoryFactsAndItsDepStrings() {
        for (Model m : DeviceCatalog.models()) {
            assertTrue(m.chipId().matches("8[0-9A-F]{3}"), m.productType() + " " + m.chipId());
            assertFalse(m.colors().isEmpty(), m.productType());
            assertTrue(m.capacitiesGb().stream().allMatch(c -> c >= 16 && c <= 2048), m.productType());
            assertTrue(m.inventoryWeight() >= 1, m.productType());
            assertTrue(DeviceCatalog.release(m.launchOs()).isPresent(), m.productType() + " launch " + m.launchOs());
            if (m.family() == Family.IPHONE) {
                assertNull(m.connectivity());
                assertTrue(m.cellular());
            } else {
                assertEquals(m.cellular() ? "WI-FI + CELLULAR" : "WI-FI", m.connectivity());
            }
            assertEquals(m.name(), m.depModel());
        }
        assertEquals("iOS", Family.IPHONE.os());
        assertEquals("iPadOS", Family.IPAD.os());
        assertEquals("iPhone", Family.IPHONE.wire());
    }

    @Test
    void olderModelsWeighLessInAnInventoryThanCurrentOnes() {
        Model iphone6s = DeviceCatalog.model("iPhone8,1").orElseThrow();
        Model iphone15 = DeviceCatalog.model("iPhone15,4").orElseThrow();
        assertTrue(iphone6s.inventoryWeight() * 10 <= iphone15.inventoryWeight());
        int before2021 = DeviceCatalog.models().stream().filter(m -> m.released().getYear() < 2021)
                .mapToInt(Model::inventoryWeight).sum();
        int total = DeviceCatalog.models().stream().mapToInt(Model::inventoryWeight).sum();
        assertTrue(before2021 * 10 < total, before2021 + " of " + total);
        assertTrue(DeviceCatalog.models().stream().anyMatch(m -> m.launchOs().startsWith("11.")));
    }

    @Test
    void udidFormAndChipFollowTheSoc() {
        Model iphone8 = DeviceCatalog.model("iPhone10,1").orElseThrow();
        assertEquals("8015", iphone8.chipId());
        assertTrue(iphone8.legacyUdid(), "A11 devices have 40-hex UDIDs");
        Model xs = DeviceCatalog.model("iPhone11,2").orElseThrow();
        assertEquals("8020", xs.chipId());
        assertFalse(xs.legacyUdid(), "A12 devices have 0000CCCC-ECID UDIDs");
        assertEquals("8120", DeviceCatalog.model("iPhone15,2").orElseThrow().chipId());
    }

    @Test
    void releasesForAModelOnADateAreInReleaseOrderAndOutByThen() {
        Model iphone6s = DeviceCatalog.model("iPhone8,1").orElseThrow();
        List<OsRelease> asOf2019 = DeviceCatalog.releasesFor(iphone6s, LocalDate.of(2019, 1, 1));
        assertEquals("11.0", asOf2019.getFirst().version());
        assertEquals("12.1", asOf2019.getLast().version());
        List<OsRelease> asOf2025 = DeviceCatalog.releasesFor(iphone6s, LocalDate.of(2025, 6, 1));
        assertEquals("15.8", asOf2025.getLast().version(), "the iPhone 6s stops at iOS 15");
        for (int i = 1; i < asOf2025.size(); i++) {
            assertFalse(asOf2025.get(i).released().isBefore(asOf2025.get(i - 1).released()));
        }
        Model ipad6 = DeviceCatalog.model("iPad7,5").orElseThrow();
        assertTrue(DeviceCatalog.releasesFor(ipad6, LocalDate.of(2025, 6, 1)).stream()
                .noneMatch(r -> r.version().equals("13.0")), "no iPad ran iOS 13.0");
        assertTrue(DeviceCatalog.releasesFor(DeviceCatalog.model("iPhone17,3").orElseThrow(), LocalDate.of(2024, 1, 1))
                .isEmpty(), "the iPhone 16 ran nothing before its launch");
    }

    @Test
    void aModelWithoutItsInventoryFactsIsRejectedWithWhatWasExpected() {
        LocalDate d = LocalDate.of(2020, 1, 1);
        IllegalArgumentException chip = assertThrows(IllegalArgumentException.class, () -> new Model("iPhone1,1", "X",
                Family.IPHONE, "80x0", d, "14.0", 18, Set.of(Feature.CELLULAR), 1, 1, List.of("Black"), List.of(64)));
        assertEquals("chipId: 80x0 (expected: 4 hex digits) for iPhone1,1", chip.getMessage());
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class, () -> new Model("iPhone1,1", "X",
                Family.IPHONE, "8030", d, "14.0", 18, Set.of(), 1, 0, List.of("Black"), List.of(64)));
        assertEquals("inventoryWeight: 0 (expected: >= 1) for iPhone1,1", weight.getMessage());
        IllegalArgumentException colors = assertThrows(IllegalArgumentException.class, () -> new Model("iPhone1,1",
                "X", Family.IPHONE, "8030", d, "14.0", 18, Set.of(), 1, 1, List.of(), List.of(64)));
        assertEquals("model iPhone1,1: needs colors and capacities", colors.getMessage());
    }

    @Test
    void theDataFileHoldsEveryModelOnceAndEveryRelease() {
        Set<String> types = new java.util.HashSet<>();
        for (Model m : DeviceCatalog.models()) {
            assertTrue(types.add(m.productType()), "twice: " + m.productType());
            assertTrue(m.family() == Family.IPAD || m.cellular(), "an iPhone has a modem: " + m.productType());
            assertFalse(DeviceCatalog.releasesFor(m).isEmpty(), "no release runs on " + m.productType());
        }
        assertEquals(DeviceCatalog.releases().size(),
                DeviceCatalog.releases().stream().map(OsRelease::build).distinct().count(), "builds are unique");
    }

    @Test
    void aMalformedCatalogFileIsRefusedWithWhereAndWhat() {
        var badChip = assertThrows(java.io.IOException.class, () -> DeviceCatalog.read(stream("""
                {"models": [{"productType": "iPhone1,1", "name": "X", "family": "IPHONE", "chipId": "80x0",
                  "released": "2020-01-01", "launchOs": "14.0", "lastMajor": 18, "weight": 1, "inventoryWeight": 1,
                  "features": ["CELLULAR"], "colors": ["Black"], "capacitiesGb": [64]}],
                 "releases": [{"version": "14.0", "build": "18A373", "released": "2020-09-16"}]}""")));
        assertTrue(badChip.getMessage().contains("chipId: 80x0 (expected: 4 hex digits) for iPhone1,1"),
                badChip.getMessage());
        var unknownKey = assertThrows(java.io.IOException.class, () -> DeviceCatalog.read(stream("""
                {"models": [], "releases": [], "modles": []}""")));
        assertTrue(unknownKey.getMessage().contains("modles"), unknownKey.getMessage());
        var empty = assertThrows(java.io.IOException.class, () -> DeviceCatalog.read(stream("{}")));
        assertEquals("expected non-empty \"models\" and \"releases\"", empty.getMessage());
    }

    @Test
    void theDepStringsAreThoseOfApplesDeviceSchema() throws Exception {
        // cross-check last: the gate skips (or, under MDMSIM_REQUIRE_TOOLS=1, fails) without Apple's schemas
        java.nio.file.Path schema = io.mdmsim.core.testing.Prerequisites.appleDeviceServices()
                .resolve("dep/schemas/Device.json");
        var props = new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema.toFile()).path("properties");
        Set<String> families = new java.util.HashSet<>();
        props.path("device_family").path("enum").forEach(n -> families.add(n.asText()));
        Set<String> oses = new java.util.HashSet<>();
        props.path("os").path("enum").forEach(n -> oses.add(n.asText()));
        assertFalse(families.isEmpty() || oses.isEmpty(), "Device.json lists device_family and os");
        for (Family f : Family.values()) {
            assertTrue(families.contains(f.wire()), f.wire() + " is not a device_family of Device.json " + families);
            assertTrue(oses.contains(f.os()), f.os() + " is not an os of Device.json " + oses);
        }
    }

    private static java.io.InputStream stream(String json) {
        return new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
