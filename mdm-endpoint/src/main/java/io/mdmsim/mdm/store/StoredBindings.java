package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** Which enrollment each device identity certificate belongs to. */
public interface StoredBindings {

    /**
     * @param fingerprint SHA-256 of the certificate, lower-case hex
     * @param enrollmentId the UDID (or EnrollmentID) it is bound to
     * @param boundAt when (simulated time)
     * @param successor SCEP renewed the enrollment's identity as this one, which takes over at its first use
     */
    record Binding(String fingerprint, String enrollmentId, Instant boundAt, boolean successor) {
        public Binding {
            requireNonNull(fingerprint, "fingerprint");
            requireNonNull(enrollmentId, "enrollmentId");
            requireNonNull(boundAt, "boundAt");
        }
    }

    /** Stores a binding, replacing one of the same fingerprint; durable on return. */
    void put(Binding binding);

    /** Every binding, by fingerprint. */
    List<Binding> loadAll();
}
