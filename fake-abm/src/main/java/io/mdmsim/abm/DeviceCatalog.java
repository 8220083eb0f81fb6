package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

/**
 * The iPhone and iPad models and the iOS/iPadOS releases the inventory is drawn from. Product types and names as
 * Apple reports them (MDM DeviceInformation ProductName / ModelName); builds are Apple's published build numbers.
 */
final class DeviceCatalog {

    enum Family {
        IPHONE("iPhone", "iOS"),
        IPAD("iPad", "iPadOS");

        private final String wire;
        private final String os;

        Family(String wire, String os) {
            this.wire = wire;
            this.os = os;
        }

        /** DEP {@code device_family}. */
        String wire() {
            return wire;
        }

        /** DEP {@code os} (protocol version 7 and later; earlier versions report iPads as iOS). */
        String os() {
            return os;
        }
    }

    /**
     * One product type. {@code connectivity} is null for iPhones and "WI-FI" / "WI-FI + CELLULAR" for iPads;
     * {@code chipId} is the SoC's chip id as it appears in the UDID (0000CCCC-ECID).
     */
    record Model(String productType, String name, Family family, String chipId, String connectivity, boolean cellular,
            LocalDate released, String launchOs, int lastMajor, List<String> colors, List<Integer> capacitiesGb,
            int weight) {
        Model {
            requireNonNull(productType, "productType");
            requireNonNull(name, "name");
            requireNonNull(family, "family");
            requireNonNull(chipId, "chipId");
            requireNonNull(released, "released");
            requireNonNull(launchOs, "launchOs");
            colors = List.copyOf(colors);
            capacitiesGb = List.copyOf(capacitiesGb);
            if (colors.isEmpty() || capacitiesGb.isEmpty() || weight < 1) {
                throw new IllegalArgumentException("model " + productType + ": needs colors, capacities and weight >= 1");
            }
        }

        /** Apple's "model" string in DEP: the marketing name. */
        String depModel() {
            return name;
        }
    }

    record OsRelease(String version, String build, LocalDate released) {
        OsRelease {
            requireNonNull(version, "version");
            requireNonNull(build, "build");
            requireNonNull(released, "released");
        }

        int major() {
            return Integer.parseInt(version.substring(0, version.indexOf('.') < 0 ? version.length() : version.indexOf('.')));
        }
    }

    private static final List<String> IPHONE_13 = List.of("Midnight", "Starlight", "Blue", "Pink", "(PRODUCT)RED", "Green");
    private static final List<String> IPHONE_13_PRO = List.of("Graphite", "Gold", "Silver", "Sierra Blue", "Alpine Green");
    private static final List<String> IPHONE_14 = List.of("Midnight", "Starlight", "Blue", "Purple", "(PRODUCT)RED", "Yellow");
    private static final List<String> IPHONE_14_PRO = List.of("Space Black", "Silver", "Gold", "Deep Purple");
    private static final List<String> IPHONE_15 = List.of("Black", "Blue", "Green", "Yellow", "Pink");
    private static final List<String> IPHONE_15_PRO = List.of("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium");
    private static final List<String> IPHONE_16 = List.of("Black", "White", "Pink", "Teal", "Ultramarine");
    private static final List<String> IPHONE_16_PRO = List.of("Black Titanium", "White Titanium", "Natural Titanium", "Desert Titanium");

