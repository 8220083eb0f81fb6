package io.mdmsim.mdm.enroll;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Certificates;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredBindings;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which enrollment each device identity certificate belongs to (by SHA-256 fingerprint). A certificate is bound when
 * SCEP issues it for a challenge minted for a UDID, or else when the device first authenticates with it (OTA
 * enrollment). Each binding is written to the store before the answer that made it, and read back at start, so a
 * restarted server knows every identity it knew.
 */
public final class IdentityBindings {

    private final Map<String, String> byFingerprint = new ConcurrentHashMap<>();
    private final StoredBindings store;
    private final Supplier<Instant> now;

    /** Bindings of their own, in memory (tests). */
    public IdentityBindings() {
        this(MdmStore.inMemory().bindings(), Instant::now);
    }

    /** The bindings {@code store} holds; new ones are written to it. */
    public IdentityBindings(StoredBindings store, Supplier<Instant> now) {
        this.store = requireNonNull(store, "store");
        this.now = requireNonNull(now, "now");
        store.loadAll().forEach(b -> byFingerprint.put(b.fingerprint(), b.enrollmentId()));
    }

    void recordIssued(X509Certificate certificate, String enrollmentId) {
        if (enrollmentId != null) {
            String fingerprint = Certificates.sha256Fingerprint(certificate);
            store.put(new StoredBindings.Binding(fingerprint, enrollmentId, now.get()));
            byFingerprint.put(fingerprint, enrollmentId);
        }
    }

    public Optional<String> boundTo(X509Certificate certificate) {
        return Optional.ofNullable(byFingerprint.get(Certificates.sha256Fingerprint(certificate)));
    }

    /**
     * Binds an unbound certificate to {@code enrollmentId}; returns the enrollment it is bound to afterwards
     * (a different one means the certificate belongs to another device).
     */
    public String bindIfUnbound(X509Certificate certificate, String enrollmentId) {
        String fingerprint = Certificates.sha256Fingerprint(certificate);
        String bound = byFingerprint.putIfAbsent(fingerprint, enrollmentId);
        if (bound != null) {
            return bound;
        }
        try {
            store.put(new StoredBindings.Binding(fingerprint, enrollmentId, now.get()));
        } catch (RuntimeException e) {
            byFingerprint.remove(fingerprint, enrollmentId); // not kept, so not bound
            throw e;
        }
        return enrollmentId;
    }

    int size() {
        return byFingerprint.size();
    }
}
