package io.mdmsim.device;

import io.mdmsim.core.pki.KeyPairs;
import java.security.KeyPair;

/**
 * Where devices get their RSA keys: the factory identity key and the SCEP key. Key generation is the most expensive
 * thing a virtual device does (DESIGN.md "Identities and trust"), so load runs may plug in a pre-generated pool; the
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
}
