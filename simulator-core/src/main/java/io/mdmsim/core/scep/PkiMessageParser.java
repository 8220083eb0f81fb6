package io.mdmsim.core.scep;

import static io.mdmsim.core.scep.ScepAttributes.FAIL_INFO;
import static io.mdmsim.core.scep.ScepAttributes.MESSAGE_TYPE;
import static io.mdmsim.core.scep.ScepAttributes.PKI_STATUS;
import static io.mdmsim.core.scep.ScepAttributes.RECIPIENT_NONCE;
import static io.mdmsim.core.scep.ScepAttributes.SENDER_NONCE;
import static io.mdmsim.core.scep.ScepAttributes.TRANSACTION_ID;
import static io.mdmsim.core.scep.ScepAttributes.integer;
import static io.mdmsim.core.scep.ScepAttributes.octets;
import static io.mdmsim.core.scep.ScepAttributes.string;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.cms.internal.CmsSupport;
import io.mdmsim.core.pki.PkiException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;

/**
 * Reads a pkiMessage: verifies its outer signature, reads its signed attributes and names the content cipher; says
 * what is wrong with a malformed one ({@link ScepException}) or one in an algorithm we do not accept
 * ({@link ScepAlgorithmException}, which carries what could be read so the server can answer badAlg).
 */
final class PkiMessageParser {

    private PkiMessageParser() {}

    static PkiMessage parse(byte[] der) {
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

    /** The encapsulated bytes (an EnvelopedData), null when there are none. */
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
