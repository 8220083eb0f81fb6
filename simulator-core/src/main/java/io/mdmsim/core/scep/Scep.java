package io.mdmsim.core.scep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.crypto.HashAlgorithm;
import io.mdmsim.core.crypto.RsaContentSigner;
import io.mdmsim.core.crypto.RsaException;
import io.mdmsim.core.pki.Bc;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import java.io.IOException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * SCEP pkiMessages (RFC 8894), both sides: a pkiMessage is a CMS SignedData whose signed attributes
 * carry messageType, transactionID and the nonces, over an EnvelopedData of the CSR (request) or of a certs-only
 * SignedData (CertRep SUCCESS). Accepts DES, 3DES and AES content encryption and SHA-1 and SHA-256 digests, which is
 * what iOS, Debian's scepclient and mdmb send.
 *
 * <p>The entry point of the package: the requester's CSR and throw-away certificate are made here; pkiMessages are
 * written by {@code PkiMessageBuilder} and read by {@code PkiMessageParser} (package-private).
 */
public final class Scep {
    /** RFC 8894 §3.2.1.5: nonces are 16 bytes. */
    public static final int NONCE_LENGTH = 16;
    /** The self-signed requester certificate starts this long before now and lasts this long. */
    static final Duration SELF_SIGNED_BACKDATE = Duration.ofHours(1);
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);

    private Scep() {}

    /** A PKCS#10 request (SHA-256 with RSA) with the challengePassword attribute (omitted when null). */
    public static PKCS10CertificationRequest csr(KeyPair key, String subjectDn, String challengePassword) {
        requireNonNull(key, "key");
        JcaPKCS10CertificationRequestBuilder builder =
                new JcaPKCS10CertificationRequestBuilder(Certificates.x500Name(subjectDn), key.getPublic());
        if (challengePassword != null) {
            ASN1Encodable value = DERPrintableString.isPrintableString(challengePassword)
                    ? new DERPrintableString(challengePassword) : new DERUTF8String(challengePassword);
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, value);
        }
        try {
            return builder.build(RsaContentSigner.of(key.getPrivate(), HashAlgorithm.SHA256));
        } catch (OperatorCreationException | RsaException e) {
            throw new ScepException("cannot sign a CSR for " + subjectDn + ": " + e.getMessage(), e);
        }
    }

    /** The challengePassword attribute of a CSR, null if it has none. */
    public static String challengePassword(PKCS10CertificationRequest csr) {
        requireNonNull(csr, "csr");
        org.bouncycastle.asn1.pkcs.Attribute[] attributes = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        if (attributes.length == 0) {
            return null;
        }
        ASN1Set values = attributes[0].getAttrValues();
        if (values.size() != 1) {
            throw new ScepException("CSR challengePassword attribute has " + values.size() + " values (expected: 1)");
        }
        ASN1Encodable value = values.getObjectAt(0);
        if (value instanceof ASN1String s) {
            return s.getString();
        }
        throw new ScepException("CSR challengePassword attribute is a " + value.getClass().getSimpleName()
                + " (expected: a string)");
    }

    /** The throw-away self-signed certificate a requester signs its PKCSReq with. */
    public static Identity selfSigned(KeyPair key, String subjectDn, Instant now) {
        requireNonNull(key, "key");
        requireNonNull(now, "now");
        X509Certificate cert = Certificates.selfSigned(key, subjectDn, now.minus(SELF_SIGNED_BACKDATE), SELF_SIGNED_VALIDITY);
        return new Identity(cert, key.getPrivate(), List.of());
    }

    /** PKCSReq or RenewalReq: SignedData by signer over EnvelopedData(csr) to recipient (the CA or RA). */
    public static byte[] request(MessageType type, PKCS10CertificationRequest csr, Identity signer,
            X509Certificate recipient, ContentCipher cipher, DigestAlgorithm digest, String transactionId,
            byte[] senderNonce) {
        return PkiMessageBuilder.request(type, csr, signer, recipient, cipher, digest, transactionId, senderNonce);
    }

    /** Parses and verifies the outer signature of a pkiMessage; ScepException says what is wrong. */
    public static PkiMessage parse(byte[] der) {
        return PkiMessageParser.parse(der);
    }

    /** The decrypted inner content: the CSR DER of a request, the certs-only SignedData of a CertRep SUCCESS. */
    public static byte[] decryptContent(PkiMessage message, X509Certificate recipientCert, PrivateKey key) {
        requireNonNull(message, "message");
        requireNonNull(recipientCert, "recipientCert");
        requireNonNull(key, "key");
        if (message.envelopedData() == null) {
            throw new ScepException("pkiMessage " + message.messageType()
                    + (message.pkiStatus() == null ? "" : " " + message.pkiStatus()) + " has no encrypted content");
        }
        try {
            return Cms.decrypt(message.envelopedData(), recipientCert, key);
        } catch (PkiException e) {
            throw new ScepException("cannot decrypt the pkiMessage content: " + e.getMessage(), e);
        }
    }

    /** The CSR of a PKCSReq/RenewalReq, decrypted with the identity it was encrypted to. */
    public static PKCS10CertificationRequest requestCsr(PkiMessage request, Identity caOrRa) {
        requireNonNull(request, "request");
        requireNonNull(caOrRa, "caOrRa");
        if (request.messageType() != MessageType.PKCS_REQ && request.messageType() != MessageType.RENEWAL_REQ) {
            throw new ScepException("pkiMessage is " + request.messageType() + " (expected: PKCS_REQ or RENEWAL_REQ)");
        }
        byte[] der = decryptContent(request, caOrRa.certificate(), caOrRa.privateKey());
        try {
            return new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw new ScepException("pkiMessage " + request.messageType() + " content is not a PKCS#10 CSR: " + e.getMessage(), e);
        }
    }

    /** The certificates of a CertRep SUCCESS, decrypted with the requester's identity; the one for its key first. */
    public static List<X509Certificate> issuedCertificates(PkiMessage certRep, Identity requester) {
        return issuedCertificates(certRep, requester, requester.publicKey());
    }

    /**
     * As {@link #issuedCertificates(PkiMessage, Identity)} where the requested key is not the requester's (RenewalReq:
     * signed and decrypted with the current identity, for a new key); the certificate for requestedKey first.
     */
    public static List<X509Certificate> issuedCertificates(PkiMessage certRep, Identity requester, PublicKey requestedKey) {
        requireNonNull(certRep, "certRep");
        requireNonNull(requester, "requester");
        requireNonNull(requestedKey, "requestedKey");
        if (certRep.messageType() != MessageType.CERT_REP || certRep.pkiStatus() != PkiStatus.SUCCESS) {
            throw new ScepException("pkiMessage is " + certRep.messageType()
                    + (certRep.pkiStatus() == null ? "" : " " + certRep.pkiStatus())
                    + (certRep.failInfo() == null ? "" : " (" + certRep.failInfo() + ")") + " (expected: CERT_REP SUCCESS)");
        }
        byte[] degenerate = decryptContent(certRep, requester.certificate(), requester.privateKey());
        List<X509Certificate> certs;
        try {
            certs = Cms.parseDegenerate(degenerate);
        } catch (PkiException e) {
            throw new ScepException("CertRep SUCCESS content: " + e.getMessage(), e);
        }
        List<X509Certificate> ordered = new ArrayList<>();
        for (X509Certificate c : certs) {
            if (c.getPublicKey().equals(requestedKey)) {
                ordered.add(0, c);
            } else {
                ordered.add(c);
            }
        }
        if (ordered.isEmpty() || !ordered.get(0).getPublicKey().equals(requestedKey)) {
            throw new ScepException("CertRep SUCCESS holds " + certs.size() + " certificate(s), none for the requested key");
        }
        return List.copyOf(ordered);
    }

    /** CertRep SUCCESS: degenerate(issuedAndChain) encrypted to the request's signer with the request's cipher. */
    public static byte[] certRepSuccess(PkiMessage request, List<X509Certificate> issuedAndChain, Identity caOrRa) {
        return PkiMessageBuilder.certRepSuccess(request, issuedAndChain, caOrRa);
    }

    /** CertRep FAILURE with failInfo, answering request. */
    public static byte[] certRepFailure(PkiMessage request, FailInfo failInfo, Identity caOrRa) {
        return PkiMessageBuilder.certRepFailure(request, failInfo, caOrRa);
    }

    /** CertRep PENDING, answering request. */
    public static byte[] certRepPending(PkiMessage request, Identity caOrRa) {
        return PkiMessageBuilder.certRepPending(request, caOrRa);
    }

    /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo. */
    public static String transactionId(PublicKey key) {
        requireNonNull(key, "key");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** 16 random bytes for a senderNonce. */
    public static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_LENGTH];
        Bc.RANDOM.nextBytes(nonce);
        return nonce;
    }
}
