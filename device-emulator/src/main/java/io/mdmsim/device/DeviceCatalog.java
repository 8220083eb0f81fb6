package io.mdmsim.device;

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
 * The iPhones and iPads a population is drawn from (iPhone 6s to iPhone 16, iPad 5th generation to iPad Pro M4) and the
 * iOS/iPadOS releases 11.0 to 18.5 with Apple's build numbers. Product types and names as Apple reports them in
 * DeviceInformation (ProductName) and ABM (model). A model runs a release when the release is at least the model's
 * launch release and at most its last major version; iPadOS starts at 13.1.
 */
public final class DeviceCatalog {

    /** iPhone or iPad. */
    public enum Family {
        IPHONE("iPhone"),
        IPAD("iPad");

        private final String wire;

        Family(String wire) {
            this.wire = wire;
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
     * @param released    first sale
     * @param launchOs    the release it shipped with
     * @param lastMajor   the last major release it runs (capped at 18, the newest in this catalog)
     * @param features    hardware the panes depend on
     * @param weight      relative share in a default population (how common the model is in fleets)
     */
    public record Model(String productType, String name, Family family, LocalDate released, String launchOs,
                        int lastMajor, Set<Feature> features, int weight) {
        public Model {
            requireNonNull(productType, "productType");
            requireNonNull(name, "name");
            requireNonNull(family, "family");
            requireNonNull(released, "released");
            requireNonNull(launchOs, "launchOs");
            features = features.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(features));
            if (weight < 1) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1) for " + productType);
            }
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
            iphone("iPhone8,1", "iPhone 6s", "2015-09-25", "11.0", 15, 1, Feature.TOUCH_ID),
            iphone("iPhone8,2", "iPhone 6s Plus", "2015-09-25", "11.0", 15, 1, Feature.TOUCH_ID),
            iphone("iPhone8,4", "iPhone SE (1st generation)", "2016-03-31", "11.0", 15, 1, Feature.TOUCH_ID),
            iphone("iPhone9,1", "iPhone 7", "2016-09-16", "11.0", 15, 1, Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON),
            iphone("iPhone9,3", "iPhone 7", "2016-09-16", "11.0", 15, 1, Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON),
            iphone("iPhone9,2", "iPhone 7 Plus", "2016-09-16", "11.0", 15, 1, Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON),
            iphone("iPhone10,1", "iPhone 8", "2017-09-22", "11.0", 16, 2, Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON,
                    Feature.TRUE_TONE),
            iphone("iPhone10,4", "iPhone 8", "2017-09-22", "11.0", 16, 1, Feature.TOUCH_ID, Feature.HAPTIC_HOME_BUTTON,
                    Feature.TRUE_TONE),
            iphone("iPhone10,2", "iPhone 8 Plus", "2017-09-22", "11.0", 16, 1, Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON, Feature.TRUE_TONE),
            iphone("iPhone10,3", "iPhone X", "2017-11-03", "11.1", 16, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone10,6", "iPhone X", "2017-11-03", "11.1", 16, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone11,2", "iPhone XS", "2018-09-21", "12.0", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone11,6", "iPhone XS Max", "2018-09-21", "12.0", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone11,8", "iPhone XR", "2018-10-26", "12.0", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,1", "iPhone 11", "2019-09-20", "13.0", 18, 4, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,3", "iPhone 11 Pro", "2019-09-20", "13.0", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,5", "iPhone 11 Pro Max", "2019-09-20", "13.0", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone12,8", "iPhone SE (2nd generation)", "2020-04-24", "13.4", 18, 4, Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON, Feature.TRUE_TONE),
            iphone("iPhone13,1", "iPhone 12 mini", "2020-11-13", "14.1", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone13,2", "iPhone 12", "2020-10-23", "14.1", 18, 6, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone13,3", "iPhone 12 Pro", "2020-10-23", "14.1", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone13,4", "iPhone 12 Pro Max", "2020-11-13", "14.2", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,4", "iPhone 13 mini", "2021-09-24", "15.0", 18, 1, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,5", "iPhone 13", "2021-09-24", "15.0", 18, 8, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,2", "iPhone 13 Pro", "2021-09-24", "15.0", 18, 3, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,3", "iPhone 13 Pro Max", "2021-09-24", "15.0", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,6", "iPhone SE (3rd generation)", "2022-03-18", "15.4", 18, 5, Feature.TOUCH_ID,
                    Feature.HAPTIC_HOME_BUTTON, Feature.TRUE_TONE),
            iphone("iPhone14,7", "iPhone 14", "2022-09-16", "16.0", 18, 10, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone14,8", "iPhone 14 Plus", "2022-10-07", "16.0", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,2", "iPhone 14 Pro", "2022-09-16", "16.0", 18, 4, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,3", "iPhone 14 Pro Max", "2022-09-16", "16.0", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,4", "iPhone 15", "2023-09-22", "17.0", 18, 12, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone15,5", "iPhone 15 Plus", "2023-09-22", "17.0", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE),
            iphone("iPhone16,1", "iPhone 15 Pro", "2023-09-22", "17.0", 18, 6, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone16,2", "iPhone 15 Pro Max", "2023-09-22", "17.0", 18, 3, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,3", "iPhone 16", "2024-09-20", "18.0", 18, 12, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,4", "iPhone 16 Plus", "2024-09-20", "18.0", 18, 2, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,1", "iPhone 16 Pro", "2024-09-20", "18.0", 18, 5, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,2", "iPhone 16 Pro Max", "2024-09-20", "18.0", 18, 3, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.CAMERA_CONTROL, Feature.APPLE_INTELLIGENCE),
            iphone("iPhone17,5", "iPhone 16e", "2025-02-28", "18.3", 18, 4, Feature.FACE_ID, Feature.TRUE_TONE,
                    Feature.ACTION_BUTTON, Feature.APPLE_INTELLIGENCE),

            ipad("iPad6,11", "iPad (5th generation)", "2017-03-24", "11.0", 16, 1, false, Feature.TOUCH_ID),
            ipad("iPad6,12", "iPad (5th generation)", "2017-03-24", "11.0", 16, 1, true, Feature.TOUCH_ID),
            ipad("iPad7,5", "iPad (6th generation)", "2018-03-27", "11.3", 17, 2, false, Feature.TOUCH_ID),
            ipad("iPad7,6", "iPad (6th generation)", "2018-03-27", "11.3", 17, 1, true, Feature.TOUCH_ID),
            ipad("iPad7,3", "iPad Pro (10.5-inch)", "2017-06-13", "11.0", 17, 1, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad7,4", "iPad Pro (10.5-inch)", "2017-06-13", "11.0", 17, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad7,11", "iPad (7th generation)", "2019-09-25", "13.1", 18, 3, false, Feature.TOUCH_ID),
            ipad("iPad7,12", "iPad (7th generation)", "2019-09-25", "13.1", 18, 1, true, Feature.TOUCH_ID),
            ipad("iPad11,1", "iPad mini (5th generation)", "2019-03-18", "12.2", 18, 1, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,2", "iPad mini (5th generation)", "2019-03-18", "12.2", 18, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,3", "iPad Air (3rd generation)", "2019-03-18", "12.2", 18, 1, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,4", "iPad Air (3rd generation)", "2019-03-18", "12.2", 18, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,1", "iPad Pro 11-inch (1st generation)", "2018-11-07", "12.1", 18, 1, false, Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,3", "iPad Pro 11-inch (1st generation)", "2018-11-07", "12.1", 18, 1, true, Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,9", "iPad Pro 11-inch (2nd generation)", "2020-03-25", "13.4", 18, 1, false, Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad8,10", "iPad Pro 11-inch (2nd generation)", "2020-03-25", "13.4", 18, 1, true, Feature.FACE_ID,
                    Feature.TRUE_TONE),
            ipad("iPad11,6", "iPad (8th generation)", "2020-09-18", "14.0", 18, 3, false, Feature.TOUCH_ID),
            ipad("iPad11,7", "iPad (8th generation)", "2020-09-18", "14.0", 18, 1, true, Feature.TOUCH_ID),
            ipad("iPad13,1", "iPad Air (4th generation)", "2020-10-23", "14.1", 18, 2, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,2", "iPad Air (4th generation)", "2020-10-23", "14.1", 18, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,4", "iPad Pro 11-inch (3rd generation)", "2021-05-21", "14.5", 18, 1, false,
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad13,6", "iPad Pro 11-inch (3rd generation)", "2021-05-21", "14.5", 18, 1, true,
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad12,1", "iPad (9th generation)", "2021-09-24", "15.0", 18, 6, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad12,2", "iPad (9th generation)", "2021-09-24", "15.0", 18, 2, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad14,1", "iPad mini (6th generation)", "2021-09-24", "15.0", 18, 2, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad14,2", "iPad mini (6th generation)", "2021-09-24", "15.0", 18, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,16", "iPad Air (5th generation)", "2022-03-18", "15.4", 18, 2, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad13,17", "iPad Air (5th generation)", "2022-03-18", "15.4", 18, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad13,18", "iPad (10th generation)", "2022-10-26", "16.1", 18, 8, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad13,19", "iPad (10th generation)", "2022-10-26", "16.1", 18, 3, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE),
            ipad("iPad14,3", "iPad Pro 11-inch (4th generation)", "2022-10-26", "16.1", 18, 1, false,
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad14,4", "iPad Pro 11-inch (4th generation)", "2022-10-26", "16.1", 18, 1, true,
                    Feature.FACE_ID, Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad14,8", "iPad Air 11-inch (M2)", "2024-05-15", "17.5", 18, 2, false, Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad14,9", "iPad Air 11-inch (M2)", "2024-05-15", "17.5", 18, 1, true, Feature.TOUCH_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad16,3", "iPad Pro 11-inch (M4)", "2024-05-15", "17.5", 18, 1, false, Feature.FACE_ID,
                    Feature.TRUE_TONE, Feature.APPLE_INTELLIGENCE),
            ipad("iPad16,4", "iPad Pro 11-inch (M4)", "2024-05-15", "17.5", 18, 1, true, Feature.FACE_ID,
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

    private static Model iphone(String productType, String name, String released, String launchOs, int lastMajor,
                                int weight, Feature... features) {
        Set<Feature> f = features.length == 0 ? EnumSet.noneOf(Feature.class) : EnumSet.of(features[0], features);
        f.add(Feature.CELLULAR);
        return new Model(productType, name, Family.IPHONE, LocalDate.parse(released), launchOs, lastMajor, f, weight);
    }

    private static Model ipad(String productType, String name, String released, String launchOs, int lastMajor,
                              int weight, boolean cellular, Feature... features) {
        Set<Feature> f = features.length == 0 ? EnumSet.noneOf(Feature.class) : EnumSet.of(features[0], features);
        if (cellular) {
            f.add(Feature.CELLULAR);
        }
        return new Model(productType, name, Family.IPAD, LocalDate.parse(released), launchOs, lastMajor,
                f.isEmpty() ? NONE : f, weight);
    }

    private static OsRelease os(String version, String build, String released) {
        return new OsRelease(version, build, LocalDate.parse(released));
    }
}
