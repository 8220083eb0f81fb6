package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A certificate, its private key, and the issuers above it (leaf excluded). */
public record Identity(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    public Identity {
        requireNonNull(certificate, "certificate");
        requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(requireNonNull(chain, "chain"));
    }
}
