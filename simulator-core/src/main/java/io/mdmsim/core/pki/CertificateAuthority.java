package io.mdmsim.core.pki;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A CA of the simulator PKI: a CA certificate, its key and its chain. Issues intermediates, TLS server certificates,
 * client certificates and certificates for PKCS#10 requests (SCEP). Times come from the caller (SimClock).
 */
public final class CertificateAuthority {
    private final Identity identity;

    private CertificateAuthority(Identity identity) {
        this.identity = identity;
    }

    /** A CA around an existing CA identity (for example one loaded from PEM); the certificate must be a CA. */
    public static CertificateAuthority of(Identity identity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static CertificateAuthority selfSignedRoot(String commonName, Instant notBefore, Duration validity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public CertificateAuthority intermediate(String commonName, Instant notBefore, Duration validity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public X509Certificate certificate() {
        return identity.certificate();
    }

    public PrivateKey privateKey() {
        return identity.privateKey();
    }

    public Identity identity() {
        return identity;
    }

    /** A new key and a serverAuth certificate; CN = the first name; SANs: IP literals as iPAddress, others as dNSName. */
    public Identity issueTlsServer(Instant notBefore, Duration validity, String... dnsNamesOrIps) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** digitalSignature + keyEncipherment, extendedKeyUsage clientAuth. */
    public X509Certificate issueClient(PublicKey key, String subjectDn, Instant notBefore, Duration validity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** A client certificate for the CSR's subject and public key (SCEP); the CSR's signature must verify. */
    public X509Certificate issue(PKCS10CertificationRequest csr, Instant notBefore, Duration validity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** A new RSA 2048 key and a client certificate for it, with this CA's chain. */
    public Identity issueClientIdentity(String subjectDn, Instant notBefore, Duration validity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + identity.subjectDn() + "]";
    }
}
