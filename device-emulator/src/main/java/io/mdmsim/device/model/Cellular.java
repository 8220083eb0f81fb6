package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.catalog.DeviceIdentifiers;
import io.mdmsim.core.seed.Seeds;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The SIM and carrier of an iPhone (the network queries of ADM information.device.yaml), derived from its UDID so it
 * is the same on every run with the same seed. iPads of the emulator are Wi-Fi models: {@link #of} gives null.
 */
public record Cellular(String iccid, String phoneNumber, String carrier, String mcc, String mnc,
                       String carrierSettingsVersion, String modemFirmwareVersion, String eid) {

    private static final String[][] CARRIERS = {
        {"AT&T", "310", "410"}, {"T-Mobile", "310", "260"}, {"Verizon", "311", "480"},
    };

    public Cellular {
        requireNonNull(iccid, "iccid");
        requireNonNull(phoneNumber, "phoneNumber");
        requireNonNull(carrier, "carrier");
    }

    /** The device's SIM, or null for a device without a cellular modem (no IMEI). */
    public static Cellular of(Device device) {
        if (device.hardware().imei() == null) {
            return null;
        }
        SplittableRandom r = new SplittableRandom(seed(device.udid()));
        String[] carrier = CARRIERS[r.nextInt(CARRIERS.length)];
        StringBuilder iccid = new StringBuilder("8901").append(carrier[1]);
        while (iccid.length() < 19) {
            iccid.append((char) ('0' + r.nextInt(10)));
        }
        iccid.append(DeviceIdentifiers.luhn(iccid.toString()));
        String phone = String.format(Locale.ROOT, "+1 (%03d) 555-%04d", 201 + r.nextInt(780), r.nextInt(10_000));
        String modem = String.format(Locale.ROOT, "%d.%02d.%02d", 1 + r.nextInt(4), r.nextInt(80), r.nextInt(10));
        StringBuilder eid = new StringBuilder("890490320");
        while (eid.length() < 32) {
            eid.append((char) ('0' + r.nextInt(10)));
        }
        return new Cellular(iccid.toString(), phone, carrier[0], carrier[1], carrier[2], "6" + r.nextInt(10) + ".0",
                modem, eid.toString());
    }

    /** ICCID as iOS shows it: groups of four digits. */
    public String iccidSpaced() {
        return iccid.replaceAll("(.{4})(?!$)", "$1 ");
    }

    private static long seed(String udid) {
        return Seeds.of("cellular/" + udid);
    }
}
