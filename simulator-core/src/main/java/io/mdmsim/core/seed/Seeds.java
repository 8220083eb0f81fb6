package io.mdmsim.core.seed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Deterministic numbers from the fleet seed and a label: the same on every machine and JDK. */
public final class Seeds {

    private Seeds() {
    }

    /** 64 bits of SHA-256 over "seed/label". */
    public static long mix(long seed, String label) {
        return of(seed + "/" + label);
    }

    /** The first 64 bits of SHA-256 over {@code text} (UTF-8). */
    public static long of(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A number in [0, 1) from seed and label. */
    public static double unit(long seed, String label) {
        return (mix(seed, label) >>> 11) * 0x1.0p-53;
    }
}
