package io.mdmsim.device.model;

/**
 * The AccessRights bits of the com.apple.mdm payload (ADM mdm/profiles/com.apple.mdm.yaml) under the names Apple's
 * command YAML uses in {@code supportedOS.iOS.accessrights}. {@link #NONE}: the command needs no right;
 * {@link #PER_QUERY}: DeviceInformation's "Special Case", each query names its own right.
 */
public enum AccessRight {
    NONE(0, "None"),
    PER_QUERY(0, "Special Case"),
    INSPECT_PROFILES(1, "AllowInspection"),
    INSTALL_REMOVE_PROFILES(2, "AllowInstallationRemoval"),
    LOCK_AND_PASSCODE_REMOVAL(4, "AllowPasscodeRemovalAndLock"),
    ERASE(8, "AllowDeviceErase"),
    QUERY_DEVICE_INFORMATION(16, "AllowQueryDeviceInformation"),
    QUERY_NETWORK_INFORMATION(32, "AllowQueryNetworkInformation"),
    INSPECT_PROVISIONING_PROFILES(64, "AllowProvisioningInspection"),
    INSTALL_REMOVE_PROVISIONING_PROFILES(128, "AllowProvisioningInstallationRemoval"),
    QUERY_APPLICATIONS(256, "AllowQueryApplications"),
    QUERY_RESTRICTIONS(512, "AllowQueryRestrictions"),
    QUERY_SECURITY(1024, "AllowQuerySecurity"),
    SETTINGS(2048, "AllowSettings"),
    APP_MANAGEMENT(4096, "AllowAppInstallation");

    /** Every right: what a payload of AccessRights 8191 grants. */
    public static final long ALL = 8191;

    private final int bit;
    private final String yamlName;

    AccessRight(int bit, String yamlName) {
        this.bit = bit;
        this.yamlName = yamlName;
    }

    public int bit() {
        return bit;
    }

    /** The name in Apple's YAML, e.g. "AllowQuerySecurity". */
    public String yamlName() {
        return yamlName;
    }

    /** True when {@code accessRights} grants this right (always for NONE and PER_QUERY). */
    public boolean grantedBy(long accessRights) {
        return bit == 0 || (accessRights & bit) != 0;
    }

    /** The right of a YAML name; "n/a", "None" and absent mean {@link #NONE}. */
    public static AccessRight ofYamlName(String name) {
        if (name == null || name.equals("n/a") || name.equals("None")) {
            return NONE;
        }
        for (AccessRight r : values()) {
            if (r.yamlName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("access right: " + name + " (expected: one of the com.apple.mdm AccessRights"
                + " names such as AllowQuerySecurity, or None)");
    }

    @Override
    public String toString() {
        return yamlName + (bit == 0 ? "" : " (" + bit + ")");
    }
}
