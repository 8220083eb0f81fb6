package io.mdmsim.device;

import io.mdmsim.core.pki.KeyPairs;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where devices get their RSA keys: the factory identity key and the SCEP key. Key generation is the most expensive
 * thing a virtual device does (DESIGN.md "Identities and trust"), so load runs may use {@link #reusing(int)}; the
 * default makes a fresh key every time. Called concurrently from device threads.
 */
@FunctionalInterface
public interface KeySource {

    /** A new RSA key pair of the given size (1024, 2048 or 4096 as the SCEP payload's Keysize says). */
    KeyPair rsa(int bits);

    /** A fresh key for every call. */
    static KeySource fresh() {
        return KeyPairs::rsa;
    }

    /**
     * A pool of {@code distinctKeys} keys per size, made on first use and handed out round-robin. Devices then share
     * keys: much cheaper, and visible to a server that looks (the same public key in several certificates).
     *
     * @param distinctKeys 1..10000
     */
    static KeySource reusing(int distinctKeys) {
        if (distinctKeys < 1 || distinctKeys > 10_000) {
            throw new IllegalArgumentException("distinctKeys: " + distinctKeys + " (expected: 1..10000)");
        }
        Map<Integer, List<KeyPair>> pools = new ConcurrentHashMap<>();
        AtomicLong next = new AtomicLong();
        return bits -> {
            List<KeyPair> pool = pools.computeIfAbsent(bits, b -> java.util.stream.IntStream.range(0, distinctKeys)
                    .parallel().mapToObj(i -> KeyPairs.rsa(b)).toList());
            return pool.get((int) (next.getAndIncrement() % distinctKeys));
        };
    }
}
