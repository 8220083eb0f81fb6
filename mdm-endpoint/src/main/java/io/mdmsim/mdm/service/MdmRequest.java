package io.mdmsim.mdm.service;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;

/**
 * Who sent a check-in or command request.
 *
 * @param enrollmentId the UDID, or the EnrollmentID of a user enrollment
 * @param identity the device identity certificate that signed the request (verified, chained to the SCEP CA)
 */
public record MdmRequest(String enrollmentId, X509Certificate identity) {
    public MdmRequest {
        requireNonNull(identity, "identity");
    }
}
