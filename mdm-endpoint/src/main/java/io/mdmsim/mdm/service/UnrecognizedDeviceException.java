package io.mdmsim.mdm.service;

/**
 * The server does not recognise the device (unknown enrollment, identity not bound to it, bad Mdm-Signature).
 * Answered with 403 and the body of ADM {@code mdm/errors/unrecognized.device.yaml}, which makes the device
 * unenroll; Apple says to use it instead of 401.
 */
public final class UnrecognizedDeviceException extends RuntimeException {
    public UnrecognizedDeviceException(String message) {
        super(message);
    }
}
