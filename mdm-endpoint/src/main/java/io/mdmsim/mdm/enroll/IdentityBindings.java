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
 * SCEP issues it for a challenge minted for a UDID (a verified MachineInfo), when SCEP renews a bound one, or else
 * when an enrollment authenticated with it was accepted (over the air). Each binding is written to the store before
 * the answer that made it, and read back at start, so a restarted server knows every identity it knew. Which of an
 * enrollment's identities is its current one is the device record's ({@code DeviceRecord.identityFingerprint}).
 */
public final class IdentityBindings {

    private final Map<String, String> byFingerprint = new ConcurrentHashMap<>();
    /** A renewed identity by enrollment, until its first use makes it the current one. */
    private final Map<String, String> successorByEnrollment = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
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
        Map<String, StoredBindings.Binding> latestSuccessor = new java.util.HashMap<>();
        for (StoredBindings.Binding b : store.loadAll()) {
            byFingerprint.put(b.fingerprint(), b.enrollmentId());
            if (b.successor()) {
                latestSuccessor.merge(b.enrollmentId(), b, (x, y) -> y.boundAt().isAfter(x.boundAt()) ? y : x);
            }
        }
        // a renewal waiting for its first use when the server stopped still takes over (one that already did is
        // the enrollment's current identity, which is checked first)
        latestSuccessor.forEach((id, b) -> successorByEnrollment.put(id, b.fingerprint()));
    }

    void recordIssued(X509Certificate certificate, String enrollmentId) {
        if (enrollmentId != null) {
            String fingerprint = Certificates.sha256Fingerprint(certificate);
            store.put(new StoredBindings.Binding(fingerprint, enrollmentId, now.get(), false));
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
            store.put(new StoredBindings.Binding(fingerprint, enrollmentId, now.get(), false));
        } catch (RuntimeException e) {
            byFingerprint.remove(fingerprint, enrollmentId); // not kept, so not bound
            throw e;
        }
        return enrollmentId;
    }

    /**
     * SCEP renewed {@code old} as {@code issued} (a RenewalReq signed by {@code old}): {@code issued} belongs to the
     * same enrollment, and becomes its current identity at its first use ({@link #isSuccessor}), so that a device that
     * lost the reply keeps working with its old one.
     */
    void renewed(X509Certificate old, X509Certificate issued) {
        String id = byFingerprint.get(Certificates.sha256Fingerprint(old));
        if (id == null) {
            return;
        }
        String fingerprint = Certificates.sha256Fingerprint(issued);
        store.put(new StoredBindings.Binding(fingerprint, id, now.get(), true)); // kept: it takes over after a restart too
        byFingerprint.put(fingerprint, id);
        successorByEnrollment.put(id, fingerprint);
    }

    /** Whether {@code certificate} is the renewal waiting to replace {@code enrollmentId}'s identity; clears it. */
    public boolean isSuccessor(String enrollmentId, X509Certificate certificate) {
        return successorByEnrollment.remove(enrollmentId, Certificates.sha256Fingerprint(certificate));
    }

    /** One lock per enrollment, so that two Authenticates for one UDID are judged one after the other. */
    public Object lockFor(String enrollmentId) {
        return locks.computeIfAbsent(enrollmentId, k -> new Object());
    }

    int size() {
        return byFingerprint.size();
    }
}
