package io.mdmsim.core.cms;

import io.mdmsim.core.pki.Identity;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * CMS (RFC 5652) as Apple device management uses it: detached signatures (Mdm-Signature, PROTOCOL.md §6.2), attached
 * signatures (MachineInfo, §3.1), EnvelopedData with KeyTransRecipientInfo (server tokens §1.1, SCEP §5) and
 * certs-only SignedData. Every failure is a {@link CmsException} that says what failed.
 */
public final class Cms {
    private Cms() {}

    /** DER SignedData without the content, SHA-256, signer certificate and its chain included. */
    public static byte[] signDetached(byte[] content, Identity signer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static byte[] signDetached(byte[] content, Identity signer, DigestAlgorithm digest) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Checks a detached signature over content (signature only, no trust decision). */
    public static SignedContent verifyDetached(byte[] signature, byte[] content) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** As {@link #verifyDetached(byte[], byte[])}; error messages start with label, e.g. "Mdm-Signature". */
    public static SignedContent verifyDetached(byte[] signature, byte[] content, String label) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** DER SignedData with the content encapsulated, SHA-256, signer certificate and its chain included. */
    public static byte[] signAttached(byte[] content, Identity signer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static byte[] signAttached(byte[] content, Identity signer, DigestAlgorithm digest) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static SignedContent verifyAttached(byte[] signedData) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** As {@link #verifyAttached(byte[])}; error messages start with label, e.g. "MachineInfo signature". */
    public static SignedContent verifyAttached(byte[] signedData, String label) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** DER EnvelopedData for one KeyTransRecipientInfo (RSA PKCS#1 v1.5, issuer and serial of recipient). */
    public static byte[] encrypt(byte[] content, X509Certificate recipient, ContentCipher cipher) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static byte[] decrypt(byte[] envelopedData, X509Certificate recipientCert, PrivateKey key) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The content cipher of an EnvelopedData; CmsException if not EnvelopedData or not a cipher of {@link ContentCipher}. */
    public static ContentCipher contentCipher(byte[] envelopedData) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Certs-only ("degenerate") SignedData, PKCS#7 as in application/x-x509-ca-ra-cert; order kept. */
    public static byte[] degenerateCertificates(List<X509Certificate> certs) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static List<X509Certificate> parseDegenerate(byte[] der) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
