package io.mdmsim.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** PEM text of certificates and private keys. Decoding failures are {@link PemException}s. */
public final class Pem {
    private Pem() {}

    /** "-----BEGIN CERTIFICATE-----" block. */
    public static String encode(X509Certificate certificate) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** One CERTIFICATE block per certificate, in order. */
    public static String encode(List<X509Certificate> certificates) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** PKCS#8 "-----BEGIN PRIVATE KEY-----". */
    public static String encode(PrivateKey key) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** PKCS#1 "-----BEGIN RSA PRIVATE KEY-----" (RSA keys only). */
    public static String encodePkcs1(PrivateKey key) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The first certificate of the text. */
    public static X509Certificate certificate(String pem) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** All certificates of the text, in order; at least one. */
    public static List<X509Certificate> certificates(String pem) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The first private key: PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY" or "EC PRIVATE KEY"; not encrypted. */
    public static PrivateKey privateKey(String pem) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
