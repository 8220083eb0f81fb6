package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** A certificate, its private key, and the certificates of its issuers (leaf excluded, nearest issuer first). */
public record Identity(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    public Identity {
        requireNonNull(certificate, "certificate");
        requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
    }

    public Identity(X509Certificate certificate, PrivateKey privateKey) {
        this(certificate, privateKey, List.of());
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    /** The subject DN in RFC 2253 form, "CN=x,O=y". */
    public String subjectDn() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** The leaf followed by its chain. */
    public List<X509Certificate> certificateAndChain() {
        List<X509Certificate> all = new ArrayList<>(chain.size() + 1);
        all.add(certificate);
        all.addAll(chain);
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "Identity[" + subjectDn() + ", chain=" + chain.size() + "]";
    }
}
