package io.mdmsim.core.scep;

import static io.mdmsim.core.scep.ScepAttributes.FAIL_INFO;
import static io.mdmsim.core.scep.ScepAttributes.MESSAGE_TYPE;
import static io.mdmsim.core.scep.ScepAttributes.PKI_STATUS;
import static io.mdmsim.core.scep.ScepAttributes.RECIPIENT_NONCE;
import static io.mdmsim.core.scep.ScepAttributes.SENDER_NONCE;
import static io.mdmsim.core.scep.ScepAttributes.TRANSACTION_ID;
import static io.mdmsim.core.scep.ScepAttributes.attribute;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.cms.internal.CmsSupport;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Writes pkiMessages: the requester's PKCSReq/RenewalReq and the server's CertRep SUCCESS, FAILURE and PENDING. */
final class PkiMessageBuilder {

    private PkiMessageBuilder() {}

    static byte[] request(MessageType type, PKCS10CertificationRequest csr, Identity signer,
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
        if (senderNonce.length != Scep.NONCE_LENGTH) {
            throw new IllegalArgumentException("senderNonce: " + senderNonce.length + " bytes (expected: "
                    + Scep.NONCE_LENGTH + ")");
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
        return sign(new CMSProcessableByteArray(enveloped), signer, digest, attributes);
    }

    static byte[] certRepSuccess(PkiMessage request, List<X509Certificate> issuedAndChain, Identity caOrRa) {
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

    static byte[] certRepFailure(PkiMessage request, FailInfo failInfo, Identity caOrRa) {
        requireNonNull(failInfo, "failInfo");
        return certRep(request, PkiStatus.FAILURE, failInfo, null, caOrRa);
    }

    static byte[] certRepPending(PkiMessage request, Identity caOrRa) {
        return certRep(request, PkiStatus.PENDING, null, null, caOrRa);
    }

    private static byte[] certRep(PkiMessage request, PkiStatus status, FailInfo failInfo, CMSTypedData content,
            Identity caOrRa) {
        requireNonNull(request, "request");
        requireNonNull(caOrRa, "caOrRa");
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(attribute(MESSAGE_TYPE, new DERPrintableString(Integer.toString(MessageType.CERT_REP.code()))));
        attributes.add(attribute(TRANSACTION_ID, new DERPrintableString(request.transactionId())));
        attributes.add(attribute(PKI_STATUS, new DERPrintableString(Integer.toString(status.code()))));
        if (failInfo != null) {
            attributes.add(attribute(FAIL_INFO, new DERPrintableString(Integer.toString(failInfo.code()))));
        }
        attributes.add(attribute(SENDER_NONCE, new DEROctetString(Scep.newNonce())));
        if (request.senderNonce() != null) {
            attributes.add(attribute(RECIPIENT_NONCE, new DEROctetString(request.senderNonce())));
        }
        // FAILURE and PENDING carry no pkcsPKIEnvelope (RFC 8894 §3.3.2). The SignedData then encapsulates zero bytes
        // rather than no content: Go's pkcs7 (scepclient) and BouncyCastle read both, openssl cms -verify only this.
        return sign(content != null ? content : new CMSProcessableByteArray(new byte[0]), caOrRa, request.digest(),
                attributes);
    }

    /** A SignedData that encapsulates content, signed with the given attributes. */
    private static byte[] sign(CMSTypedData content, Identity signer, DigestAlgorithm digest,
            ASN1EncodableVector attributes) {
        try {
            return CmsSupport.generate(content, true,
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
}
