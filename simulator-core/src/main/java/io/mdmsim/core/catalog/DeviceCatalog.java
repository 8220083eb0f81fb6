package io.mdmsim.core.catalog;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one device catalog of the simulator: the iPhones and iPads (iPhone 6s to iPhone 16e, iPad 5th generation to iPad
 * Pro M4) and the iOS/iPadOS releases 11.0 to 18.5 with Apple's build numbers. The fake ABM draws its inventory from it
 * (colours, capacities, chip ids, {@link Model#inventoryWeight()}, the DEP {@code os}/{@code device_family} strings),
 * the device emulator its populations and Setup Assistant panes ({@link Model#weight()}, {@link Feature}s). Product
 * types and names as Apple reports them in DeviceInformation (ProductName) and ABM (model). A model runs a release
 * when the release is at least the model's launch release and at most its last major version; iPadOS starts at 13.1.
 */
public final class DeviceCatalog {

    /** iPhone or iPad. */
    public enum Family {
        IPHONE("iPhone", "iOS"),
        IPAD("iPad", "iPadOS");

        private final String wire;
        private final String os;

        Family(String wire, String os) {
            this.wire = wire;
            this.os = os;
        }

        /** DEP {@code os}: "iOS" or "iPadOS" (protocol version 7 and later; earlier versions report iPads as iOS). */
        public String os() {
            return os;
        }

        /** "iPhone" or "iPad", as in ModelName and DEP device_family. */
        public String wire() {
            return wire;
        }

        /** "iPhone" or "iPad" (case-insensitive); IllegalArgumentException otherwise. */
        public static Family fromWire(String s) {
            for (Family f : values()) {
                if (f.wire.equalsIgnoreCase(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("family: " + s + " (expected: iPhone or iPad)");
        }
    }

    /** Hardware the Setup Assistant panes depend on. */
    public enum Feature {
        /** Touch ID sensor (home button or top button). */
        TOUCH_ID,
        /** TrueDepth camera. */
        FACE_ID,
        /** A cellular modem: IMEI, SIM setup. */
        CELLULAR,
        /** The solid-state home button of iPhone 7, 8 and SE (2nd, 3rd): the HomeButtonSensitivity pane. */
        HAPTIC_HOME_BUTTON,
        /** True Tone display: the DisplayTone pane. */
        TRUE_TONE,
        /** Action button: the ActionButton pane (iOS 17+). */
        ACTION_BUTTON,
        /** Camera Control: the CameraButton pane (iOS 18+). */
        CAMERA_CONTROL,
        /** Apple Intelligence capable: the Intelligence pane (iOS 18+). */
        APPLE_INTELLIGENCE
    }

    /**
     * One product type.
     *
     * @param productType e.g. "iPhone15,2"
     * @param name        marketing name, e.g. "iPhone 14 Pro" (ABM's model)
     * @param family      iPhone or iPad
     * @param chipId      the SoC's chip id (4 hex digits) as it appears in the UDID (0000CCCC-ECID), e.g. "8120"
     * @param released    first sale
     * @param launchOs    the release it shipped with
     * @param lastMajor   the last major release it runs (capped at 18, the newest in this catalog)
     * @param features    hardware the panes depend on
     * @param weight      relative share in a default population (how common the model is in fleets)
     * @param inventoryWeight relative share among the models on sale when the fake ABM draws a purchase (models
     *                    released before the inventory's first purchases are rare: left-over stock, re-enrolled
     *                    devices)
     * @param colors      the colours it was sold in, as on Apple's order lines
     * @param capacitiesGb the storage sizes it was sold with
     */
    public record Model(String productType, String name, Family family, String chipId, LocalDate released,
                        String launchOs, int lastMajor, Set<Feature> features, int weight, int inventoryWeight,
                        List<String> colors, List<Integer> capacitiesGb) {
        public Model {
            requireNonNull(productType, "productType");
            requireNonNull(name, "name");
            requireNonNull(family, "family");
            requireNonNull(chipId, "chipId");
            requireNonNull(released, "released");
            requireNonNull(launchOs, "launchOs");
            features = features.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(features));
            colors = List.copyOf(colors);
            capacitiesGb = List.copyOf(capacitiesGb);
            if (weight < 1) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1) for " + productType);
            }
            if (inventoryWeight < 1) {
                throw new IllegalArgumentException("inventoryWeight: " + inventoryWeight + " (expected: >= 1) for "
                        + productType);
            }
            if (!chipId.matches("[0-9A-F]{4}")) {
                throw new IllegalArgumentException("chipId: " + chipId + " (expected: 4 hex digits) for " + productType);
            }
            if (colors.isEmpty() || capacitiesGb.isEmpty()) {
                throw new IllegalArgumentException("model " + productType + ": needs colors and capacities");
            }
        }

        /** Has a cellular modem (every iPhone, the cellular iPads). */
        public boolean cellular() {
            return has(Feature.CELLULAR);
        }

        /** null for iPhones; "WI-FI" or "WI-FI + CELLULAR" for iPads, as in Apple's order-line descriptions. */
        public String connectivity() {
            return family == Family.IPHONE ? null : cellular() ? "WI-FI + CELLULAR" : "WI-FI";
        }

        /**
         * True for devices before the A12 chip, whose UDID is 40 lowercase hex digits (a SHA-1); from the A12 on the
         * UDID is "0000" + chip id + "-" + 16 hex digits of the ECID.
         */
        public boolean legacyUdid() {
            return Integer.parseInt(chipId, 16) < 0x8020;
        }

        /** Apple's "model" string in DEP: the marketing name. */
        public String depModel() {
            return name;
        }

        public boolean has(Feature f) {
            return features.contains(f);
        }

        /** True when this model can run the release (launch release <= release, major <= last major). */
        public boolean runs(OsRelease release) {
            if (compareVersions(release.version(), launchOs) < 0 || release.major() > lastMajor) {
                return false;
            }
            return family != Family.IPAD || compareVersions(release.version(), "13.1") >= 0 || release.major() < 13;
        }

        /** Serial numbers of devices made from 2021 on are 10 random characters; before, 12 coded ones. */
        public boolean randomizedSerial() {
            return released.getYear() >= 2021;
        }
    }

    /** One iOS/iPadOS release. */
    public record OsRelease(String version, String build, LocalDate released) {
        public OsRelease {
            requireNonNull(version, "version");
            requireNonNull(build, "build");
            requireNonNull(released, "released");
        }

        public int major() {
            int dot = version.indexOf('.');
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        }
    }

    private static final Set<Feature> NONE = Set.of();

    private static final List<Model> MODELS = List.of(
            iphone("iPhone8,1", "iPhone 6s", "8000", "2015-09-25", "11.0", 15, 1, 1,
                    List.of("Space Gray", "Silver", "Gold", "Rose Gold"), List.of(16, 32, 64, 128), Feature.TOUCH_ID),
            iphone("iPhone8,2", "iPhone 6s Plus", "8000", "2015-09-25", "11.0", 15, 1, 1,
                    List.of("Space Gray", "Silver", "Gold", "Rose Gold"), List.of(16, 32, 64, 128), Feature.TOUCH_ID),
            iphone("iPhone8,4", "iPhone SE (1st generation)", "8000", "2016-03-31", "11.0", 15, 1, 1,
                    List.of("Space Gray", "Silver", "Gold", "Rose Gold"), List.of(16, 32, 64, 128), Feature.TOUCH_ID),
            iphone("iPhone9,1", "iPhone 7", "8010", "2016-09-16", "11.0", 15, 1, 1,
                    List.of("Black", "Jet Black", "Silver", "Gold", "Rose Gold", "(PRODUCT)RED"), List.of(32, 128, 256), Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON),
            iphone("iPhone9,3", "iPhone 7", "8010", "2016-09-16", "11.0", 15, 1, 1,
                    List.of("Black", "Jet Black", "Silver", "Gold", "Rose Gold", "(PRODUCT)RED"), List.of(32, 128, 256), Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON),
            iphone("iPhone9,2", "iPhone 7 Plus", "8010", "2016-09-16", "11.0", 15, 1, 1,
                    List.of("Black", "Jet Black", "Silver", "Gold", "Rose Gold", "(PRODUCT)RED"), List.of(32, 128, 256), Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON),
            iphone("iPhone10,1", "iPhone 8", "8015", "2017-09-22", "11.0", 16, 2, 2,
                    List.of("Space Gray", "Silver", "Gold", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON,
                    Feature.TRUE_TONE),
            iphone("iPhone10,4", "iPhone 8", "8015", "2017-09-22", "11.0", 16, 1, 1,
                    List.of("Space Gray", "Silver", "Gold", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON,
                    Feature.TRUE_TONE),
            iphone("iPhone10,2", "iPhone 8 Plus", "8015", "2017-09-22", "11.0", 16, 1, 1,
                    List.of("Space Gray", "Silver", "Gold", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON, Feature.TRUE_TONE),
            iphone("iPhone10,3", "iPhone X", "8015", "2017-11-03", "11.1", 16, 1, 1,
                    List.of("Space Gray", "Silver"), List.of(64, 256), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone10,6", "iPhone X", "8015", "2017-11-03", "11.1", 16, 1, 1,
                    List.of("Space Gray", "Silver"), List.of(64, 256), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone11,2", "iPhone XS", "8020", "2018-09-21", "12.0", 18, 1, 1,
                    List.of("Space Gray", "Silver", "Gold"), List.of(64, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone11,6", "iPhone XS Max", "8020", "2018-09-21", "12.0", 18, 1, 1,
                    List.of("Space Gray", "Silver", "Gold"), List.of(64, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone11,8", "iPhone XR", "8020", "2018-10-26", "12.0", 18, 2, 3,
                    List.of("Black", "White", "Blue", "Yellow", "Coral", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,1", "iPhone 11", "8030", "2019-09-20", "13.0", 18, 4, 6,
                    List.of("Black", "White", "Purple", "Yellow", "Green", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,3", "iPhone 11 Pro", "8030", "2019-09-20", "13.0", 18, 1, 2,
                    List.of("Space Gray", "Silver", "Gold", "Midnight Green"), List.of(64, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,5", "iPhone 11 Pro Max", "8030", "2019-09-20", "13.0", 18, 1, 1,
                    List.of("Space Gray", "Silver", "Gold", "Midnight Green"), List.of(64, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,8", "iPhone SE (2nd generation)", "8030", "2020-04-24", "13.4", 18, 4, 6,
                    List.of("Black", "White", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON, Feature.TRUE_TONE),
            iphone("iPhone13,1", "iPhone 12 mini", "8101", "2020-11-13", "14.1", 18, 1, 2,
                    List.of("Black", "White", "Blue", "Green", "(PRODUCT)RED", "Purple"), List.of(64, 128, 256), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone13,2", "iPhone 12", "8101", "2020-10-23", "14.1", 18, 6, 8,
                    List.of("Black", "White", "Blue", "Green", "(PRODUCT)RED", "Purple"), List.of(64, 128, 256), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone13,3", "iPhone 12 Pro", "8101", "2020-10-23", "14.1", 18, 2, 3,
                    List.of("Graphite", "Silver", "Gold", "Pacific Blue"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone13,4", "iPhone 12 Pro Max", "8101", "2020-11-13", "14.2", 18, 1, 2,
                    List.of("Graphite", "Silver", "Gold", "Pacific Blue"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,4", "iPhone 13 mini", "8110", "2021-09-24", "15.0", 18, 1, 10,
                    List.of("Midnight", "Starlight", "Blue", "Pink", "(PRODUCT)RED", "Green"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,5", "iPhone 13", "8110", "2021-09-24", "15.0", 18, 8, 100,
                    List.of("Midnight", "Starlight", "Blue", "Pink", "(PRODUCT)RED", "Green"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,2", "iPhone 13 Pro", "8110", "2021-09-24", "15.0", 18, 3, 60,
                    List.of("Graphite", "Gold", "Silver", "Sierra Blue", "Alpine Green"), List.of(128, 256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,3", "iPhone 13 Pro Max", "8110", "2021-09-24", "15.0", 18, 2, 30,
                    List.of("Graphite", "Gold", "Silver", "Sierra Blue", "Alpine Green"), List.of(128, 256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,6", "iPhone SE (3rd generation)", "8110", "2022-03-18", "15.4", 18, 5, 60,
                    List.of("Midnight", "Starlight", "(PRODUCT)RED"), List.of(64, 128, 256), Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON, Feature.TRUE_TONE),
            iphone("iPhone14,7", "iPhone 14", "8110", "2022-09-16", "16.0", 18, 10, 120,
                    List.of("Midnight", "Starlight", "Blue", "Purple", "(PRODUCT)RED", "Yellow"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,8", "iPhone 14 Plus", "8110", "2022-10-07", "16.0", 18, 2, 30,
                    List.of("Midnight", "Starlight", "Blue", "Purple", "(PRODUCT)RED", "Yellow"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,2", "iPhone 14 Pro", "8120", "2022-09-16", "16.0", 18, 4, 60,
                    List.of("Space Black", "Silver", "Gold", "Deep Purple"), List.of(128, 256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,3", "iPhone 14 Pro Max", "8120", "2022-09-16", "16.0", 18, 2, 30,
                    List.of("Space Black", "Silver", "Gold", "Deep Purple"), List.of(128, 256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,4", "iPhone 15", "8120", "2023-09-22", "17.0", 18, 12, 140,
                    List.of("Black", "Blue", "Green", "Yellow", "Pink"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,5", "iPhone 15 Plus", "8120", "2023-09-22", "17.0", 18, 2, 30,
                    List.of("Black", "Blue", "Green", "Yellow", "Pink"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone16,1", "iPhone 15 Pro", "8130", "2023-09-22", "17.0", 18, 6, 80,
                    List.of("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium"), List.of(128, 256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone16,2", "iPhone 15 Pro Max", "8130", "2023-09-22", "17.0", 18, 3, 40,
                    List.of("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium"), List.of(256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,3", "iPhone 16", "8140", "2024-09-20", "18.0", 18, 12, 140,
                    List.of("Black", "White", "Pink", "Teal", "Ultramarine"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,4", "iPhone 16 Plus", "8140", "2024-09-20", "18.0", 18, 2, 30,
                    List.of("Black", "White", "Pink", "Teal", "Ultramarine"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,1", "iPhone 16 Pro", "8140", "2024-09-20", "18.0", 18, 5, 80,
                    List.of("Black Titanium", "White Titanium", "Natural Titanium", "Desert Titanium"), List.of(128, 256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,2", "iPhone 16 Pro Max", "8140", "2024-09-20", "18.0", 18, 3, 40,
                    List.of("Black Titanium", "White Titanium", "Natural Titanium", "Desert Titanium"), List.of(256, 512, 1024), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,5", "iPhone 16e", "8140", "2025-02-28", "18.3", 18, 4, 30,
                    List.of("Black", "White"), List.of(128, 256, 512), Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.APPLE_INTELLIGENCE),

            ipad("iPad6,11", "iPad (5th generation)", "8000", "2017-03-24", "11.0", 16, 1, 1, false,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad6,12", "iPad (5th generation)", "8000", "2017-03-24", "11.0", 16, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad7,5", "iPad (6th generation)", "8010", "2018-03-27", "11.3", 17, 2, 2, false,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad7,6", "iPad (6th generation)", "8010", "2018-03-27", "11.3", 17, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad7,3", "iPad Pro (10.5-inch)", "8011", "2017-06-13", "11.0", 17, 1, 1, false,
                    List.of("Space Gray", "Silver", "Gold", "Rose Gold"), List.of(64, 256, 512), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad7,4", "iPad Pro (10.5-inch)", "8011", "2017-06-13", "11.0", 17, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold", "Rose Gold"), List.of(64, 256, 512), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad7,11", "iPad (7th generation)", "8010", "2019-09-25", "13.1", 18, 3, 3, false,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad7,12", "iPad (7th generation)", "8010", "2019-09-25", "13.1", 18, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad11,1", "iPad mini (5th generation)", "8020", "2019-03-18", "12.2", 18, 1, 1, false,
                    List.of("Space Gray", "Silver", "Gold"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,2", "iPad mini (5th generation)", "8020", "2019-03-18", "12.2", 18, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,3", "iPad Air (3rd generation)", "8020", "2019-03-18", "12.2", 18, 1, 1, false,
                    List.of("Space Gray", "Silver", "Gold"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,4", "iPad Air (3rd generation)", "8020", "2019-03-18", "12.2", 18, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,1", "iPad Pro 11-inch (1st generation)", "8027", "2018-11-07", "12.1", 18, 1, 1, false,
                    List.of("Space Gray", "Silver"), List.of(64, 256, 512, 1024), Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,3", "iPad Pro 11-inch (1st generation)", "8027", "2018-11-07", "12.1", 18, 1, 1, true,
                    List.of("Space Gray", "Silver"), List.of(64, 256, 512, 1024), Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,9", "iPad Pro 11-inch (2nd generation)", "8027", "2020-03-25", "13.4", 18, 1, 1, false,
                    List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024), Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,10", "iPad Pro 11-inch (2nd generation)", "8027", "2020-03-25", "13.4", 18, 1, 1, true,
                    List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024), Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,6", "iPad (8th generation)", "8020", "2020-09-18", "14.0", 18, 3, 4, false,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad11,7", "iPad (8th generation)", "8020", "2020-09-18", "14.0", 18, 1, 1, true,
                    List.of("Space Gray", "Silver", "Gold"), List.of(32, 128), Feature.TOUCH_ID),
            ipad("iPad13,1", "iPad Air (4th generation)", "8101", "2020-10-23", "14.1", 18, 2, 2, false,
                    List.of("Space Gray", "Silver", "Rose Gold", "Green", "Sky Blue"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,2", "iPad Air (4th generation)", "8101", "2020-10-23", "14.1", 18, 1, 1, true,
                    List.of("Space Gray", "Silver", "Rose Gold", "Green", "Sky Blue"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,4", "iPad Pro 11-inch (3rd generation)", "8103", "2021-05-21", "14.5", 18, 1, 5, false,
                    List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024, 2048),
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad13,6", "iPad Pro 11-inch (3rd generation)", "8103", "2021-05-21", "14.5", 18, 1, 3, true,
                    List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024, 2048),
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad12,1", "iPad (9th generation)", "8030", "2021-09-24", "15.0", 18, 6, 60, false,
                    List.of("Space Gray", "Silver"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad12,2", "iPad (9th generation)", "8030", "2021-09-24", "15.0", 18, 2, 20, true,
                    List.of("Space Gray", "Silver"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad14,1", "iPad mini (6th generation)", "8110", "2021-09-24", "15.0", 18, 2, 30, false,
                    List.of("Space Gray", "Pink", "Purple", "Starlight"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad14,2", "iPad mini (6th generation)", "8110", "2021-09-24", "15.0", 18, 1, 10, true,
                    List.of("Space Gray", "Pink", "Purple", "Starlight"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,16", "iPad Air (5th generation)", "8103", "2022-03-18", "15.4", 18, 2, 30, false,
                    List.of("Space Gray", "Starlight", "Pink", "Purple", "Blue"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad13,17", "iPad Air (5th generation)", "8103", "2022-03-18", "15.4", 18, 1, 10, true,
                    List.of("Space Gray", "Starlight", "Pink", "Purple", "Blue"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad13,18", "iPad (10th generation)", "8101", "2022-10-26", "16.1", 18, 8, 80, false,
                    List.of("Silver", "Blue", "Pink", "Yellow"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,19", "iPad (10th generation)", "8101", "2022-10-26", "16.1", 18, 3, 40, true,
                    List.of("Silver", "Blue", "Pink", "Yellow"), List.of(64, 256), Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad14,3", "iPad Pro 11-inch (4th generation)", "8112", "2022-10-26", "16.1", 18, 1, 20, false,
                    List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024, 2048),
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad14,4", "iPad Pro 11-inch (4th generation)", "8112", "2022-10-26", "16.1", 18, 1, 10, true,
                    List.of("Space Gray", "Silver"), List.of(128, 256, 512, 1024, 2048),
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad14,8", "iPad Air 11-inch (M2)", "8112", "2024-05-15", "17.5", 18, 2, 30, false,
                    List.of("Space Gray", "Blue", "Purple", "Starlight"), List.of(128, 256, 512, 1024), Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad14,9", "iPad Air 11-inch (M2)", "8112", "2024-05-15", "17.5", 18, 1, 10, true,
                    List.of("Space Gray", "Blue", "Purple", "Starlight"), List.of(128, 256, 512, 1024), Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad16,3", "iPad Pro 11-inch (M4)", "8132", "2024-05-15", "17.5", 18, 1, 20, false,
                    List.of("Space Black", "Silver"), List.of(256, 512, 1024, 2048), Feature.FACE_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad16,4", "iPad Pro 11-inch (M4)", "8132", "2024-05-15", "17.5", 18, 1, 10, true,
                    List.of("Space Black", "Silver"), List.of(256, 512, 1024, 2048), Feature.FACE_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE));

    /** iOS and iPadOS releases with Apple's build numbers, in version order. iPhone and iPad share the builds. */
    private static final List<OsRelease> RELEASES = sortedByVersion(List.of(
            os("11.0", "15A372", "2017-09-19"),
            os("11.0.3", "15A432", "2017-10-11"),
            os("11.1", "15B93", "2017-10-31"),
            os("11.2", "15C114", "2017-12-02"),
            os("11.2.6", "15D100", "2018-02-19"),
            os("11.3", "15E216", "2018-03-29"),
            os("11.4", "15F79", "2018-05-29"),
            os("11.4.1", "15G77", "2018-07-09"),
            os("12.0", "16A366", "2018-09-17"),
            os("12.1", "16B92", "2018-10-30"),
            os("12.1.4", "16D57", "2019-02-07"),
            os("12.2", "16E227", "2019-03-25"),
            os("12.3", "16F156", "2019-05-13"),
            os("12.4", "16G77", "2019-07-22"),
            os("12.4.1", "16G102", "2019-08-26"),
            os("13.0", "17A577", "2019-09-19"),
            os("13.1", "17A844", "2019-09-24"),
            os("13.2", "17B84", "2019-10-28"),
            os("13.3", "17C54", "2019-12-10"),
            os("13.4", "17E255", "2020-03-24"),
            os("13.5", "17F75", "2020-06-01"),
            os("13.6", "17G68", "2020-07-15"),
            os("13.7", "17H35", "2020-09-01"),
            os("14.0", "18A373", "2020-09-16"),
            os("14.1", "18A8395", "2020-10-20"),
            os("14.2", "18B92", "2020-11-05"),
            os("14.3", "18C66", "2020-12-14"),
            os("14.4", "18D52", "2021-01-26"),
            os("14.5", "18E199", "2021-04-26"),
            os("14.6", "18F72", "2021-05-24"),
            os("14.7", "18G69", "2021-07-19"),
            os("14.8", "18H17", "2021-09-13"),
            os("14.8.1", "18H107", "2021-10-26"),
            os("15.0", "19A346", "2021-09-20"),
            os("15.1", "19B74", "2021-10-25"),
            os("15.2", "19C56", "2021-12-13"),
            os("15.3", "19D50", "2022-01-26"),
            os("15.4", "19E241", "2022-03-14"),
            os("15.5", "19F77", "2022-05-16"),
            os("15.6", "19G71", "2022-07-20"),
            os("15.7", "19H12", "2022-09-12"),
            os("15.8", "19H370", "2023-10-25"),
            os("16.0", "20A362", "2022-09-12"),
            os("16.1", "20B82", "2022-10-24"),
            os("16.2", "20C65", "2022-12-13"),
            os("16.3", "20D47", "2023-01-23"),
            os("16.4", "20E247", "2023-03-27"),
            os("16.5", "20F66", "2023-05-18"),
            os("16.6", "20G75", "2023-07-24"),
            os("16.7", "20H19", "2023-09-21"),
            os("17.0", "21A329", "2023-09-18"),
            os("17.1", "21B74", "2023-10-25"),
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
            os("18.5", "22F76", "2025-05-12")));

    private static final Map<String, Model> BY_PRODUCT_TYPE = index();

    private DeviceCatalog() {
    }

    /** Every model, iPhones first, each family oldest first. */
    public static List<Model> models() {
        return MODELS;
    }

    /** Every release, in version order. */
    public static List<OsRelease> releases() {
        return RELEASES;
    }

    public static Optional<Model> model(String productType) {
        return Optional.ofNullable(BY_PRODUCT_TYPE.get(productType));
    }

    /** The release with exactly this version, if the catalog has it. */
    public static Optional<OsRelease> release(String version) {
        return RELEASES.stream().filter(r -> r.version().equals(version)).findFirst();
    }

    /** The releases this model runs, in version order. */
    public static List<OsRelease> releasesFor(Model model) {
        return RELEASES.stream().filter(model::runs).toList();
    }

    /** The releases this model runs that were out on {@code asOf}, in release-date order (then version order). */
    public static List<OsRelease> releasesFor(Model model, LocalDate asOf) {
        requireNonNull(asOf, "asOf");
        return RELEASES.stream().filter(r -> model.runs(r) && !r.released().isAfter(asOf))
                .sorted(Comparator.comparing(OsRelease::released)).toList();
    }

    /**
     * Compares dotted versions numerically: "17.10" &gt; "17.9", "17.5" &lt; "17.5.1". Missing components count as 0.
     */
    public static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
            int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }

    private static Map<String, Model> index() {
        Map<String, Model> m = new LinkedHashMap<>();
        for (Model model : MODELS) {
            if (m.put(model.productType(), model) != null) {
                throw new IllegalStateException("duplicate product type " + model.productType());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static List<OsRelease> sortedByVersion(List<OsRelease> releases) {
        return releases.stream().sorted(Comparator.comparing(OsRelease::version, DeviceCatalog::compareVersions))
                .toList();
    }

    private static Model iphone(String productType, String name, String chipId, String released, String launchOs,
                                int lastMajor, int weight, int inventoryWeight, List<String> colors,
                                List<Integer> capacities, Feature... features) {
        Set<Feature> f = features.length == 0 ? EnumSet.noneOf(Feature.class) : EnumSet.of(features[0], features);
        f.add(Feature.CELLULAR);
        return new Model(productType, name, Family.IPHONE, chipId, LocalDate.parse(released), launchOs, lastMajor, f,
                weight, inventoryWeight, colors, capacities);
    }

    private static Model ipad(String productType, String name, String chipId, String released, String launchOs,
                              int lastMajor, int weight, int inventoryWeight, boolean cellular, List<String> colors,
                              List<Integer> capacities, Feature... features) {
        Set<Feature> f = features.length == 0 ? EnumSet.noneOf(Feature.class) : EnumSet.of(features[0], features);
        if (cellular) {
            f.add(Feature.CELLULAR);
        }
        return new Model(productType, name, Family.IPAD, chipId, LocalDate.parse(released), launchOs, lastMajor,
                f.isEmpty() ? NONE : f, weight, inventoryWeight, colors, capacities);
    }

    private static OsRelease os(String version, String build, String released) {
        return new OsRelease(version, build, LocalDate.parse(released));
    }
}
