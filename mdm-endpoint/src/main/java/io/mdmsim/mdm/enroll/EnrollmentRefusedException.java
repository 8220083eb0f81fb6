package io.mdmsim.mdm.enroll;

import static java.util.Objects.requireNonNull;

import io.mdmsim.mdm.model.DeviceError;

/**
 * An enrollment request was well formed but is not allowed (untrusted signer, OS too old): answered with 403 and the
 * body of {@link #error()}.
 */
public final class EnrollmentRefusedException extends RuntimeException {

    private final DeviceError error;

    public EnrollmentRefusedException(DeviceError error) {
        super(error.description() != null ? error.description() : error.code());
        this.error = requireNonNull(error, "error");
    }

    /** An unrecognized-device refusal with this reason. */
    EnrollmentRefusedException(String reason) {
        this(DeviceError.unrecognized(reason, "This device is not allowed to enroll with this server."));
    }

    public DeviceError error() {
        return error;
    }
}