    static final List<Model> MODELS = List.of(
            iphone("iPhone14,6", "iPhone SE (3rd generation)", "8110", "2022-03-18", "15.4", List.of("Midnight", "Starlight", "(PRODUCT)RED"), List.of(64, 128, 256), 6),
            iphone("iPhone14,5", "iPhone 13", "8110", "2021-09-24", "15.0", IPHONE_13, List.of(128, 256, 512), 10),
            iphone("iPhone14,2", "iPhone 13 Pro", "8110", "2021-09-24", "15.0", IPHONE_13_PRO, List.of(128, 256, 512, 1024), 6),
            iphone("iPhone14,3", "iPhone 13 Pro Max", "8110", "2021-09-24", "15.0", IPHONE_13_PRO, List.of(128, 256, 512, 1024), 3),
            iphone("iPhone14,7", "iPhone 14", "8110", "2022-09-16", "16.0", IPHONE_14, List.of(128, 256, 512), 12),
            iphone("iPhone14,8", "iPhone 14 Plus", "8110", "2022-10-07", "16.0", IPHONE_14, List.of(128, 256, 512), 3),
            iphone("iPhone15,2", "iPhone 14 Pro", "8120", "2022-09-16", "16.0", IPHONE_14_PRO, List.of(128, 256, 512, 1024), 6),
            iphone("iPhone15,3", "iPhone 14 Pro Max", "8120", "2022-09-16", "16.0", IPHONE_14_PRO, List.of(128, 256, 512, 1024), 3),
            iphone("iPhone15,4", "iPhone 15", "8120", "2023-09-22", "17.0", IPHONE_15, List.of(128, 256, 512), 14),
            iphone("iPhone15,5", "iPhone 15 Plus", "8120", "2023-09-22", "17.0", IPHONE_15, List.of(128, 256, 512), 3),
            iphone("iPhone16,1", "iPhone 15 Pro", "8130", "2023-09-22", "17.0", IPHONE_15_PRO, List.of(128, 256, 512, 1024), 8),
            iphone("iPhone16,2", "iPhone 15 Pro Max", "8130", "2023-09-22", "17.0", IPHONE_15_PRO, List.of(256, 512, 1024), 4),
            iphone("iPhone17,3", "iPhone 16", "8140", "2024-09-20", "18.0", IPHONE_16, List.of(128, 256, 512), 14),
            iphone("iPhone17,4", "iPhone 16 Plus", "8140", "2024-09-20", "18.0", IPHONE_16, List.of(128, 256, 512), 3),
            iphone("iPhone17,1", "iPhone 16 Pro", "8140", "2024-09-20", "18.0", IPHONE_16_PRO, List.of(128, 256, 512, 1024), 8),
            iphone("iPhone17,2", "iPhone 16 Pro Max", "8140", "2024-09-20", "18.0", IPHONE_16_PRO, List.of(256, 512, 1024), 4),
            ipad("iPad12,1", "iPad (9th generation)", "8030", "WI-FI", false, "2021-09-24", "15.0", List.of("Space Gray", "Silver"), List.of(64, 256), 6),
            ipad("iPad13,18", "iPad (10th generation)", "8101", "WI-FI", false, "2022-10-26", "16.1", List.of("Silver", "Blue", "Pink", "Yellow"), List.of(64, 256), 8),
            ipad("iPad13,19", "iPad (10th generation)", "8101", "WI-FI + CELLULAR", true, "2022-10-26", "16.1", List.of("Silver", "Blue", "Pink", "Yellow"), List.of(64, 256), 4),
            ipad("iPad14,1", "iPad mini (6th generation)", "8110", "WI-FI", false, "2021-09-24", "15.0", List.of("Space Gray", "Pink", "Purple", "Starlight"), List.of(64, 256), 3),
            ipad("iPad13,16", "iPad Air (5th generation)", "8103", "WI-FI", false, "2022-03-18", "15.4", List.of("Space Gray", "Starlight", "Pink", "Purple", "Blue"), List.of(64, 256), 3),
            ipad("iPad14,8", "iPad Air 11-inch (M2)", "8112", "WI-FI", false, "2024-05-15", "17.5", List.of("Space Gray", "Blue", "Purple", "Starlight"), List.of(128, 256, 512, 1024), 3),
            ipad("iPad14,3", "iPad Pro 11-inch (4th generation)", "8112", "WI-FI", false, "2022-10-26", "16.1", List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024, 2048), 2));

    /** iOS and iPadOS share version and build numbers for these releases. Sorted by release date. */
    static final List<OsRelease> RELEASES = List.of(
            os("15.0", "19A346", "2021-09-20"),
            os("15.4", "19E241", "2022-03-14"),
            os("15.7", "19H12", "2022-09-12"),
            os("16.0", "20A362", "2022-09-12"),
            os("16.1", "20B82", "2022-10-24"),
            os("16.2", "20C65", "2022-12-13"),
            os("16.3", "20D47", "2023-01-23"),
            os("16.4", "20E247", "2023-03-27"),
            os("16.5", "20F66", "2023-05-18"),
            os("16.6", "20G75", "2023-07-24"),
            os("16.7", "20H19", "2023-09-21"),
            os("17.0", "21A329", "2023-09-18"),
            os("17.1.2", "21B101", "2023-11-30"),
            os("17.2", "21C62", "2023-12-11"),
            os("17.3", "21D50", "2024-01-22"),
            os("17.4", "21E219", "2024-03-05"),
            os("17.5", "21F79", "2024-05-13"),
            os("17.5.1", "21F90", "2024-05-20"),
            os("17.6", "21G80", "2024-07-29"),
            os("17.6.1", "21G93", "2024-08-07"),
            os("18.0", "22A3354", "2024-09-16"),
            os("18.0.1", "22A3370", "2024-10-03"),
            os("18.1", "22B83", "2024-10-28"),
            os("18.1.1", "22B91", "2024-11-19"),
            os("18.2", "22C152", "2024-12-11"),
            os("18.2.1", "22C161", "2025-01-06"),
            os("18.3", "22D63", "2025-01-27"),
            os("18.3.1", "22D72", "2025-02-10"),
            os("18.3.2", "22D82", "2025-03-10"),
            os("18.4", "22E240", "2025-03-31"),
            os("18.4.1", "22E252", "2025-04-16"),
            os("18.5", "22F76", "2025-05-12"));

    private DeviceCatalog() {
    }

    /** The releases a model can run on {@code asOf}: at least its launch release, at most its last major. */
    static List<OsRelease> releasesFor(Model model, LocalDate asOf) {
        OsRelease launch = RELEASES.stream().filter(r -> r.version().equals(model.launchOs())).findFirst()
                .orElseThrow(() -> new IllegalStateException("model " + model.productType() + ": unknown launch OS " + model.launchOs()));
        return RELEASES.stream()
                .filter(r -> !r.released().isBefore(launch.released()) && !r.released().isAfter(asOf) && r.major() <= model.lastMajor())
                .sorted(Comparator.comparing(OsRelease::released))
                .toList();
    }

    private static Model iphone(String productType, String name, String chip, String released, String launchOs,
            List<String> colors, List<Integer> capacities, int weight) {
        return new Model(productType, name, Family.IPHONE, chip, null, true, LocalDate.parse(released), launchOs, 18,
                colors, capacities, weight);
    }

    private static Model ipad(String productType, String name, String chip, String connectivity, boolean cellular,
            String released, String launchOs, List<String> colors, List<Integer> capacities, int weight) {
        return new Model(productType, name, Family.IPAD, chip, connectivity, cellular, LocalDate.parse(released), launchOs,
                18, colors, capacities, weight);
    }

    private static OsRelease os(String version, String build, String released) {
        return new OsRelease(version, build, LocalDate.parse(released));
    }
}
