package io.mdmsim.core.pki;

import java.security.cert.X509Certificate;

/** Small certificate helpers: DER in and out, names, fingerprints. */
public final class Certificates {
    private Certificates() {}

    /** A DER certificate; CmsException if it is not one. */
    public static X509Certificate fromDer(byte[] der) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static byte[] der(X509Certificate certificate) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The subject's CN, or the whole subject DN if it has none. */
    public static String commonName(X509Certificate certificate) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Lower-case hex SHA-256 of the DER certificate. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
