package io.mdmsim.abm.inventory;

import java.util.HashMap;
import java.util.Map;

/**
 * Serial number to device index, about 16 bytes a device. Apple serials (10 to 12 characters of 0-9 and A-Z) are packed
 * into a long ({@link #pack}) and kept in an open-addressing table; anything else goes to a plain map.
 */
public final class SerialIndex {

    public static final long NOT_PACKABLE = 0;

    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int used;
    private final Map<String, Integer> others = new HashMap<>();

    /**
     * The serial as a base-37 number of its characters (0-9 = 1..10, A-Z = 11..36), or {@link #NOT_PACKABLE} if it is
     * longer than 12 characters or has other characters. 37^12 < 2^63, so every packed value is positive.
     */
    public static long pack(String serial) {
        int n = serial.length();
        if (n == 0 || n > 12) {
            return NOT_PACKABLE;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = serial.charAt(i);
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0' + 1;
            } else if (c >= 'A' && c <= 'Z') {
                d = c - 'A' + 11;
            } else {
                return NOT_PACKABLE;
            }
            v = v * 37 + d;
        }
        return v;
    }

    public static String unpack(long v) {
        char[] out = new char[12];
        int p = out.length;
        while (v > 0) {
            int d = (int) (v % 37);
            out[--p] = (char) (d <= 10 ? '0' + d - 1 : 'A' + d - 11);
            v /= 37;
        }
        return new String(out, p, out.length - p);
    }

    /** The index of a serial, or -1. */
    public int get(String serial) {
        long key = pack(serial);
        if (key == NOT_PACKABLE) {
            Integer v = others.get(serial);
            return v == null ? -1 : v;
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == 0) {
                return -1;
            }
            if (k == key) {
                return values[i];
            }
        }
    }

    /** Adds a serial not present yet. */
    public void put(String serial, int index) {
        long key = pack(serial);
        if (key == NOT_PACKABLE) {
            others.put(serial, index);
            return;
        }
        if ((used + 1) * 4L > keys.length * 3L) {
            grow();
        }
        insert(key, index);
        used++;
    }

    private void insert(long key, int index) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != 0) {
            if (keys[i] == key) {
                values[i] = index;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = index;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @Override
    public String toString() {
        return "SerialIndex[" + (used + others.size()) + " serials, table " + keys.length + "]";
    }
}
