package io.mdmsim.core.pki;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** RSA key pairs (docs/DESIGN.md "Identities and trust": RSA 2048 by default). */
public final class KeyPairs {
    private KeyPairs() {}

    public static KeyPair rsa2048() {
        return rsa(2048);
    }

    public static KeyPair rsa(int bits) {
        return rsa(bits, new SecureRandom());
    }

    /** With the given randomness (a seeded DRBG makes load runs repeatable). */
    public static KeyPair rsa(int bits, SecureRandom random) {
        if (bits < 1024 || bits > 8192 || bits % 8 != 0) {
            throw new IllegalArgumentException("bits: " + bits + " (expected: a multiple of 8 in 1024..8192)");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, random);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no RSA KeyPairGenerator", e);
        }
    }
}
