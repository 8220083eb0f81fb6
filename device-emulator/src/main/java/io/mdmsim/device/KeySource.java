package io.mdmsim.device;

import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Where devices get their RSA keys: the factory identity key and the SCEP key. Key generation is the most expensive
 * thing a virtual device does (docs/DESIGN.md "Identities and trust"), so load runs may use {@link #reusing(int)}; the
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
        checkDistinct(distinctKeys);
        Map<Integer, List<KeyPair>> pools = new ConcurrentHashMap<>();
        AtomicLong next = new AtomicLong();
        return bits -> {
            List<KeyPair> pool = pools.computeIfAbsent(bits, b -> java.util.stream.IntStream.range(0, distinctKeys)
                    .parallel().mapToObj(i -> KeyPairs.rsa(b)).toList());
            return pool.get((int) (next.getAndIncrement() % distinctKeys));
        };
    }

    /**
     * A pool made now, before any device runs: {@code distinctKeys} keys of each size, generated in parallel, handed
     * out round-robin. Opt-in for load runs: a key pool takes key generation out of the measured run, and devices
     * share keys (visible to a server that looks). A size not made up front is made on first use.
     *
     * @param distinctKeys 1..10000
     * @param sizes        the key sizes to make now; none means 2048 (the factory identity and most SCEP payloads)
     */
    static KeySource pregenerated(int distinctKeys, int... sizes) {
        checkDistinct(distinctKeys);
        int[] bits = sizes.length == 0 ? new int[] {2048} : sizes.clone();
        Map<Integer, List<KeyPair>> pools = new ConcurrentHashMap<>();
        for (int b : bits) {
            pools.put(b, IntStream.range(0, distinctKeys).parallel().mapToObj(i -> KeyPairs.rsa(b)).toList());
        }
        return roundRobin(pools, distinctKeys);
    }

    /**
     * A pre-generated pool kept in a PEM file (PKCS#8 private keys, one per block), so repeated runs need not generate
     * it again: the file's keys are read if it has at least {@code distinctKeys} 2048-bit keys, else the pool is made
     * and the file written. Other key sizes are made on first use.
     */
    static KeySource pool(Path file, int distinctKeys) {
        requireNonNullPath(file);
        checkDistinct(distinctKeys);
        List<KeyPair> keys = new ArrayList<>();
        try {
            if (Files.isRegularFile(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII);
                for (String block : text.split("(?=-----BEGIN PRIVATE KEY-----)")) {
                    if (block.contains("-----BEGIN PRIVATE KEY-----") && keys.size() < distinctKeys) {
                        keys.add(pairOf(Pem.privateKey(block)));
                    }
                }
            }
            if (keys.size() < distinctKeys || keys.stream().anyMatch(k -> bits(k) != 2048)) {
                keys = IntStream.range(0, distinctKeys).parallel().mapToObj(i -> KeyPairs.rsa(2048)).toList();
                StringBuilder pem = new StringBuilder();
                keys.forEach(k -> pem.append(Pem.encode(k.getPrivate())));
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(file, pem, StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("key pool " + file + ": " + e.getMessage(), e);
        }
        Map<Integer, List<KeyPair>> pools = new ConcurrentHashMap<>();
        pools.put(2048, List.copyOf(keys));
        return roundRobin(pools, distinctKeys);
    }

    private static KeySource roundRobin(Map<Integer, List<KeyPair>> pools, int distinctKeys) {
        AtomicLong next = new AtomicLong();
        return bits -> {
            List<KeyPair> pool = pools.computeIfAbsent(bits, b -> IntStream.range(0, distinctKeys)
                    .parallel().mapToObj(i -> KeyPairs.rsa(b)).toList());
            return pool.get((int) (next.getAndIncrement() % pool.size()));
        };
    }

    private static void checkDistinct(int distinctKeys) {
        if (distinctKeys < 1 || distinctKeys > 10_000) {
            throw new IllegalArgumentException("distinctKeys: " + distinctKeys + " (expected: 1..10000)");
        }
    }

    private static void requireNonNullPath(Path file) {
        if (file == null) {
            throw new NullPointerException("file");
        }
    }

    private static int bits(KeyPair k) {
        return ((RSAPrivateCrtKey) k.getPrivate()).getModulus().bitLength();
    }

    private static KeyPair pairOf(java.security.PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new IllegalArgumentException("key pool: a " + key.getAlgorithm() + " key (expected: RSA)");
        }
        try {
            BigInteger e = rsa.getPublicExponent();
            return new KeyPair(KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), e)),
                    rsa);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("RSA is missing from this JDK", ex);
        }
    }
}
