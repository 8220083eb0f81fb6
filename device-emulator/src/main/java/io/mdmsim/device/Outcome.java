package io.mdmsim.device;

/** How a device's run ended. */
public enum Outcome {
    /** Enrolled in the MDM and, when the record asked for it, released by DeviceConfigured. */
    ENROLLED,
    /** Apple has no enrollment profile for the serial: a real device would continue unmanaged. */
    NOT_ASSIGNED,
    /**
     * The device cannot enroll until it is erased: it was set up before it was assigned, a Shared iPad profile reached
     * a device that cannot be one, or SCEP or Company Portal ran out of time (seeds). The reason says which.
     */
    NEEDS_WIPE,
    /** Something along the way failed; the result names the stage and the reason. */
    FAILED,
    /**
     * A stage took longer than its timeout, or the run passed its deadline ({@link Timeouts}); the result names the
     * stage and the last answer the device got.
     */
    TIMED_OUT,
    /** The fleet run was stopped (Ctrl-C, SIGTERM, an interrupt) before the device finished; the stage it was in. */
    INTERRUPTED
}
