package io.mdmsim.mdm.policy;

/** The licences a sign-in needs (docs/mdm-endpoint.md "Company Portal sign-in"). */
public interface LicenseGate {
    /** Claims (or finds) the user's licence; empty when licensed, else the refusal. */
    java.util.Optional<io.mdmsim.mdm.model.DeviceError> claimUserLicense(String userName, String udid);

    /**
     * A licensed user became the primary user of a device enrolled without user affinity: "If devices enrolled without
     * user affinity will be used by an Intune-licensed user, a device license isn't needed" (seeds). {@code deviceKey}
     * is the device's serial number (its UDID without one). Nothing by default.
     */
    default void usedByLicensedUser(String deviceKey, String userName) {
    }

    LicenseGate ALWAYS = (u, d) -> java.util.Optional.empty();
}
