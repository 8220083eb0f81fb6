package io.mdmsim.core.cms;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a verified CMS SignedData carried: the signed bytes, the certificate whose key made the signature, and every
 * certificate in the SignedData (signer included, in message order). Only the signature is checked; who the signer is
 * and whether to trust it is the caller's decision (see {@code CertificateChains}).
 */
public record SignedContent(byte[] content, X509Certificate signer, List<X509Certificate> certificates) {
    public SignedContent {
        requireNonNull(content, "content");
        requireNonNull(signer, "signer");
        certificates = List.copyOf(certificates);
    }

    /** The certificates other than the signer's: the chain to pass to CertificateChains.verify. */
    public List<X509Certificate> intermediates() {
        return certificates.stream().filter(c -> !c.equals(signer)).toList();
    }
}
