package io.mdmsim.abm.state;

import java.util.Arrays;

/**
 * An append-only log of (position, device, op) in ascending {@link EventKey} order, as parallel primitive arrays:
 * 22 bytes an entry. Finding where a cursor continues is a binary search, so a page is built without scanning the
 * log. Not thread-safe; {@link AbmState} guards it.
 */
final class KeyLog {

    /** Flag of an entry: the change was withdrawn before it became visible (an assignment undone in time). */
    static final byte CANCELLED = 1;

    private long[] nanos = new long[16];
    private long[] seq = new long[16];
    private int[] device = new int[16];
    private byte[] op = new byte[16];
    private byte[] flags = new byte[16];
    private int size;

    int size() {
        return size;
    }

    /** Appends an entry; its key must be greater than the last one's. */
    int append(long atNanos, long atSeq, int deviceIndex, byte opCode) {
        if (size > 0 && compare(size - 1, atNanos, atSeq) >= 0) {
            throw new IllegalStateException("log out of order: " + new EventKey(atNanos, atSeq) + " after " + key(size - 1));
        }
        if (size == nanos.length) {
            int cap = size * 2;
            nanos = Arrays.copyOf(nanos, cap);
            seq = Arrays.copyOf(seq, cap);
            device = Arrays.copyOf(device, cap);
            op = Arrays.copyOf(op, cap);
            flags = Arrays.copyOf(flags, cap);
        }
        nanos[size] = atNanos;
        seq[size] = atSeq;
        device[size] = deviceIndex;
        op[size] = opCode;
        return size++;
    }

    /** The index of the first entry whose key is greater than {@code after}; {@link #size()} if none. */
    int firstAfter(EventKey after) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(mid, after.epochNanos(), after.seq()) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The index of the entry with exactly this key, or -1. */
    int indexOf(long atNanos, long atSeq) {
        int i = firstAfter(new EventKey(atNanos, atSeq - 1));
        return i < size && nanos[i] == atNanos && seq[i] == atSeq ? i : -1;
    }

    long nanos(int i) {
        return nanos[i];
    }

    long seq(int i) {
        return seq[i];
    }

    int device(int i) {
        return device[i];
    }

    byte op(int i) {
        return op[i];
    }

    byte flags(int i) {
        return flags[i];
    }

    void setFlags(int i, byte f) {
        flags[i] = f;
    }

    EventKey key(int i) {
        return new EventKey(nanos[i], seq[i]);
    }

    /** Compares entry {@code i} with the key (n, s). */
    int compare(int i, long n, long s) {
        int c = Long.compare(nanos[i], n);
        return c != 0 ? c : Long.compare(seq[i], s);
    }
}
