package io.mdmsim.core.scep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.cms.internal.CmsSupport;
import io.mdmsim.core.crypto.HashAlgorithm;
import io.mdmsim.core.crypto.RsaContentSigner;
import io.mdmsim.core.crypto.RsaException;
import io.mdmsim.core.pki.Bc;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * SCEP pkiMessages (RFC 8894), both sides: a pkiMessage is a CMS SignedData whose signed attributes
 * carry messageType, transactionID and the nonces, over an EnvelopedData of the CSR (request) or of a certs-only
 * SignedData (CertRep SUCCESS). Accepts DES, 3DES and AES content encryption and SHA-1 and SHA-256 digests, which is
 * what iOS, Debian's scepclient and mdmb send.
 */
public final class Scep {
    /** RFC 8894 §3.2.1 attribute OIDs (id-attributes 2.16.840.1.113733.1.9). */
    static final ASN1ObjectIdentifier MESSAGE_TYPE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.2");
    static final ASN1ObjectIdentifier PKI_STATUS = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.3");
    static final ASN1ObjectIdentifier FAIL_INFO = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.4");
    static final ASN1ObjectIdentifier SENDER_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.5");
    static final ASN1ObjectIdentifier RECIPIENT_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.6");
    static final ASN1ObjectIdentifier TRANSACTION_ID = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.7");

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
        requireNonNull(type, "type");
        requireNonNull(csr, "csr");
        requireNonNull(signer, "signer");
        requireNonNull(recipient, "recipient");
        requireNonNull(cipher, "cipher");
        requireNonNull(digest, "digest");
        requireNonNull(transactionId, "transactionId");
        requireNonNull(senderNonce, "senderNonce");
        if (type != MessageType.PKCS_REQ && type != MessageType.RENEWAL_REQ) {
            throw new IllegalArgumentException("type: " + type + " (expected: PKCS_REQ or RENEWAL_REQ)");
        }
        if (transactionId.isBlank()) {
            throw new IllegalArgumentException("transactionId: blank (expected e.g. Scep.transactionId(publicKey))");
        }
        if (senderNonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("senderNonce: " + senderNonce.length + " bytes (expected: " + NONCE_LENGTH + ")");
        }
        byte[] csrDer;
        try {
            csrDer = csr.getEncoded();
        } catch (IOException e) {
            throw new ScepException("cannot encode the CSR: " + e.getMessage(), e);
        }
        byte[] enveloped = encrypt(csrDer, recipient, cipher);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(attribute(MESSAGE_TYPE, new DERPrintableString(Integer.toString(type.code()))));
        attributes.add(attribute(TRANSACTION_ID, new DERPrintableString(transactionId)));
        attributes.add(attribute(SENDER_NONCE, new DEROctetString(senderNonce)));
        return sign(new CMSProcessableByteArray(enveloped), true, signer, digest, attributes);
    }

    /** Parses and verifies the outer signature of a pkiMessage; ScepException says what is wrong. */
    public static PkiMessage parse(byte[] der) {
        requireNonNull(der, "der");
        try {
            CMSSignedData signed = CmsSupport.parseSignedData(der, "pkiMessage");
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new ScepException("pkiMessage has " + signers.size() + " signers (expected: 1)");
            }
            SignerInformation signerInfo = signers.iterator().next();
            DigestAlgorithm digest = DigestAlgorithm.fromOid(signerInfo.getDigestAlgOID());
            // an unsupported digest (SHA-512 ...) still verifies here; the request is answered badAlg below
            String unsupported = digest != null ? null : "pkiMessage digest algorithm " + signerInfo.getDigestAlgOID()
                    + " is not supported (expected: SHA-1 " + DigestAlgorithm.SHA1.oid() + " or SHA-256 "
                    + DigestAlgorithm.SHA256.oid() + ")";
            X509Certificate signer = CmsSupport.signerCertificate(signed, signerInfo, "pkiMessage signature");
            CmsSupport.verifySignerInfo(signerInfo, signer, "pkiMessage signature");

            AttributeTable attributes = signerInfo.getSignedAttributes();
            if (attributes == null) {
                throw new ScepException("pkiMessage has no signed attributes (expected: messageType, transactionID, senderNonce)");
            }
            MessageType type = MessageType.fromCode(integer(attributes, MESSAGE_TYPE, "messageType"));
            String transactionId = string(attributes, TRANSACTION_ID, "transactionID");
            if (transactionId == null) {
                throw new ScepException("pkiMessage " + type + " has no transactionID attribute");
            }
            byte[] senderNonce = octets(attributes, SENDER_NONCE, "senderNonce");
            if (senderNonce == null && type != MessageType.CERT_REP) {
                throw new ScepException("pkiMessage " + type + " has no senderNonce attribute");
            }
            byte[] recipientNonce = octets(attributes, RECIPIENT_NONCE, "recipientNonce");
            PkiStatus status = null;
            FailInfo failInfo = null;
            if (type == MessageType.CERT_REP) {
                if (attributes.get(PKI_STATUS) == null) {
                    throw new ScepException("pkiMessage CertRep has no pkiStatus attribute");
                }
                status = PkiStatus.fromCode(integer(attributes, PKI_STATUS, "pkiStatus"));
                if (status == PkiStatus.FAILURE && attributes.get(FAIL_INFO) != null) {
                    failInfo = FailInfo.fromCode(integer(attributes, FAIL_INFO, "failInfo"));
                }
            }

            byte[] enveloped = content(signed);
            ContentCipher cipher = null;
            if (unsupported != null) {
                throw new ScepAlgorithmException(unsupported, new PkiMessage(type, transactionId, senderNonce,
                        recipientNonce, status, failInfo, signer, DigestAlgorithm.SHA256, null, null, der.clone()));
            }
            if (enveloped != null) {
                String cipherOid;
                try {
                    cipherOid = CmsSupport.parseEnvelopedData(enveloped).getEncryptionAlgOID();
                } catch (PkiException e) {
                    throw new ScepException("pkiMessage " + type + " content: " + e.getMessage(), e);
                }
                cipher = ContentCipher.fromOid(cipherOid);
                if (cipher == null) {
                    throw new ScepAlgorithmException("pkiMessage " + type + " content cipher " + cipherOid
                            + " is not supported (expected: DES-CBC, DES-EDE3-CBC or AES-128/192/256-CBC)",
                            new PkiMessage(type, transactionId, senderNonce, recipientNonce, status, failInfo, signer,
                                    digest, null, null, der.clone()));
                }
            } else if (type == MessageType.PKCS_REQ || type == MessageType.RENEWAL_REQ
                    || (type == MessageType.CERT_REP && status == PkiStatus.SUCCESS)) {
                throw new ScepException("pkiMessage " + type + (status == null ? "" : " " + status)
                        + " has no content (expected an EnvelopedData)");
            }
            return new PkiMessage(type, transactionId, senderNonce, recipientNonce, status, failInfo, signer, digest,
                    cipher, enveloped, der.clone());
        } catch (PkiException e) {
            throw new ScepException(e.getMessage(), e);
        } catch (ScepException e) {
            throw e;
        } catch (RuntimeException e) {
            // BouncyCastle reads certificates and attributes lazily: malformed ones surface here
            throw new ScepException("malformed pkiMessage: " + e.getMessage(), e);
        }
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
        requireNonNull(request, "request");
        requireNonNull(issuedAndChain, "issuedAndChain");
        requireNonNull(caOrRa, "caOrRa");
        if (issuedAndChain.isEmpty()) {
            throw new IllegalArgumentException("issuedAndChain: empty (expected the issued certificate, then its chain)");
        }
        ContentCipher cipher = request.cipher() != null ? request.cipher() : ContentCipher.AES128_CBC;
        byte[] enveloped = encrypt(Cms.degenerateCertificates(issuedAndChain), request.signerCertificate(), cipher);
        return certRep(request, PkiStatus.SUCCESS, null, new CMSProcessableByteArray(enveloped), caOrRa);
    }

    public static byte[] certRepFailure(PkiMessage request, FailInfo failInfo, Identity caOrRa) {
        requireNonNull(failInfo, "failInfo");
        return certRep(request, PkiStatus.FAILURE, failInfo, null, caOrRa);
    }

    public static byte[] certRepPending(PkiMessage request, Identity caOrRa) {
        return certRep(request, PkiStatus.PENDING, null, null, caOrRa);
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

    // ---------------------------------------------------------------------------------------------------------------

    private static byte[] certRep(PkiMessage request, PkiStatus status, FailInfo failInfo, CMSTypedData content, Identity caOrRa) {
        requireNonNull(request, "request");
        requireNonNull(caOrRa, "caOrRa");
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(attribute(MESSAGE_TYPE, new DERPrintableString(Integer.toString(MessageType.CERT_REP.code()))));
        attributes.add(attribute(TRANSACTION_ID, new DERPrintableString(request.transactionId())));
        attributes.add(attribute(PKI_STATUS, new DERPrintableString(Integer.toString(status.code()))));
        if (failInfo != null) {
            attributes.add(attribute(FAIL_INFO, new DERPrintableString(Integer.toString(failInfo.code()))));
        }
        attributes.add(attribute(SENDER_NONCE, new DEROctetString(newNonce())));
        if (request.senderNonce() != null) {
            attributes.add(attribute(RECIPIENT_NONCE, new DEROctetString(request.senderNonce())));
        }
        // FAILURE and PENDING carry no pkcsPKIEnvelope (RFC 8894 §3.3.2). The SignedData then encapsulates zero bytes
        // rather than no content: Go's pkcs7 (scepclient) and BouncyCastle read both, openssl cms -verify only this.
        return sign(content != null ? content : new CMSProcessableByteArray(new byte[0]), true, caOrRa, request.digest(), attributes);
    }

    private static byte[] sign(CMSTypedData content, boolean encapsulate, Identity signer, DigestAlgorithm digest,
            ASN1EncodableVector attributes) {
        try {
            return CmsSupport.generate(content, encapsulate,
                    CmsSupport.signerInfoGenerator(signer, digest, new AttributeTable(attributes)),
                    signer.certificateAndChain());
        } catch (PkiException e) {
            throw new ScepException("cannot sign the pkiMessage as " + signer.subjectDn() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] encrypt(byte[] content, X509Certificate recipient, ContentCipher cipher) {
        try {
            return Cms.encrypt(content, recipient, cipher);
        } catch (PkiException e) {
            throw new ScepException(e.getMessage(), e);
        }
    }

    private static Attribute attribute(ASN1ObjectIdentifier oid, ASN1Encodable value) {
        return new Attribute(oid, new DERSet(value));
    }

    private static ASN1Encodable single(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        Attribute attribute = table.get(oid);
        if (attribute == null) {
            return null;
        }
        if (table.getAll(oid).size() != 1 || attribute.getAttrValues().size() != 1) {
            throw new ScepException("pkiMessage attribute " + name + " has more than one value (expected: 1)");
        }
        return attribute.getAttrValues().getObjectAt(0);
    }

    private static String string(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        ASN1Encodable value = single(table, oid, name);
        if (value == null) {
            return null;
        }
        if (value instanceof ASN1String s) {
            return s.getString();
        }
        if (value instanceof ASN1OctetString o) {
            return new String(o.getOctets(), StandardCharsets.US_ASCII);
        }
        throw new ScepException("pkiMessage attribute " + name + " is a " + value.getClass().getSimpleName()
                + " (expected: PrintableString)");
    }

    private static int integer(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        String text = string(table, oid, name);
        if (text == null) {
            throw new ScepException("pkiMessage has no " + name + " attribute");
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new ScepException("pkiMessage attribute " + name + ": \"" + text + "\" (expected: a decimal number)", e);
        }
    }

    private static byte[] octets(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        ASN1Encodable value = single(table, oid, name);
        if (value == null) {
            return null;
        }
        if (value instanceof ASN1OctetString o) {
            return o.getOctets();
        }
        throw new ScepException("pkiMessage attribute " + name + " is a " + value.getClass().getSimpleName()
                + " (expected: OCTET STRING)");
    }

    private static byte[] content(CMSSignedData signed) throws CmsException {
        if (signed.getSignedContent() == null) {
            return null;
        }
        Object content = signed.getSignedContent().getContent();
        byte[] bytes;
        if (content instanceof byte[] b) {
            bytes = b;
        } else if (content instanceof ASN1Encodable a) {
            try {
                bytes = a.toASN1Primitive().getEncoded();
            } catch (IOException e) {
                throw new CmsException("pkiMessage content cannot be encoded: " + e.getMessage(), e);
            }
        } else {
            throw new CmsException("pkiMessage content is a " + (content == null ? "null" : content.getClass().getSimpleName())
                    + " (expected: the bytes of an EnvelopedData)");
        }
        return bytes.length == 0 ? null : bytes;
    }
}
