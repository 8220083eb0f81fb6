package io.mdmsim.core.cms;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Bc;
import io.mdmsim.core.cms.internal.CmsSupport;
import io.mdmsim.core.cms.internal.RsaKeyTransRecipient;
import io.mdmsim.core.crypto.RsaException;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OutputEncryptor;

/**
 * CMS (RFC 5652) as Apple device management uses it: detached signatures (Mdm-Signature), attached
 * signatures (MachineInfo), EnvelopedData with KeyTransRecipientInfo (server tokens, SCEP) and
 * certs-only SignedData. Every failure is a {@link CmsException} that says what failed.
 *
 * <p>Output is DER with definite lengths; certificate sets keep the order given. Signatures carry the signed
 * attributes contentType, messageDigest and cmsAlgorithmProtection, but no signingTime (the simulator's time is
 * SimClock's, never the wall clock's).
 */
public final class Cms {
    private static final String DEFAULT_DETACHED_LABEL = "CMS signature";
    private static final String DEFAULT_ATTACHED_LABEL = "CMS signed data";

    private Cms() {}

    /** DER SignedData without the content, SHA-256, signer certificate and its chain included. */
    public static byte[] signDetached(byte[] content, Identity signer) {
        return signDetached(content, signer, DigestAlgorithm.SHA256);
    }

    public static byte[] signDetached(byte[] content, Identity signer, DigestAlgorithm digest) {
        return sign(content, signer, digest, false);
    }

    /** Checks a detached signature over content (signature only, no trust decision). */
    public static SignedContent verifyDetached(byte[] signature, byte[] content) {
        return verifyDetached(signature, content, DEFAULT_DETACHED_LABEL);
    }

    /** As {@link #verifyDetached(byte[], byte[])}; error messages start with label, e.g. "Mdm-Signature". */
    public static SignedContent verifyDetached(byte[] signature, byte[] content, String label) {
        return ParsedSignature.parseDetached(signature, content, label).verify();
    }

    /** DER SignedData with the content encapsulated, SHA-256, signer certificate and its chain included. */
    public static byte[] signAttached(byte[] content, Identity signer) {
        return signAttached(content, signer, DigestAlgorithm.SHA256);
    }

    public static byte[] signAttached(byte[] content, Identity signer, DigestAlgorithm digest) {
        return sign(content, signer, digest, true);
    }

    public static SignedContent verifyAttached(byte[] signedData) {
        return verifyAttached(signedData, DEFAULT_ATTACHED_LABEL);
    }

    /** As {@link #verifyAttached(byte[])}; error messages start with label, e.g. "MachineInfo signature". */
    public static SignedContent verifyAttached(byte[] signedData, String label) {
        requireNonNull(signedData, "signedData");
        requireNonNull(label, "label");
        CMSSignedData parsed = CmsSupport.parseSignedData(signedData, label);
        if (parsed.getSignedContent() == null) {
            throw new CmsException(label + " does not verify: the SignedData has no encapsulated content"
                    + " (it is a detached signature; expected the signed bytes inside)");
        }
        byte[] content = (byte[]) parsed.getSignedContent().getContent();
        return ParsedSignature.of(parsed, content == null ? new byte[0] : content, label).verify();
    }

