package io.mdmsim.core.pki;

import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider, used as an object and never registered with {@code Security}: nothing else in the JVM
 * sees a changed provider list, and DES keeps working whatever the JDK's policy for its own providers.
 */
public final class Bc {
    public static final Provider PROVIDER = new BouncyCastleProvider();

    /** Shared randomness for content keys, nonces and serial numbers (thread-safe). */
    public static final SecureRandom RANDOM = new SecureRandom();

    private Bc() {}
}
