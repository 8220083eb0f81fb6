package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Chain validation with messages a person can act on. */
public final class CertificateChains {
    /** Longest chain followed: leaf, this many intermediates, anchor. */
    public static final int MAX_INTERMEDIATES = 8;

    private CertificateChains() {}

    /**
     * Checks that leaf chains, through intermediates, to one of anchors, every certificate valid at {@code at} and
     * every issuer a CA allowed to sign certificates. An anchor need not be self-signed: trusting an intermediate
     * trusts what it issued. Throws PkiException: "certificate CN=x is not signed by any trusted CA (...)",
     * "certificate CN=x expired at 2026-01-01T00:00:00Z (checked at ...)", ...
     *
     * @return the chain followed: leaf first, the trusted certificate last (one certificate if the leaf is trusted)
     */
    public static List<X509Certificate> verify(X509Certificate leaf, Collection<X509Certificate> intermediates,
            Collection<X509Certificate> anchors, Instant at) {
        requireNonNull(leaf, "leaf");
        requireNonNull(intermediates, "intermediates");
        requireNonNull(anchors, "anchors");
        requireNonNull(at, "at");
        if (anchors.isEmpty()) {
            throw new PkiException("certificate " + Certificates.name(leaf) + " cannot be trusted: no trusted CA certificates configured");
        }
        checkValidity(leaf, at);
        List<X509Certificate> unused = new ArrayList<>(intermediates);
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = leaf;
        for (int depth = 0; depth <= MAX_INTERMEDIATES; depth++) {
            if (anchors.contains(current)) {
                path.add(current);
                return List.copyOf(path);
            }
            X509Certificate anchor = findIssuer(current, anchors);
            if (anchor != null) {
                checkIssuer(anchor, current);
                checkValidity(anchor, at);
                path.add(current);
                path.add(anchor);
                return List.copyOf(path);
            }
            path.add(current);
            unused.remove(current);
            X509Certificate next = findIssuer(current, unused);
            if (next == null) {
                throw notTrusted(path, intermediates, anchors);
            }
            checkIssuer(next, current);
            checkValidity(next, at);
            unused.remove(next);
            current = next;
        }
        throw new PkiException("certificate " + Certificates.name(leaf) + " cannot be trusted: its chain has more than "
                + MAX_INTERMEDIATES + " intermediate certificates");
    }

    private static X509Certificate findIssuer(X509Certificate child, Collection<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate.getSubjectX500Principal().equals(child.getIssuerX500Principal()) && signedBy(child, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean signedBy(X509Certificate child, X509Certificate issuer) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static PkiException notTrusted(List<X509Certificate> path, Collection<X509Certificate> intermediates,
            Collection<X509Certificate> anchors) {
        X509Certificate leaf = path.get(0);
        X509Certificate last = path.get(path.size() - 1);
        String issuer = last.getIssuerX500Principal().getName();
        StringBuilder m = new StringBuilder("certificate ").append(Certificates.name(leaf)).append(" is not signed by any trusted CA (");
        if (path.size() == 1) {
            m.append("issuer: ").append(issuer);
        } else {
            m.append("chain: ").append(path.stream().map(Certificates::name).collect(Collectors.joining(" -> ")));
            if (!last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                m.append(" -> ").append(issuer).append(" (not given)");
            }
        }
        m.append("; trusted: ").append(names(anchors));
        boolean sameName = java.util.stream.Stream.concat(anchors.stream(), intermediates.stream())
                .anyMatch(c -> !path.contains(c) && c.getSubjectX500Principal().equals(last.getIssuerX500Principal()));
        if (sameName) {
            m.append("; a CA named ").append(issuer).append(" is known but its key did not make this signature (a different CA with the same name?)");
        }
        return new PkiException(m.append(")").toString());
    }

    private static String names(Collection<X509Certificate> certs) {
        return certs.stream().map(Certificates::name).collect(Collectors.joining(" | "));
    }

    private static void checkIssuer(X509Certificate issuer, X509Certificate child) {
        if (issuer.getBasicConstraints() < 0) {
            throw new PkiException("certificate " + Certificates.name(child) + " is signed by " + Certificates.name(issuer)
                    + ", which is not a CA (its basicConstraints do not say cA=true)");
        }
        boolean[] keyUsage = issuer.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= 5 || !keyUsage[5])) {
            throw new PkiException("certificate " + Certificates.name(child) + " is signed by " + Certificates.name(issuer)
                    + ", whose keyUsage does not allow signing certificates (keyCertSign missing)");
        }
    }

    private static void checkValidity(X509Certificate c, Instant at) {
        Instant notBefore = c.getNotBefore().toInstant();
        Instant notAfter = c.getNotAfter().toInstant();
        if (at.isAfter(notAfter)) {
            throw new PkiException("certificate " + Certificates.name(c) + " expired at " + notAfter + " (checked at " + at + ")");
        }
        if (at.isBefore(notBefore)) {
            throw new PkiException("certificate " + Certificates.name(c) + " is not valid before " + notBefore + " (checked at " + at + ")");
        }
    }
}
