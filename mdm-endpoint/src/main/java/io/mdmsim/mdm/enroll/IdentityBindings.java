package io.mdmsim.mdm.enroll;

import io.mdmsim.core.pki.Certificates;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which device identity certificates belong to which enrollment, by SHA-256 fingerprint, both ways:
 * <ul>
 *   <li>a certificate is <em>bound</em> to a UDID when SCEP issues it for a challenge minted for that UDID (a verified
 *       MachineInfo), or, for an over-the-air certificate, when the enrollment it authenticated for was accepted;</li>
 *   <li>an enrollment has one <em>current</em> identity: the one its last accepted Authenticate came with. Every
 *       later message of that enrollment must come with exactly that certificate.</li>
 * </ul>
 */
public final class IdentityBindings {

    private final Map<String, String> byFingerprint = new ConcurrentHashMap<>();
    private final Map<String, String> currentByEnrollment = new ConcurrentHashMap<>();
    private final Map<String, String> successorByEnrollment = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** SCEP issued {@code certificate} for a challenge minted for {@code enrollmentId} (null: over the air). */
    void recordIssued(X509Certificate certificate, String enrollmentId) {
        if (enrollmentId != null) {
            byFingerprint.put(Certificates.sha256Fingerprint(certificate), enrollmentId);
        }
    }

    public Optional<String> boundTo(X509Certificate certificate) {
        return Optional.ofNullable(byFingerprint.get(Certificates.sha256Fingerprint(certificate)));
    }

    /** The fingerprint of the identity {@code enrollmentId} last authenticated with. */
    public Optional<String> current(String enrollmentId) {
        return enrollmentId == null ? Optional.empty() : Optional.ofNullable(currentByEnrollment.get(enrollmentId));
    }

    /** An Authenticate of {@code enrollmentId} with {@code certificate} was accepted: it is the current identity. */
    public void authenticated(String enrollmentId, X509Certificate certificate) {
        String fingerprint = Certificates.sha256Fingerprint(certificate);
        byFingerprint.putIfAbsent(fingerprint, enrollmentId);
        currentByEnrollment.put(enrollmentId, fingerprint);
        successorByEnrollment.remove(enrollmentId);
    }

    /**
     * SCEP renewed {@code old} as {@code issued} (a RenewalReq signed by {@code old}): when {@code old} is its
     * enrollment's current identity, {@code issued} takes over at its first use ({@link #promoteRenewed}), so a device
     * that lost the reply keeps its old identity.
     */
    void renewed(X509Certificate old, X509Certificate issued) {
        String oldFingerprint = Certificates.sha256Fingerprint(old);
        String id = byFingerprint.get(oldFingerprint);
        if (id == null) {
            return;
        }
        byFingerprint.put(Certificates.sha256Fingerprint(issued), id);
        if (oldFingerprint.equals(currentByEnrollment.get(id))) {
            successorByEnrollment.put(id, Certificates.sha256Fingerprint(issued));
        }
    }

    /** True when {@code certificate} is the renewal of {@code enrollmentId}'s current identity; it is now current. */
    public boolean promoteRenewed(String enrollmentId, X509Certificate certificate) {
        String fingerprint = Certificates.sha256Fingerprint(certificate);
        if (!successorByEnrollment.remove(enrollmentId, fingerprint)) {
            return false;
        }
        currentByEnrollment.put(enrollmentId, fingerprint);
        return true;
    }

    /** One lock per enrollment, so that two Authenticates for one UDID are judged one after the other. */
    public Object lockFor(String enrollmentId) {
        return locks.computeIfAbsent(enrollmentId, k -> new Object());
    }

    int size() {
        return byFingerprint.size();
    }
}
