package io.mdmsim.device;

/** How a device's run ended. */
public enum Outcome {
    /** Enrolled in the MDM and, when the record asked for it, released by DeviceConfigured. */
    ENROLLED,
    /** Apple has no enrollment profile for the serial: a real device would continue unmanaged. */
    NOT_ASSIGNED,
    /** Something along the way failed; the result names the stage and the reason. */
    FAILED
}
