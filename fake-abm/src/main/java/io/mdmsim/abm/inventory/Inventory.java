package io.mdmsim.abm.inventory;

import io.mdmsim.core.catalog.DeviceCatalog;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.AbmState;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The devices ABM knows, as columns of primitives indexed by a device number (0, 1, 2 … in order of arrival), so a
 * large inventory costs about 60 bytes a device instead of a few hundred for objects and strings. Facts only; the
 * assignment state is in {@link AbmState}. Devices are never removed (a released device keeps its number).
 * {@link #get} builds an {@link InventoryDevice} on demand. Not thread-safe; {@link AbmState} guards it.
 */
public final class Inventory {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Pattern PACKABLE_UDID = Pattern.compile("[0-9A-F]{8}-[0-9A-F]{16}");
    private static final Map<String, Integer> MODEL_INDEX = new HashMap<>();

    static {
        if (DeviceCatalog.models().size() > 256) {
            throw new IllegalStateException("the device catalog has " + DeviceCatalog.models().size()
                    + " models; the inventory stores a model as one byte (expected: at most 256)");
        }
        for (int i = 0; i < DeviceCatalog.models().size(); i++) {
            MODEL_INDEX.put(DeviceCatalog.models().get(i).productType(), i);
        }
    }

    private final StringPool strings = new StringPool();
    private final SerialIndex index = new SerialIndex();
    private final Map<Integer, String> otherSerials = new HashMap<>();
    private final Map<Integer, String> otherUdids = new HashMap<>();
    private int size;
    private long[] serial = new long[0];
    private byte[] model = new byte[0];
    private short[] capacity = new short[0];
    private int[] color = new int[0];
    private int[] description = new int[0];
    private int[] osVersion = new int[0];
    private int[] build = new int[0];
    private int[] udidHigh = new int[0];
    private long[] udidLow = new long[0];
    private long[] imei = new long[0];
    private int[] order = new int[0];
    private int[] purchased = new int[0];
    private int[] assetTag = new int[0];
    private short[] org = new short[0];

    /** The catalog model of a product type, or null. */
    public static DeviceCatalog.Model model(String productType) {
        Integer i = MODEL_INDEX.get(productType);
        return i == null ? null : DeviceCatalog.models().get(i);
    }

    public int size() {
        return size;
    }

    /** The number of a serial, or -1. */
    public int indexOf(String serialNumber) {
        return index.get(requireNonNull(serialNumber, "serialNumber"));
    }

    /** Appends a device of organization {@code orgIndex}; its serial must be new. Returns its number. */
    public int add(InventoryDevice d, int orgIndex) {
        requireNonNull(d, "d");
        if (index.get(d.serialNumber()) >= 0) {
            throw new IllegalArgumentException("serial " + d.serialNumber() + " is already in the inventory");
        }
        Integer m = MODEL_INDEX.get(d.productType());
        if (m == null || DeviceCatalog.models().get(m) != d.model()) {
            throw new IllegalArgumentException("model " + d.productType() + " is not in the device catalog");
        }
        int i = size;
        ensure(i + 1);
        long packed = SerialIndex.pack(d.serialNumber());
        serial[i] = packed;
        if (packed == SerialIndex.NOT_PACKABLE) {
            otherSerials.put(i, d.serialNumber());
        }
        model[i] = (byte) (int) m;
        capacity[i] = (short) d.capacityGb();
        color[i] = strings.id(d.color());
        description[i] = strings.id(d.description());
        osVersion[i] = strings.id(d.osVersion());
        build[i] = strings.id(d.buildVersion());
        if (PACKABLE_UDID.matcher(d.udid()).matches()) {
            udidHigh[i] = Integer.parseUnsignedInt(d.udid().substring(0, 8), 16);
            udidLow[i] = Long.parseUnsignedLong(d.udid().substring(9), 16);
        } else {
            udidHigh[i] = 0;
            udidLow[i] = 0;
            otherUdids.put(i, d.udid());
        }
        imei[i] = d.imei() == null ? -1 : Long.parseLong(d.imei());
        order[i] = strings.id(d.orderNumber());
        purchased[i] = (int) d.purchaseDate().toEpochDay();
        assetTag[i] = strings.id(d.assetTag());
        org[i] = (short) orgIndex;
        index.put(d.serialNumber(), i);
        size++;
        return i;
    }

    public InventoryDevice get(int i) {
        check(i);
        String udid = otherUdids.get(i);
        if (udid == null) {
            udid = HEX.toHexDigits(udidHigh[i]) + "-" + HEX.toHexDigits(udidLow[i]);
        }
        String imeiText = null;
        if (imei[i] >= 0) {
            String digits = Long.toString(imei[i]);
            imeiText = "000000000000000".substring(Math.min(15, digits.length())) + digits;
        }
        return new InventoryDevice(serial(i), DeviceCatalog.models().get(Byte.toUnsignedInt(model[i])), strings.get(color[i]), capacity[i],
                strings.get(description[i]), strings.get(osVersion[i]), strings.get(build[i]), udid, imeiText,
                strings.get(order[i]), LocalDate.ofEpochDay(purchased[i]), strings.get(assetTag[i]));
    }

    public String serial(int i) {
        check(i);
        return serial[i] == SerialIndex.NOT_PACKABLE ? otherSerials.get(i) : SerialIndex.unpack(serial[i]);
    }

    public int organization(int i) {
        check(i);
        return org[i];
    }

    String orderNumber(int i) {
        check(i);
        return strings.get(order[i]);
    }

    /** The numbers of the devices of an order, in inventory order. */
    public int[] ofOrder(String orderNumber) {
        if (!strings.contains(orderNumber)) {
            return new int[0];
        }
        int id = strings.id(orderNumber);
        int[] out = new int[16];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (order[i] == id) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The distinct strings held for all devices (for the benchmark's memory figures). */
    int distinctStrings() {
        return strings.size();
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("device " + i + " (have " + size + ")");
        }
    }

    private void ensure(int n) {
        if (n <= serial.length) {
            return;
        }
        int cap = Math.max(16, Math.max(n, serial.length + (serial.length >> 1)));
        serial = Arrays.copyOf(serial, cap);
        model = Arrays.copyOf(model, cap);
        capacity = Arrays.copyOf(capacity, cap);
        color = Arrays.copyOf(color, cap);
        description = Arrays.copyOf(description, cap);
        osVersion = Arrays.copyOf(osVersion, cap);
        build = Arrays.copyOf(build, cap);
        udidHigh = Arrays.copyOf(udidHigh, cap);
        udidLow = Arrays.copyOf(udidLow, cap);
        imei = Arrays.copyOf(imei, cap);
        order = Arrays.copyOf(order, cap);
        purchased = Arrays.copyOf(purchased, cap);
        assetTag = Arrays.copyOf(assetTag, cap);
        org = Arrays.copyOf(org, cap);
    }
}
