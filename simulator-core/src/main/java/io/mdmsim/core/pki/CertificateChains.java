package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.CmsException;
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
     * trusts what it issued. Throws CmsException: "certificate CN=x is not signed by any trusted CA (...)",
     * "certificate CN=x expired at 2026-01-01T00:00:00Z (checked at ...)", ...
     */
    public static void verify(X509Certificate leaf, Collection<X509Certificate> intermediates,
            Collection<X509Certificate> anchors, Instant at) {
        requireNonNull(leaf, "leaf");
        requireNonNull(intermediates, "intermediates");
        requireNonNull(anchors, "anchors");
        requireNonNull(at, "at");
        if (anchors.isEmpty()) {
            throw new CmsException("certificate " + Certificates.name(leaf) + " cannot be trusted: no trusted CA certificates configured");
        }
        checkValidity(leaf, at);
        List<X509Certificate> unused = new ArrayList<>(intermediates);
        X509Certificate current = leaf;
        for (int depth = 0; depth <= MAX_INTERMEDIATES; depth++) {
            if (anchors.contains(current)) {
                return;
            }
            X509Certificate anchor = findIssuer(current, anchors);
            if (anchor != null) {
                checkIssuer(anchor, current);
                checkValidity(anchor, at);
                return;
            }
            unused.remove(current);
            X509Certificate next = findIssuer(current, unused);
            if (next == null) {
                throw notTrusted(leaf, current, intermediates, anchors);
            }
            checkIssuer(next, current);
            checkValidity(next, at);
            unused.remove(next);
            current = next;
        }
        throw new CmsException("certificate " + Certificates.name(leaf) + " cannot be trusted: its chain has more than "
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

    private static CmsException notTrusted(X509Certificate leaf, X509Certificate current,
            Collection<X509Certificate> intermediates, Collection<X509Certificate> anchors) {
        String subject = Certificates.name(current);
        String issuer = current.getIssuerX500Principal().getName();
        StringBuilder m = new StringBuilder("certificate ").append(subject).append(" is not signed by any trusted CA (issuer: ")
                .append(issuer).append("; trusted: ").append(names(anchors));
        if (!intermediates.isEmpty()) {
            m.append("; intermediates given: ").append(names(intermediates));
        }
        m.append(")");
        boolean sameName = anchors.stream().anyMatch(a -> a.getSubjectX500Principal().equals(current.getIssuerX500Principal()))
                || intermediates.stream().anyMatch(a -> a.getSubjectX500Principal().equals(current.getIssuerX500Principal()));
        if (sameName) {
            m.append("; a CA named ").append(issuer).append(" is known but its key did not make this signature (a different CA with the same name?)");
        }
        if (current != leaf) {
            m.append("; reached from ").append(Certificates.name(leaf));
        }
        return new CmsException(m.toString());
    }

    private static String names(Collection<X509Certificate> certs) {
        return certs.stream().map(Certificates::name).collect(Collectors.joining(" | "));
    }

    private static void checkIssuer(X509Certificate issuer, X509Certificate child) {
        if (issuer.getBasicConstraints() < 0) {
            throw new CmsException("certificate " + Certificates.name(child) + " is signed by " + Certificates.name(issuer)
                    + ", which is not a CA (its basicConstraints do not say cA=true)");
        }
        boolean[] keyUsage = issuer.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= 5 || !keyUsage[5])) {
            throw new CmsException("certificate " + Certificates.name(child) + " is signed by " + Certificates.name(issuer)
                    + ", whose keyUsage does not allow signing certificates (keyCertSign missing)");
        }
    }

    private static void checkValidity(X509Certificate c, Instant at) {
        Instant notBefore = c.getNotBefore().toInstant();
        Instant notAfter = c.getNotAfter().toInstant();
        if (at.isAfter(notAfter)) {
            throw new CmsException("certificate " + Certificates.name(c) + " expired at " + notAfter + " (checked at " + at + ")");
        }
        if (at.isBefore(notBefore)) {
            throw new CmsException("certificate " + Certificates.name(c) + " is not valid before " + notBefore + " (checked at " + at + ")");
        }
    }
}
