package io.mdmsim.core.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
            requireNonNull(features, "features");
            requireNonNull(colors, "colors");
            requireNonNull(capacitiesGb, "capacitiesGb");
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

    /**
     * The catalog's data file beside this class: every model ({@link Model}'s components by name) and every release
     * ({@link OsRelease}'s), read once with Jackson. Edit it to add a device or a release.
     */
    static final String RESOURCE = "devices.json";

    /** The file's shape. */
    record Data(List<Model> models, List<OsRelease> releases) {
    }

    private static final Data DATA = load();

    private static final List<Model> MODELS = List.copyOf(DATA.models());

    /** iOS and iPadOS releases with Apple's build numbers, in version order. iPhone and iPad share the builds. */
    private static final List<OsRelease> RELEASES = sortedByVersion(DATA.releases());

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

    static Data load() {
        try (InputStream in = DeviceCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the device catalog " + RESOURCE + " is missing beside "
                        + DeviceCatalog.class.getName());
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the device catalog " + RESOURCE + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a catalog file; a malformed one fails with Jackson's message (where, and what was wrong). */
    static Data read(InputStream in) throws IOException {
        Data data = new ObjectMapper().registerModule(new JavaTimeModule()).readValue(in, Data.class);
        if (data.models() == null || data.models().isEmpty() || data.releases() == null || data.releases().isEmpty()) {
            throw new IOException("expected non-empty \"models\" and \"releases\"");
        }
        return data;
    }
}
