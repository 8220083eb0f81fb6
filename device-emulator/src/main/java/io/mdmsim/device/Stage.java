package io.mdmsim.device;

/**
 * The stages a virtual device walks through, in order (PROTOCOL.md section 0 and 9). A failed device reports the stage
 * it failed in.
 */
public enum Stage {
    /** Fetch the cloud configuration ("activation record") from Apple (PROTOCOL.md section 2). */
    CLOUD_CONFIG,
    /** POST the CMS-signed MachineInfo to the record's ConfigurationURL (section 3). */
    MACHINE_INFO,
    /** Read the enrollment profile: trust certificates, SCEP payload, MDM payload (section 4). */
    PROFILE,
    /** Obtain the MDM identity certificate by SCEP (section 5). */
    SCEP,
    /** Check-in Authenticate (section 6). */
    AUTHENTICATE,
    /** Check-in TokenUpdate: the enrollment is complete after it (section 6). */
    TOKEN_UPDATE,
    /** Poll ServerURL and answer commands until DeviceConfigured releases the device (section 9). */
    AWAITING_CONFIGURATION,
    /**
     * Enrolled and in use, for the fleet's lifetime: holds the push channel, checks in when pushed and periodically,
     * repeats its TokenUpdate (only when {@link FleetConfig#lifetime()} is positive).
     */
    MANAGED,
    /** Setup Assistant finished. */
    DONE
}
