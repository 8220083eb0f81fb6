package io.mdmsim.mdm.enroll;

import io.mdmsim.core.pki.Certificates;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which enrollment each device identity certificate belongs to (by SHA-256 fingerprint). A certificate is bound when
 * SCEP issues it for a challenge minted for a UDID, or else when the device first authenticates with it (OTA
 * enrollment, or a certificate issued before a restart).
 */
public final class IdentityBindings {

    private final Map<String, String> byFingerprint = new ConcurrentHashMap<>();

    void recordIssued(X509Certificate certificate, String enrollmentId) {
        if (enrollmentId != null) {
            byFingerprint.put(Certificates.sha256Fingerprint(certificate), enrollmentId);
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
        return byFingerprint.computeIfAbsent(Certificates.sha256Fingerprint(certificate), k -> enrollmentId);
    }

    int size() {
        return byFingerprint.size();
    }
}
