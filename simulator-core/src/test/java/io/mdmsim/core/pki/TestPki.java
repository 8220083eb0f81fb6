package io.mdmsim.core.pki;

import java.time.Duration;
import java.time.Instant;

/** One small PKI per test JVM (RSA key generation is the slow part of these tests). */
public final class TestPki {
    public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    public static final Duration YEAR = Duration.ofDays(365);

    private static volatile TestPki instance;

    public final CertificateAuthority root;
    public final CertificateAuthority intermediate;
    /** Issued by intermediate: leaf, chain [intermediate, root]. */
    public final Identity client;
    /** A second, unrelated root and a client under it. */
    public final CertificateAuthority otherRoot;
    public final Identity otherClient;

    private TestPki() {
        Instant notBefore = NOW.minus(Duration.ofDays(1));
        root = CertificateAuthority.selfSignedRoot("Test Root CA", notBefore, YEAR.multipliedBy(10));
        intermediate = root.intermediate("Test Intermediate CA", notBefore, YEAR.multipliedBy(5));
        client = intermediate.issueClientIdentity("CN=device-1,O=mdmsim test", notBefore, YEAR);
        otherRoot = CertificateAuthority.selfSignedRoot("Other Root CA", notBefore, YEAR.multipliedBy(10));
        otherClient = otherRoot.issueClientIdentity("CN=stranger", notBefore, YEAR);
    }

    public static TestPki get() {
        TestPki p = instance;
        if (p == null) {
            synchronized (TestPki.class) {
                p = instance;
                if (p == null) {
                    instance = p = new TestPki();
                }
            }
        }
        return p;
    }
}
