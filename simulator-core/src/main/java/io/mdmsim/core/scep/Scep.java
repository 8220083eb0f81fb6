package io.mdmsim.core.scep;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Identity;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * SCEP pkiMessages (RFC 8894; PROTOCOL.md §5), both sides: a pkiMessage is a CMS SignedData whose signed attributes
 * carry messageType, transactionID and the nonces, over an EnvelopedData of the CSR (request) or of a certs-only
 * SignedData (CertRep SUCCESS).
 */
public final class Scep {
    private Scep() {}

    /** A PKCS#10 request (SHA-256 with RSA) with the challengePassword attribute (omitted when null). */
    public static PKCS10CertificationRequest csr(KeyPair key, String subjectDn, String challengePassword) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The challengePassword attribute of a CSR, null if it has none. */
    public static String challengePassword(PKCS10CertificationRequest csr) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The throw-away self-signed certificate a requester signs its PKCSReq with. */
    public static Identity selfSigned(KeyPair key, String subjectDn, Instant now) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** PKCSReq or RenewalReq: SignedData by signer over EnvelopedData(csr) to recipient (the CA or RA). */
    public static byte[] request(MessageType type, PKCS10CertificationRequest csr, Identity signer,
            X509Certificate recipient, ContentCipher cipher, DigestAlgorithm digest, String transactionId,
            byte[] senderNonce) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Parses and verifies the outer signature of a pkiMessage; ScepException says what is wrong. */
    public static PkiMessage parse(byte[] der) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The decrypted inner content: the CSR DER of a request, the certs-only SignedData of a CertRep SUCCESS. */
    public static byte[] decryptContent(PkiMessage message, X509Certificate recipientCert, PrivateKey key) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The CSR of a PKCSReq/RenewalReq. */
    public static PKCS10CertificationRequest requestCsr(PkiMessage request, Identity caOrRa) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The certificates of a CertRep SUCCESS, decrypted with the requester's identity; issued certificate first. */
    public static List<X509Certificate> issuedCertificates(PkiMessage certRep, Identity requester) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** CertRep SUCCESS: degenerate(issuedAndChain) encrypted to the request's signer with the request's cipher. */
    public static byte[] certRepSuccess(PkiMessage request, List<X509Certificate> issuedAndChain, Identity caOrRa) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static byte[] certRepFailure(PkiMessage request, FailInfo failInfo, Identity caOrRa) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static byte[] certRepPending(PkiMessage request, Identity caOrRa) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo. */
    public static String transactionId(PublicKey key) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
