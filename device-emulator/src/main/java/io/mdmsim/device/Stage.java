package io.mdmsim.device;

/**
 * The stages a virtual device walks through, in order (docs/devices.md). A failed device
 * reports the stage it failed in. Stages that do not apply to a device (web authentication without a
 * ConfigurationWebURL, awaiting configuration when the record does not ask for it, Company Portal for users who do not
 * use it) are neither entered nor timed.
 */
public enum Stage {
    /** Boot and the Hello screen. */
    POWER_ON,
    /** Language, Country or Region, Keyboard, Dictation, Terms of Address, Wi-Fi (panes before the cloud config). */
    LANGUAGE_REGION,
    /** Activation with Apple; a device that was already set up must be wiped first (seeds). */
    ACTIVATION,
    /** Fetch the cloud configuration ("activation record") from Apple (docs/fake-abm.md "Cloud configuration"). */
    CLOUD_CONFIG,
    /** Panes between the cloud configuration and Remote Management (Data &amp; Privacy). */
    SETUP_PANES,
    /**
     * The Remote Management pane; with a ConfigurationWebURL on iOS 13 and later, modern authentication in a web view
     * that ends with the enrollment profile (Apple's "Authenticating through web views").
     */
    REMOTE_MANAGEMENT,
    /** POST the CMS-signed MachineInfo (Apple's "MachineInfo") to ConfigurationURL; legacy sign-in on a 401. */
    MACHINE_INFO,
    /** Read the enrollment profile: trust certificates, SCEP payload, MDM payload. */
    PROFILE,
    /** Obtain the MDM identity certificate by SCEP (RFC 8894). */
    SCEP,
    /** Check-in Authenticate (Apple's "Check-in"). */
    AUTHENTICATE,
    /** Check-in TokenUpdate: the enrollment is complete after it. */
    TOKEN_UPDATE,
    /** Poll ServerURL and answer commands until DeviceConfigured releases the device. */
    AWAITING_CONFIGURATION,
    /** The panes after enrollment (Touch ID, Passcode, Apps &amp; Data, Apple ID, Siri ... Get Started). */
    REMAINING_PANES,
    /** Setup Assistant ends: the home screen. */
    HOME_SCREEN,
    /**
     * The user signs in to Company Portal (seeds: within 24 hours of its download): users the companyPortalShare knob
     * picks, and every device locked in Single App Mode. With the MDM's Company Portal and a ServiceURL in its
     * configuration, the sign-in registers the device there (docs/mdm-endpoint.md "Company Portal and Single App Mode").
     */
    COMPANY_PORTAL,
    /**
     * Enrolled and in use, for the fleet's lifetime: holds the push channel, checks in when pushed and periodically,
     * repeats its TokenUpdate (only when {@link FleetConfig#lifetime()} is positive).
     */
    MANAGED,
    /** Setup finished. */
    DONE
}
