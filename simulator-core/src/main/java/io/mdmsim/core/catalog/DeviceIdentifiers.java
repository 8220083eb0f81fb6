package io.mdmsim.core.catalog;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Serial numbers and IMEIs as Apple makes them, one generator for the fake ABM's inventory and the virtual devices:
 * the same model, random stream and dates give the same identifiers everywhere.
 *
 * <ul>
 * <li>Serials of models released from 2021 on are 10 random characters; older ones are the 12-character layout:
 *     plant (3), manufacturing half-year (1), week within it (1), a unit id (3) and a configuration code (4) that is the
 *     same for every unit of one model, colour and capacity. Apple's alphabet has no vowels.</li>
 * <li>An IMEI is 15 digits: a type allocation code per product type (8), a unit serial (6) and the Luhn check
 *     digit.</li>
 * </ul>
 */
public final class DeviceIdentifiers {

    /** Digits and consonants: Apple's serial alphabet. */
    static final String SERIAL_CHARS = "0123456789BCDFGHJKLMNPQRSTVWXYZ";
    /** The randomized serials (2021 on) also leave out B, S and Z, which read like 8, 5 and 2. */
    static final String RANDOM_SERIAL_CHARS = "0123456789CDFGHJKLMNPQRTVWXY";
    /** Manufacturing half-year codes, a 10-year cycle starting with the first half of 2010 (and of 2020). */
    static final String HALF_YEAR = "CDFGHJKLMNPQRSTVWXYZ";
    /** Week within the half-year, 1..27. */
    static final String WEEK = "123456789CDFGHJKLMNPQRTVWXY";
    static final List<String> IPHONE_PLANTS = List.of("F17", "DNP", "DX3", "C39", "F2L", "G6T", "FFM", "FK1", "F4G",
            "F4H");
    static final List<String> IPAD_PLANTS = List.of("DMP", "DLX", "GG7", "F9F", "DMQ");

    private DeviceIdentifiers() {
    }

    /** A serial for one unit of {@code model} in this colour and capacity, made on {@code made}. */
    public static String serial(DeviceCatalog.Model model, String color, int capacityGb, LocalDate made,
                                RandomGenerator random) {
        requireNonNull(model, "model");
        requireNonNull(made, "made");
        StringBuilder s = new StringBuilder(12);
        if (model.randomizedSerial()) {
            for (int i = 0; i < 10; i++) {
                s.append(RANDOM_SERIAL_CHARS.charAt(random.nextInt(RANDOM_SERIAL_CHARS.length())));
            }
            return s.toString();
        }
        int half = made.getMonthValue() <= 6 ? 0 : 1;
        int halfIndex = Math.floorMod((made.getYear() - 2010) * 2 + half, HALF_YEAR.length());
        LocalDate halfStart = LocalDate.of(made.getYear(), half == 0 ? 1 : 7, 1);
        int week = (int) Math.min(ChronoUnit.WEEKS.between(halfStart, made), WEEK.length() - 1);
        List<String> plants = model.family() == DeviceCatalog.Family.IPAD ? IPAD_PLANTS : IPHONE_PLANTS;
        s.append(plants.get(random.nextInt(plants.size()))).append(HALF_YEAR.charAt(halfIndex)).append(WEEK.charAt(week));
        for (int i = 0; i < 3; i++) {
            s.append(SERIAL_CHARS.charAt(random.nextInt(SERIAL_CHARS.length())));
        }
        return s.append(configurationCode(model, color, capacityGb)).toString();
    }

    /** The last four characters of a 12-character serial: the same for every unit of one configuration. */
    public static String configurationCode(DeviceCatalog.Model model, String color, int capacityGb) {
        long h = 1125899906842597L;
        for (char c : (model.productType() + "|" + color + "|" + capacityGb).toCharArray()) {
            h = 31 * h + c;
        }
        StringBuilder code = new StringBuilder(4);
        long v = h & Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            code.append(SERIAL_CHARS.charAt((int) (v % SERIAL_CHARS.length())));
            v /= SERIAL_CHARS.length();
        }
        return code.toString();
    }

    /** 15 digits: the product type's type allocation code, a 6-digit unit serial, the Luhn check digit. */
    public static String imei(String productType, RandomGenerator random) {
        requireNonNull(productType, "productType");
        String tac = "35" + String.format(Locale.ROOT, "%06d", Math.floorMod(productType.hashCode(), 1_000_000));
        String body = tac + String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
        return body + luhn(body);
    }

    /** An IMEI as DeviceInformation shows it: "35 123456 789012 3". */
    public static String spaced(String imei) {
        if (imei == null || !imei.matches("\\d{15}")) {
            throw new IllegalArgumentException("imei: " + imei + " (expected: 15 digits)");
        }
        return imei.substring(0, 2) + " " + imei.substring(2, 8) + " " + imei.substring(8, 14) + " "
                + imei.substring(14);
    }

    /** The Luhn check digit of {@code digits} (an IMEI's first 14, an ICCID's first 18 or 19). */
    public static int luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("luhn: " + digits + " (expected: digits only)");
            }
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
