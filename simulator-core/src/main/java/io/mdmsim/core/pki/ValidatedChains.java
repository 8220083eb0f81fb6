package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chain validation ({@link CertificateChains#verify}) to fixed trusted CAs, remembered: a bounded map (least recently
 * used out first) from the SHA-256 of a certificate's DER to the certificate as parsed when its chain was validated,
 * and the window in which every certificate of that chain is valid. A certificate seen again costs a hash and a map
 * lookup while the time checked lies in its window; outside it (one of the chain expired, or the clock went back),
 * it is validated again in full, with the full error. What is remembered is only "this certificate chains to these
 * CAs", which changes with time alone: who may use which certificate (a device's identity binding) is the caller's
 * check, at every use. Thread-safe.
 */
public final class ValidatedChains {
    /** The default number of certificates remembered. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final List<X509Certificate> anchors;
    private final int capacity;
    private final Map<ByteBuffer, Validated> validated;

    public ValidatedChains(Collection<X509Certificate> anchors, int capacity) {
        this.anchors = List.copyOf(requireNonNull(anchors, "anchors"));
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at least 1)");
        }
        this.capacity = capacity;
        this.validated = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Validated> eldest) {
                return size() > ValidatedChains.this.capacity;
            }
        };
    }

    /**
     * The certificate whose DER is {@code der} if its chain was validated before and every certificate of that chain
     * is valid at {@code at}; otherwise null (the caller validates it with {@link #verify}).
     */
    public X509Certificate known(byte[] der, Instant at) {
        requireNonNull(der, "der");
        requireNonNull(at, "at");
        Validated v;
        synchronized (validated) {
            v = validated.get(key(der));
        }
        return v != null && v.validAt(at) ? v.certificate() : null;
    }

    /** Validates leaf's chain as {@link CertificateChains#verify} does and remembers it; PkiException if it fails. */
    public X509Certificate verify(X509Certificate leaf, Collection<X509Certificate> intermediates, Instant at) {
        List<X509Certificate> chain = CertificateChains.verify(leaf, intermediates, anchors, at);
        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        for (X509Certificate c : chain) {
            Instant notBefore = c.getNotBefore().toInstant();
            Instant notAfter = c.getNotAfter().toInstant();
            from = notBefore.isAfter(from) ? notBefore : from;
            until = notAfter.isBefore(until) ? notAfter : until;
        }
        Validated v = new Validated(leaf, from, until);
        ByteBuffer key = key(Certificates.der(leaf));
        synchronized (validated) {
            validated.put(key, v);
        }
        return leaf;
    }

    /** How many certificates are remembered now. */
    public int size() {
        synchronized (validated) {
            return validated.size();
        }
    }

    private static ByteBuffer key(byte[] der) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** A certificate whose chain held from {@code from} to {@code until} (inclusive, as CertificateChains checks). */
    private record Validated(X509Certificate certificate, Instant from, Instant until) {
        boolean validAt(Instant at) {
            return !at.isBefore(from) && !at.isAfter(until);
        }
    }
}
