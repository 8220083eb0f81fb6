package io.mdmsim.core.cms;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.internal.CmsSupport;
import io.mdmsim.core.pki.Certificates;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;

/**
 * A CMS SignedData (a detached signature, or one with its content inside) parsed but not yet checked: its one
 * SignerInfo and the signer's certificate as the message carries it (DER). {@link #verify()} checks it as {@link Cms#verifyDetached} does; {@link #verifyBy(X509Certificate)}
 * checks only the signature value, with a certificate the caller already holds for those DER bytes (one it parsed
 * and trusted before), so a known signer costs the parse and one public-key operation.
 */
public final class ParsedSignature {
    private final CMSSignedData signedData;
    private final SignerInformation signerInfo;
    private final X509CertificateHolder signerHolder;
    private final byte[] signerDer;
    private final byte[] content;
    private final String label;

    private ParsedSignature(CMSSignedData signedData, SignerInformation signerInfo, X509CertificateHolder signerHolder,
            byte[] signerDer, byte[] content, String label) {
        this.signedData = signedData;
        this.signerInfo = signerInfo;
        this.signerHolder = signerHolder;
        this.signerDer = signerDer;
        this.content = content;
        this.label = label;
    }

    /** Parses a detached SignedData over content; CmsException ("label is not a CMS SignedData: ...") otherwise. */
    public static ParsedSignature parseDetached(byte[] signature, byte[] content, String label) {
        requireNonNull(signature, "signature");
        requireNonNull(content, "content");
        requireNonNull(label, "label");
        ContentInfo info = CmsSupport.contentInfo(signature, CMSObjectIdentifiers.signedData, label);
        CMSSignedData signedData;
        try {
            signedData = new CMSSignedData(new CMSProcessableByteArray(content), info);
        } catch (CMSException | RuntimeException e) {
            throw new CmsException(label + " is not a CMS SignedData: " + e.getMessage(), e);
        }
        return of(signedData, content, label);
    }

    /** The one SignerInfo of a parsed SignedData whose signed bytes are content. */
    static ParsedSignature of(CMSSignedData signedData, byte[] content, String label) {
        try {
            Collection<SignerInformation> signers = signedData.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new CmsException(label + " does not verify: the SignedData has " + signers.size()
                        + " signers (expected: 1)");
            }
            SignerInformation signerInfo = signers.iterator().next();
            X509CertificateHolder holder = CmsSupport.signerHolder(signedData, signerInfo, label);
            return new ParsedSignature(signedData, signerInfo, holder, holder.getEncoded(), content, label);
        } catch (CmsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reads the structures inside lazily: a malformed certificate or SignerInfo surfaces here
            throw new CmsException(label + " does not verify: malformed SignedData: " + e.getMessage(), e);
        }
    }

    /** The DER of the signer's certificate as the message carries it (a copy). */
    public byte[] signerCertificateDer() {
        return signerDer.clone();
    }

    /** Checks the signature with the signer's certificate from the message, as {@link Cms#verifyDetached} does. */
    public SignedContent verify() {
        try {
            X509Certificate signer = Certificates.fromHolder(signerHolder);
            CmsSupport.verifySignerInfo(signerInfo, signer, label);
            return new SignedContent(content, signer, CmsSupport.certificates(signedData));
        } catch (CmsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CmsException(label + " does not verify: malformed SignedData: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the signature value with {@code signer}, which must be the certificate the message names (the same
     * DER); IllegalArgumentException if it is another.
     */
    public void verifyBy(X509Certificate signer) {
        requireNonNull(signer, "signer");
        if (!Arrays.equals(signerDer, Certificates.der(signer))) {
            throw new IllegalArgumentException("signer: " + Certificates.name(signer)
                    + " (expected: the certificate the " + label + " carries for its signer)");
        }
        try {
            CmsSupport.verifySignerInfo(signerInfo, signer, label);
        } catch (CmsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CmsException(label + " does not verify: malformed SignedData: " + e.getMessage(), e);
        }
    }
}
