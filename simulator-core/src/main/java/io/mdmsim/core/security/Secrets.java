package io.mdmsim.core.security;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Secrets (SCEP challenges, OAuth keys and nonces, session and admin tokens, MAC keys): always from
 * {@link SecureRandom}, never from a scenario seed. The seed makes runs reproducible; a value someone could predict
 * from the seed, or from the values before it, is no secret.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** {@code n} random bytes. */
    public static byte[] bytes(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
        }
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** {@code n} random bytes as lower-case hex (2n characters). */
    public static String hex(int n) {
        return HexFormat.of().formatHex(bytes(n));
    }

    /** The shared generator, for APIs that take one (key generation, CMS). */
    public static SecureRandom random() {
        return RANDOM;
    }
}
