package io.mdmsim.mdm.policy;

public interface LicenseGate {
    /** Claims (or finds) the user's licence; empty when licensed, else the refusal. */
    java.util.Optional<io.mdmsim.mdm.model.DeviceError> claimUserLicense(String userName, String udid);
    LicenseGate ALWAYS = (u, d) -> java.util.Optional.empty();
}