    /** DER EnvelopedData for one KeyTransRecipientInfo (RSA PKCS#1 v1.5, issuer and serial of recipient). */
    public static byte[] encrypt(byte[] content, X509Certificate recipient, ContentCipher cipher) {
        requireNonNull(content, "content");
        requireNonNull(recipient, "recipient");
        requireNonNull(cipher, "cipher");
        if (!"RSA".equals(recipient.getPublicKey().getAlgorithm())) {
            throw new CmsException("cannot encrypt to certificate " + Certificates.name(recipient) + ": its key is "
                    + recipient.getPublicKey().getAlgorithm() + " (expected: RSA)");
        }
        try {
            CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
            // the RSA key transport by the JDK's provider: BouncyCastle's RSA checks the recipient's modulus with
            // probable-prime tests on every new key (its cache keeps a handful), which cost more than the encryption
            generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient));
            OutputEncryptor encryptor = new JceCMSContentEncryptorBuilder(new ASN1ObjectIdentifier(cipher.oid()))
                    .setProvider(Bc.PROVIDER).setSecureRandom(Bc.RANDOM).build();
            CMSEnvelopedData enveloped = generator.generate(new CMSProcessableByteArray(content), encryptor);
            return enveloped.toASN1Structure().getEncoded(ASN1Encoding.DL);
        } catch (CMSException | CertificateEncodingException | IOException e) {
            throw new CmsException("cannot encrypt " + content.length + " bytes with " + cipher.displayName() + " to "
                    + Certificates.name(recipient) + ": " + e.getMessage(), e);
        }
    }

    public static byte[] decrypt(byte[] envelopedData, X509Certificate recipientCert, PrivateKey key) {
        requireNonNull(envelopedData, "envelopedData");
        requireNonNull(recipientCert, "recipientCert");
        requireNonNull(key, "key");
        CMSEnvelopedData enveloped = CmsSupport.parseEnvelopedData(envelopedData);
        RecipientInformation recipient = enveloped.getRecipientInfos().get(new JceKeyTransRecipientId(recipientCert));
        if (recipient == null) {
            String recipients = enveloped.getRecipientInfos().getRecipients().stream()
                    .map(r -> CmsSupport.describe(r.getRID())).collect(Collectors.joining(" | "));
            throw new CmsException("EnvelopedData is not encrypted to certificate " + Certificates.name(recipientCert)
                    + " (serial " + recipientCert.getSerialNumber().toString(16) + "); its recipients: "
                    + (recipients.isEmpty() ? "none" : recipients));
        }
        if (!Certificates.keyMatches(recipientCert, key)) {
            throw new CmsException("cannot decrypt EnvelopedData: the private key given does not belong to certificate "
                    + Certificates.name(recipientCert));
        }
        try {
            // the RSA key transport by the RSA engine (libcrypto or the JDK's), the content cipher by BouncyCastle
            // (DES and 3DES whatever the JDK's policy)
            return recipient.getContent(RsaKeyTransRecipient.of(key));
        } catch (CMSException | RuntimeException e) {
            throw new CmsException("cannot decrypt EnvelopedData (" + CmsSupport.cipherName(enveloped) + ") for "
                    + Certificates.name(recipientCert) + ": " + e.getMessage(), e);
        }
    }

    /** The content cipher of an EnvelopedData; CmsException if not EnvelopedData or not a cipher of {@link ContentCipher}. */
    public static ContentCipher contentCipher(byte[] envelopedData) {
        requireNonNull(envelopedData, "envelopedData");
        CMSEnvelopedData enveloped = CmsSupport.parseEnvelopedData(envelopedData);
        ContentCipher cipher = ContentCipher.fromOid(enveloped.getEncryptionAlgOID());
        if (cipher == null) {
            throw new CmsException("EnvelopedData content cipher " + enveloped.getEncryptionAlgOID()
                    + " is not supported (expected: DES-CBC, DES-EDE3-CBC, AES-128-CBC, AES-192-CBC or AES-256-CBC)");
        }
        return cipher;
    }

    /** Certs-only ("degenerate") SignedData, PKCS#7 as in application/x-x509-ca-ra-cert; order kept. */
    public static byte[] degenerateCertificates(List<X509Certificate> certs) {
        requireNonNull(certs, "certs");
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certs));
            CMSSignedData signed = generator.generate(new CMSAbsentContent());
            return signed.toASN1Structure().getEncoded(ASN1Encoding.DL);
        } catch (CMSException | CertificateEncodingException | IOException e) {
            throw new CmsException("cannot build a certs-only SignedData of " + certs.size() + " certificates: " + e.getMessage(), e);
        }
    }

    /** The certificates of a (certs-only) SignedData, in the order of the message; empty if it holds none. */
    public static List<X509Certificate> parseDegenerate(byte[] der) {
        requireNonNull(der, "der");
        return CmsSupport.certificates(CmsSupport.parseSignedData(der, "certs-only SignedData"));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static byte[] sign(byte[] content, Identity signer, DigestAlgorithm digest, boolean attached) {
        requireNonNull(content, "content");
        requireNonNull(signer, "signer");
        requireNonNull(digest, "digest");
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(CmsSupport.signerInfoGenerator(signer, digest, null));
            generator.addCertificates(new JcaCertStore(signer.certificateAndChain()));
            CMSSignedData signed = generator.generate(new CMSProcessableByteArray(content), attached);
            return signed.toASN1Structure().getEncoded(ASN1Encoding.DL);
        } catch (CMSException | CertificateEncodingException | IOException | RsaException e) {
            throw new CmsException("cannot sign as " + signer.subjectDn() + ": " + e.getMessage(), e);
        }
    }
}
