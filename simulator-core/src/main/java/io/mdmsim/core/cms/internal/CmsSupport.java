package io.mdmsim.core.cms.internal;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.crypto.RsaContentSigner;
import io.mdmsim.core.crypto.RsaException;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.KeyTransRecipientId;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** The CMS plumbing shared by {@code Cms} and {@code Scep}; not API. */
public final class CmsSupport {
    /**
     * Digest calculators for signing and checking, the JDK's (its SHA-2 has CPU intrinsics): made once (a provider of
     * calculators, each made on demand, so it is shared by every thread) rather than per message.
     */
    private static final DigestCalculatorProvider DIGESTS = digests();
    private static final DefaultCMSSignatureAlgorithmNameGenerator SIGNATURE_NAMES =
            new DefaultCMSSignatureAlgorithmNameGenerator();
    private static final DefaultSignatureAlgorithmIdentifierFinder SIGNATURE_IDS =
            new DefaultSignatureAlgorithmIdentifierFinder();

    private CmsSupport() {}

    private static DigestCalculatorProvider digests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("this JDK has no digest calculators: " + e.getMessage(), e);
        }
    }

    /**
     * A SignerInfo generator for signer with digest, signed attributes = the standard ones (contentType,
     * messageDigest, cmsAlgorithmProtection) plus extra, without signingTime. For SCEP and the like.
     */
    public static SignerInfoGenerator signerInfoGenerator(Identity signer, DigestAlgorithm digest, AttributeTable extra) {
        requireNonNull(signer, "signer");
        requireNonNull(digest, "digest");
        DefaultSignedAttributeTableGenerator standard = extra == null
                ? new DefaultSignedAttributeTableGenerator() : new DefaultSignedAttributeTableGenerator(extra);
        CMSAttributeTableGenerator withoutSigningTime = parameters -> standard.getAttributes(parameters).remove(CMSAttributes.signingTime);
        try {
            // the RSA operation by the RSA engine (libcrypto or the JDK's, never BouncyCastle's, which makes new
            // blinding values for every signature); EC by the JDK's provider
            return new JcaSignerInfoGeneratorBuilder(DIGESTS)
                    .setSignedAttributeGenerator(withoutSigningTime)
                    .build(RsaContentSigner.of(signer.privateKey(), digest.hash()), signer.certificate());
        } catch (OperatorCreationException | CertificateEncodingException | IllegalArgumentException e) {
            throw new CmsException("cannot sign as " + signer.subjectDn() + " with " + digest.jcaName() + ": " + e.getMessage(), e);
        }
    }

    /** Generates a SignedData (DER, definite lengths) over content. */
    public static byte[] generate(CMSTypedData content, boolean encapsulate, SignerInfoGenerator signer, Collection<X509Certificate> certs) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signer);
            generator.addCertificates(new JcaCertStore(certs));
            return generator.generate(content, encapsulate).toASN1Structure().getEncoded(ASN1Encoding.DL);
        } catch (CMSException | CertificateEncodingException | IOException | RsaException e) {
            throw new CmsException("cannot build SignedData: " + e.getMessage(), e);
        }
    }

    /** The certificate of signerInfo among the SignedData's certificates; CmsException if it is not there. */
    public static X509Certificate signerCertificate(CMSSignedData signedData, SignerInformation signerInfo, String label) {
        return Certificates.fromHolder(signerHolder(signedData, signerInfo, label));
    }

    /** As {@link #signerCertificate}, as BouncyCastle holds it (not parsed by the JDK). */
    public static X509CertificateHolder signerHolder(CMSSignedData signedData, SignerInformation signerInfo, String label) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signedData.getCertificates().getMatches(signerInfo.getSID());
        if (matches.isEmpty()) {
            throw new CmsException(label + " does not verify: the signer's certificate (" + describe(signerInfo.getSID())
                    + ") is not included in the SignedData");
        }
        return matches.iterator().next();
    }

    /** Checks the digest and the signature of one SignerInfo against the signer's public key. */
    public static void verifySignerInfo(SignerInformation signerInfo, X509Certificate signer, String label) {
        boolean valid;
        try {
            // The signature is checked by the JDK's providers: BouncyCastle's would first test that the RSA modulus of
            // every key it has not seen is not prime (a probable-prime test as costly as a private-key operation),
            // which for a signer is what its certificate's issuer vouches for; the chain is checked after this.
            valid = signerInfo.verify(new SignerInformationVerifier(SIGNATURE_NAMES, SIGNATURE_IDS,
                    new JcaContentVerifierProviderBuilder().build(signer.getPublicKey()), DIGESTS));
        } catch (CMSSignerDigestMismatchException e) {
            throw new CmsException(label + " does not verify: content digest mismatch (the signature is not over these bytes)", e);
        } catch (OperatorCreationException e) {
            throw new CmsException(label + " cannot be verified: unsupported algorithm (digest " + signerInfo.getDigestAlgOID()
                    + ", signature " + signerInfo.getEncryptionAlgOID() + "): " + e.getMessage(), e);
        } catch (CMSException | RuntimeException e) {
            throw new CmsException(label + " does not verify: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new CmsException(label + " does not verify: the signature value does not match the key of "
                    + Certificates.name(signer));
        }
    }

    /** Parses DER/BER SignedData; "label is not a CMS SignedData: ..." otherwise. */
    public static CMSSignedData parseSignedData(byte[] der, String label) {
        ContentInfo info = contentInfo(der, CMSObjectIdentifiers.signedData, label);
        try {
            return new CMSSignedData(info);
        } catch (CMSException | RuntimeException e) {
            throw new CmsException(label + " is not a CMS SignedData: " + e.getMessage(), e);
        }
    }

    public static CMSEnvelopedData parseEnvelopedData(byte[] der) {
        ContentInfo info = contentInfo(der, CMSObjectIdentifiers.envelopedData, "EnvelopedData");
        try {
            return new CMSEnvelopedData(info);
        } catch (CMSException | RuntimeException e) {
            throw new CmsException("not a CMS EnvelopedData: " + e.getMessage(), e);
        }
    }

    public static ContentInfo contentInfo(byte[] der, ASN1ObjectIdentifier expectedType, String label) {
        String expected = expectedType.equals(CMSObjectIdentifiers.signedData) ? "SignedData" : "EnvelopedData";
        String prefix = (label.equals(expected) ? "" : label + " is ") + "not a CMS " + expected + ": ";
        if (der.length == 0) {
            throw new CmsException(prefix + "no bytes");
        }
        ContentInfo info;
        try {
            info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            throw new CmsException(prefix + "not DER/BER ContentInfo (" + e.getMessage() + ")", e);
        }
        if (info == null || info.getContentType() == null) {
            throw new CmsException(prefix + "no ContentInfo");
        }
        if (!expectedType.equals(info.getContentType())) {
            throw new CmsException(prefix + "its content type is " + typeName(info.getContentType()));
        }
        return info;
    }

    private static String typeName(ASN1ObjectIdentifier oid) {
        String name;
        if (oid.equals(CMSObjectIdentifiers.data)) {
            name = "data";
        } else if (oid.equals(CMSObjectIdentifiers.signedData)) {
            name = "signedData";
        } else if (oid.equals(CMSObjectIdentifiers.envelopedData)) {
            name = "envelopedData";
        } else if (oid.equals(CMSObjectIdentifiers.encryptedData)) {
            name = "encryptedData";
        } else if (oid.equals(CMSObjectIdentifiers.authEnvelopedData)) {
            name = "authEnvelopedData";
        } else {
            return oid.getId();
        }
        return oid.getId() + " (" + name + ")";
    }

    public static List<X509Certificate> certificates(CMSSignedData signedData) {
        List<X509Certificate> out = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> holders = signedData.getCertificates().getMatches(null);
        for (X509CertificateHolder holder : holders) {
            out.add(Certificates.fromHolder(holder));
        }
        return List.copyOf(out);
    }

    public static String cipherName(CMSEnvelopedData enveloped) {
        ContentCipher c = ContentCipher.fromOid(enveloped.getEncryptionAlgOID());
        return c == null ? enveloped.getEncryptionAlgOID() : c.displayName();
    }

    public static String describe(Object rid) {
        if (rid instanceof KeyTransRecipientId k) {
            return k.getIssuer() != null ? "issuer " + k.getIssuer() + ", serial " + k.getSerialNumber().toString(16) : "subjectKeyIdentifier";
        }
        if (rid instanceof org.bouncycastle.cms.SignerId s) {
            return s.getIssuer() != null ? "issuer " + s.getIssuer() + ", serial " + s.getSerialNumber().toString(16) : "subjectKeyIdentifier";
        }
        return String.valueOf(rid);
    }
}
