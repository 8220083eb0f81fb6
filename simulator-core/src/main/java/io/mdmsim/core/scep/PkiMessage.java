package io.mdmsim.core.scep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * A parsed, signature-checked SCEP pkiMessage (RFC 8894 §3.2): the signed attributes, the signer, the digest of the
 * signature, and the inner EnvelopedData (still encrypted) with its cipher. Attributes absent on the wire are null.
 */
public record PkiMessage(MessageType messageType, String transactionId, byte[] senderNonce, byte[] recipientNonce,
        PkiStatus pkiStatus, FailInfo failInfo, X509Certificate signerCertificate, DigestAlgorithm digest,
        ContentCipher cipher, byte[] envelopedData, byte[] raw) {
    public PkiMessage {
        requireNonNull(messageType, "messageType");
        requireNonNull(transactionId, "transactionId");
        requireNonNull(signerCertificate, "signerCertificate");
        requireNonNull(digest, "digest");
        requireNonNull(raw, "raw");
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "PkiMessage[" + messageType + ", transactionId=" + transactionId
                + ", senderNonce=" + (senderNonce == null ? null : hex.formatHex(senderNonce))
                + ", recipientNonce=" + (recipientNonce == null ? null : hex.formatHex(recipientNonce))
                + ", pkiStatus=" + pkiStatus + ", failInfo=" + failInfo
                + ", signer=" + signerCertificate.getSubjectX500Principal().getName()
                + ", digest=" + digest + ", cipher=" + cipher
                + ", envelopedData=" + (envelopedData == null ? null : envelopedData.length + " bytes")
                + ", raw=" + raw.length + " bytes]";
    }
}
