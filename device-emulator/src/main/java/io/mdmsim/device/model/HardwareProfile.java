package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.catalog.DeviceIdentifiers;
import io.mdmsim.core.seed.Seeds;
import io.mdmsim.device.DeviceSpec;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The factory facts of one device that ABM does not list, derived from the fleet seed and the serial number alone, so a
 * device keeps them whatever its position in the fleet or shard.
 *
 * @param udid          40 lowercase hex digits for devices before the A12 chip, else the "00008030-001A2C3E0E38802E"
 *                      form (chip id, ECID)
 * @param imei          spaced like iOS reports it ("35 717185 037376 0"), null for devices without a cellular modem
 *                      (iPhones and the cellular iPads of {@link DeviceCatalog} have one)
 * @param meid          the first 14 digits of the IMEI, null without one
 * @param modelNumber   e.g. "MQ0T3" (Model); {@link #modelNumberWithRegion()} is the ModelNumber query
 * @param capacityGb    the DeviceCapacity query: usable space in GB
 * @param availableGb   the AvailableDeviceCapacity query
 * @param batteryLevel  0.0..1.0
 * @param wifiMac       "a4:83:e7:12:34:56"
 * @param bluetoothMac  the Wi-Fi MAC plus one
 */
public record HardwareProfile(String udid, String imei, String meid, String modelNumber, double capacityGb,
                              double availableGb, double batteryLevel, String wifiMac, String bluetoothMac) {

    private static final int[] NOMINAL_GB = {64, 128, 256, 512};
    private static final String MODEL_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public HardwareProfile {
        requireNonNull(udid, "udid");
        requireNonNull(modelNumber, "modelNumber");
        requireNonNull(wifiMac, "wifiMac");
        requireNonNull(bluetoothMac, "bluetoothMac");
    }

    public String modelNumberWithRegion() {
        return modelNumber + "LL/A";
    }

    /** The same seed and serial give the same profile, on any machine. */
    public static HardwareProfile derive(long seed, DeviceSpec spec) {
        requireNonNull(spec, "spec");
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, spec.serialNumber()));
        String udid = udid(random, spec);
        String imei = null;
        String meid = null;
        boolean cellular = DeviceCatalog.model(spec.productType())
                .map(m -> m.has(DeviceCatalog.Feature.CELLULAR)).orElse(spec.family().equals("iPhone"));
        if (cellular) {
            String digits = DeviceIdentifiers.imei(spec.productType(), random);
            imei = DeviceIdentifiers.spaced(digits);
            meid = digits.substring(0, 14);
        }
        StringBuilder model = new StringBuilder("M");
        for (int i = 0; i < 4; i++) {
            model.append(MODEL_CHARS.charAt(random.nextInt(MODEL_CHARS.length())));
        }
        int nominal = NOMINAL_GB[random.nextInt(NOMINAL_GB.length)];
        double capacity = round2(nominal * 0.93);
        double available = round2(capacity * (0.55 + 0.35 * random.nextDouble()));
        double battery = round2(0.5 + 0.5 * random.nextDouble());
        byte[] mac = new byte[6];
        mac[0] = (byte) 0xa4; // an Apple OUI (a4:83:e7)
        mac[1] = (byte) 0x83;
        mac[2] = (byte) 0xe7;
        for (int i = 3; i < 6; i++) {
            mac[i] = (byte) random.nextInt(256);
        }
        String wifi = mac(mac);
        mac[5]++;
        return new HardwareProfile(udid, imei, meid, model.toString(), capacity, available, battery, wifi, mac(mac));
    }

    private static String udid(SplittableRandom random, DeviceSpec spec) {
        int chip = chipId(spec);
        if (chip == 0) {
            byte[] b = new byte[20];
            random.nextBytes(b);
            return HexFormat.of().formatHex(b);
        }
        long ecid = random.nextLong() & 0x000F_FFFF_FFFF_FFFFL;
        return String.format(Locale.ROOT, "%08X-%016X", chip, ecid);
    }

    /**
     * The chip id of the new UDID form (A12 and later), 0 for devices that use the 40-hex form: the catalog's for a
     * catalog model, else guessed from the product type's major number.
     */
    static int chipId(DeviceSpec spec) {
        DeviceCatalog.Model m = DeviceCatalog.model(spec.productType()).orElse(null);
        if (m != null) {
            return m.legacyUdid() ? 0 : Integer.parseInt(m.chipId(), 16);
        }
        int major = spec.productMajor();
        return switch (spec.family()) {
            case "iPhone" -> switch (major) {
                case 11 -> 0x8020; // A12
                case 12 -> 0x8030; // A13
                case 13 -> 0x8101; // A14
                case 14 -> 0x8110; // A15
                case 15 -> 0x8120; // A16
                case 16 -> 0x8130; // A17 Pro
                default -> major > 16 ? 0x8140 : 0;
            };
            case "iPad" -> switch (major) {
                case 8 -> 0x8027;  // A12X/Z
                case 11 -> 0x8020;
                case 12 -> 0x8030;
                case 13 -> 0x8103; // A14/M1
                case 14 -> 0x8112; // A15/M2
                default -> major > 14 ? 0x8122 : 0;
            };
            default -> 0;
        };
    }

    private static String mac(byte[] b) {
        return HexFormat.ofDelimiter(":").formatHex(b);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
