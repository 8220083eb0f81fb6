package io.mdmsim.mdm;

/** An enrollment request was well formed but is not allowed (untrusted signer): answered with 403. */
final class EnrollmentRefusedException extends RuntimeException {
    EnrollmentRefusedException(String message) {
        super(message);
    }
}
