package io.mdmsim.abm.state;

import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The fake ABM's source of keys, tokens and identifiers: drawn from the seed, so the same seed and the same sequence
 * of requests give the same values. Not for real secrets.
 */
public final class SeededRandom {

    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.random = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + 0x632B_E59B_D9B4_E019L);
    }

    public synchronized byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** {@code n} random bytes as lower-case hex. */
    public String hex(int n) {
        return HexFormat.of().formatHex(bytes(n));
    }

    /** A random (version 4 layout) UUID. */
    public synchronized UUID uuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** 32 upper-case hex digits, the shape of a DEP profile_uuid. */
    public String profileUuid() {
        return hex(16).toUpperCase(Locale.ROOT);
    }
}
