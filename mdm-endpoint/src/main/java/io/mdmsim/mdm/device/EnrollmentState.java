package io.mdmsim.mdm.device;

/** Where a device stands with this MDM server, as shown by {@code GET /admin/devices}. */
public enum EnrollmentState {
    /** Authenticate received; the device is not enrolled until its first TokenUpdate (AppleDoc:check-in). */
    ENROLLING,
    /** First TokenUpdate received: push token and PushMagic stored. */
    ENROLLED,
    /** DeviceConfigured acknowledged: the device left "Awaiting final configuration". */
    CONFIGURED,
    /** CheckOut received: the MDM profile was removed from the device. */
    CHECKED_OUT
}
