package io.mdmsim.abm.inventory;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.catalog.DeviceIdentifiers;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Draws an organization's device inventory from a seed: the same seed, count and date give the same devices.
 * Serials and IMEIs come from {@link DeviceIdentifiers} (Apple's layouts, shared with the virtual devices); OS versions are releases the model really ran by {@code asOf}.
 */
public final class InventoryGenerator {

    public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2025, 6, 1);

    private static final LocalDate FIRST_PURCHASE = LocalDate.of(2021, 10, 1);
    private static final int MAX_ORDER_SIZE = 40;

    private final SplittableRandom random;
    private final LocalDate asOf;
    private final Set<String> serials = new HashSet<>();
    private final Set<String> imeis = new HashSet<>();
    private final Predicate<String> taken;
    private final Map<DeviceCatalog.Model, List<DeviceCatalog.OsRelease>> releasesAsOf = new HashMap<>();
    private final Map<LocalDate, List<DeviceCatalog.Model>> onSaleOn = new HashMap<>();

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private InventoryGenerator(long seed, LocalDate asOf, Predicate<String> taken) {
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.asOf = asOf;
        this.taken = taken;
    }

    public static List<InventoryDevice> generate(long seed, int count, LocalDate asOf) {
        return generate(seed, count, asOf, s -> false);
    }

    /** As {@link #generate(long, int, LocalDate)}, never drawing a serial for which {@code taken} is true. */
    public static List<InventoryDevice> generate(long seed, int count, LocalDate asOf, Predicate<String> taken) {
        if (count < 0) {
            throw new IllegalArgumentException("deviceCount: " + count + " (expected: >= 0)");
        }
        if (asOf.isBefore(FIRST_PURCHASE.plusMonths(1))) {
            throw new IllegalArgumentException("inventoryAsOf: " + asOf + " (expected: after " + FIRST_PURCHASE.plusMonths(1) + ")");
        }
        return new InventoryGenerator(seed, asOf, taken).devices(count);
    }

    private List<InventoryDevice> devices(int count) {
        List<InventoryDevice> devices = new ArrayList<>(count);
        long purchaseDays = ChronoUnit.DAYS.between(FIRST_PURCHASE, asOf);
        while (devices.size() < count) {
            LocalDate purchased = FIRST_PURCHASE.plusDays(random.nextLong(purchaseDays + 1));
            String orderNumber = "W" + (100_000_000 + random.nextInt(900_000_000));
            int size = Math.min(1 + random.nextInt(MAX_ORDER_SIZE), count - devices.size());
            for (int i = 0; i < size; i++) {
                devices.add(device(purchased, orderNumber));
            }
        }
        return List.copyOf(devices);
    }

    private InventoryDevice device(LocalDate purchased, String orderNumber) {
        DeviceCatalog.Model model = model(purchased);
        String color = model.colors().get(random.nextInt(model.colors().size()));
        int capacity = model.capacitiesGb().get(random.nextInt(model.capacitiesGb().size()));
        LocalDate made = purchased.minusDays(10 + random.nextInt(80));
        if (made.isBefore(model.released().minusDays(21))) {
            made = model.released().minusDays(21);
        }
        DeviceCatalog.OsRelease os = os(model, purchased);
        String serial;
        do {
            serial = DeviceIdentifiers.serial(model, color, capacity, made, random);
        } while (taken.test(serial) || !serials.add(serial));
        String udid = udid(model);
        String imei = model.cellular() ? imei(model) : null;
        return new InventoryDevice(serial, model, color.toUpperCase(Locale.ROOT), capacity, description(model, color, capacity),
                os.version(), os.build(), udid, imei, orderNumber, purchased, null);
    }

    /** Completes imported devices: what a row leaves out is drawn from the seed as for generated devices. */
    public static InventoryGenerator forImport(long seed, LocalDate asOf) {
        return new InventoryGenerator(seed, asOf, s -> false);
    }

    /**
     * A device from what an import gave: serial and model are required, any other argument may be null and is then
     * filled in (colour and capacity of the model, its description, the newest OS it ran on the purchase date, a
     * UDID, an IMEI if it has a modem, an order number, the purchase date {@code asOf}).
     */
    public InventoryDevice complete(String serial, DeviceCatalog.Model model, String color, Integer capacityGb, String description,
            String osVersion, String buildVersion, String udid, String imei, String orderNumber, LocalDate purchased,
            String assetTag) {
        String c = color != null ? color.toUpperCase(Locale.ROOT) : model.colors().getFirst().toUpperCase(Locale.ROOT);
        int cap = capacityGb != null ? capacityGb : model.capacitiesGb().getFirst();
        LocalDate when = purchased != null ? purchased : asOf;
        String version = osVersion;
        String build = buildVersion;
        if (version == null) {
            List<DeviceCatalog.OsRelease> releases = DeviceCatalog.releasesFor(model, when.isBefore(model.released()) ? asOf : when);
            DeviceCatalog.OsRelease r = releases.isEmpty() ? DeviceCatalog.releases().getLast() : releases.getLast();
            version = r.version();
            build = build != null ? build : r.build();
        } else if (build == null) {
            String v = version;
            build = DeviceCatalog.releases().stream().filter(r -> r.version().equals(v)).map(DeviceCatalog.OsRelease::build)
                    .findFirst().orElse("unknown");
        }
        String u = udid != null ? udid
                : udid(model);
        String i = imei != null ? imei : model.cellular() ? imei(model) : null;
        String order = orderNumber != null ? orderNumber : "W" + (100_000_000 + random.nextInt(900_000_000));
        String d = description != null ? description : description(model, c, cap);
        return new InventoryDevice(serial, model, c, cap, d, version, build, u, i, order, when, assetTag);
    }

    /** 40 lowercase hex digits before the A12 chip, else "0000" + chip id + "-" + a 16-hex-digit ECID. */
    private String udid(DeviceCatalog.Model model) {
        if (model.legacyUdid()) {
            byte[] b = new byte[20];
            random.nextBytes(b);
            return HexFormat.of().formatHex(b);
        }
        return "0000" + model.chipId() + "-" + HEX.toHexDigits(random.nextLong() & 0x000F_FFFF_FFFF_FFFFL);
    }

    /** A model on sale at {@code purchased}, drawn by weight. */
    private DeviceCatalog.Model model(LocalDate purchased) {
        List<DeviceCatalog.Model> onSale = onSale(purchased);
        int total = 0;
        for (DeviceCatalog.Model m : onSale) {
            total += m.inventoryWeight();
        }
        int pick = random.nextInt(total);
        for (DeviceCatalog.Model m : onSale) {
            pick -= m.inventoryWeight();
            if (pick < 0) {
                return m;
            }
        }
        throw new AssertionError("weighted pick out of range");
    }

    private List<DeviceCatalog.Model> onSale(LocalDate purchased) {
        return onSaleOn.computeIfAbsent(purchased,
                d -> DeviceCatalog.models().stream().filter(m -> !m.released().isAfter(d)).toList());
    }

    /** Most fleets run the newest release the model can get; the rest lag somewhere since purchase. */
    private DeviceCatalog.OsRelease os(DeviceCatalog.Model model, LocalDate purchased) {
        List<DeviceCatalog.OsRelease> all = releasesAsOf.computeIfAbsent(model, m -> DeviceCatalog.releasesFor(m, asOf));
        if (random.nextInt(100) < 60) {
            return all.getLast();
        }
        List<DeviceCatalog.OsRelease> sincePurchase = all.stream().filter(r -> !r.released().isBefore(purchased.minusMonths(2))).toList();
        List<DeviceCatalog.OsRelease> from = sincePurchase.isEmpty() ? all : sincePurchase;
        return from.get(random.nextInt(from.size()));
    }

    /** 15 digits: an 8-digit type allocation code per product type, a 6-digit serial, a Luhn check digit. */
    private String imei(DeviceCatalog.Model model) {
        String imei;
        do {
            imei = DeviceIdentifiers.imei(model.productType(), random);
        } while (!imeis.add(imei));
        return imei;
    }

    /** Apple's order-line description, e.g. "IPHONE 13 PRO SIERRA BLUE 128GB-USA". */
    static String description(DeviceCatalog.Model model, String color, int capacityGb) {
        String capacity = capacityGb >= 1024 ? (capacityGb / 1024) + "TB" : capacityGb + "GB";
        String connectivity = model.connectivity() == null ? "" : " " + model.connectivity();
        return (model.name() + connectivity + " " + color + " " + capacity + "-USA").toUpperCase(Locale.ROOT);
    }
}
