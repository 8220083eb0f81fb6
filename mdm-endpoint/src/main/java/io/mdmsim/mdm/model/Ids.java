package io.mdmsim.mdm.model;

import java.util.Random;
import java.util.UUID;

/** Seeded randomness for the server: UUIDs, challenge bytes, nonces (STYLE: randomness from a seed). */
public final class Ids {

    private final Random random;

    public Ids(long seed) {
        this.random = new Random(seed);
    }

    /** A random (version 4 layout) UUID, upper case as Apple writes PayloadUUIDs and CommandUUIDs. */
    public String uuid() {
        long msb;
        long lsb;
        synchronized (random) {
            msb = random.nextLong();
            lsb = random.nextLong();
        }
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString().toUpperCase(java.util.Locale.ROOT);
    }

    /** A new generator seeded from this one, for a component that draws on its own. */
    public Random fork() {
        synchronized (random) {
            return new Random(random.nextLong());
        }
    }

    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        synchronized (random) {
            random.nextBytes(b);
        }
        return b;
    }
}
