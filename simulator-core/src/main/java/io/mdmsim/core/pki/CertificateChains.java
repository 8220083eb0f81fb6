package io.mdmsim.core.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;

/** Chain validation with messages a person can act on. */
public final class CertificateChains {
    private CertificateChains() {}

    /**
     * Checks that leaf chains, through intermediates, to one of anchors, every certificate valid at {@code at} and
     * every issuer a CA. Throws CmsException: "certificate CN=x is not signed by any trusted CA",
     * "certificate CN=x expired at 2026-01-01T00:00:00Z", ...
     */
    public static void verify(X509Certificate leaf, Collection<X509Certificate> intermediates,
            Collection<X509Certificate> anchors, Instant at) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
