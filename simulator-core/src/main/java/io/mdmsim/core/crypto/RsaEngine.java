package io.mdmsim.core.crypto;

import java.security.interfaces.RSAPrivateKey;

/**
 * The RSA private-key operations of the simulator, and nothing more: a PKCS#1 v1.5 signature over a digest, and
 * PKCS#1 v1.5 decryption of a wrapped key. Both are deterministic functions of the key and the input, so every
 * engine gives the same bytes for the same call. Implementations are thread-safe. Failures are
 * {@link RsaException}s that say what failed; an engine never returns bytes it did not check it made.
 */
public interface RsaEngine {
    /** "jdk" or "native": the value of {@code MDMSIM_RSA} that selects it. */
    String id();

    /** One line for users: the engine and what it runs on, e.g. "native (OpenSSL 3.0.19 ..., libcrypto.so.3)". */
    String description();

    /** The PKCS#1 v1.5 signature (RSASSA-PKCS1-v1_5) of a digest made with hash; as long as the key's modulus. */
    byte[] sign(RSAPrivateKey key, HashAlgorithm hash, byte[] digest);

    /** The message inside a PKCS#1 v1.5 (RSAES-PKCS1-v1_5) encryption; RsaException if it is not one for this key. */
    byte[] decrypt(RSAPrivateKey key, byte[] ciphertext);

    /**
     * The CPU time (nanoseconds) the calling threads spent inside this engine's native calls so far, or -1 where it is
     * not counted (the JDK's engine, whose time profilers see as Java code). For the benchmarks' CPU by part.
     */
    default long nativeCpuNanos() {
        return -1;
    }
}
