package io.mdmsim.device.commands;

import static io.mdmsim.device.model.AccessRight.APP_MANAGEMENT;
import static io.mdmsim.device.model.AccessRight.ERASE;
import static io.mdmsim.device.model.AccessRight.INSPECT_PROFILES;
import static io.mdmsim.device.model.AccessRight.INSPECT_PROVISIONING_PROFILES;
import static io.mdmsim.device.model.AccessRight.INSTALL_REMOVE_PROFILES;
import static io.mdmsim.device.model.AccessRight.INSTALL_REMOVE_PROVISIONING_PROFILES;
import static io.mdmsim.device.model.AccessRight.LOCK_AND_PASSCODE_REMOVAL;
import static io.mdmsim.device.model.AccessRight.NONE;
import static io.mdmsim.device.model.AccessRight.PER_QUERY;
import static io.mdmsim.device.model.AccessRight.QUERY_APPLICATIONS;
import static io.mdmsim.device.model.AccessRight.QUERY_RESTRICTIONS;
import static io.mdmsim.device.model.AccessRight.QUERY_SECURITY;
import static io.mdmsim.device.model.AccessRight.SETTINGS;
import static io.mdmsim.device.commands.CommandRequirements.SharedIpad.ALLOWED;
import static io.mdmsim.device.commands.CommandRequirements.SharedIpad.FORBIDDEN;
import static io.mdmsim.device.commands.CommandRequirements.SharedIpad.REQUIRED;
import static java.util.Objects.requireNonNull;

import io.mdmsim.device.model.AccessRight;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.Versions;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What iOS requires before it runs a command: Apple's {@code mdm/commands/*.yaml}, {@code payload.supportedOS.iOS}
 * (introduced, accessrights, supervised, requiresdep, sharedipad), copied into a table so the emulator needs no
 * YAML at run time. A test compares the table with the YAML, so it cannot drift.
 */
public final class CommandRequirements {

    /** {@code sharedipad.mode}: whether the command runs on a Shared iPad, or only there. */
    public enum SharedIpad { ALLOWED, FORBIDDEN, REQUIRED }

    /**
     * One command's iOS requirements.
     *
     * @param introduced            first iOS version, e.g. "10.3"
     * @param right                 the AccessRights bit the MDM payload must grant
     * @param supervised            only on supervised devices
     * @param requiresDep           only on devices enrolled through automated device enrollment
     * @param sharedIpad            Shared iPad mode
     * @param sharedIpadDevice      on a Shared iPad: accepted on the device channel
     * @param sharedIpadUser        on a Shared iPad: accepted on the user channel
     */
    public record Requirement(String requestType, String introduced, AccessRight right, boolean supervised,
                              boolean requiresDep, SharedIpad sharedIpad, boolean sharedIpadDevice,
                              boolean sharedIpadUser) {
        public Requirement {
            requireNonNull(requestType, "requestType");
            requireNonNull(introduced, "introduced");
            requireNonNull(right, "right");
            requireNonNull(sharedIpad, "sharedIpad");
        }
    }

    private static final Map<String, Requirement> TABLE = new LinkedHashMap<>();

    static {
        // facts from Apple's device-management schemas, mdm/commands/*.yaml (iOS entries only); CommandRequirementsTest
        // cross-checks them against those schemas when they are beside the checkout
        add("InstallApplication", "5.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("InstalledApplicationList", "5.0", QUERY_APPLICATIONS, false, false, ALLOWED, true, false);
        add("InviteToProgram", "7.0", APP_MANAGEMENT, false, false, ALLOWED, false, true);
        add("ManagedApplicationList", "5.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("ApplyRedemptionCode", "5.0", APP_MANAGEMENT, false, false, FORBIDDEN, true, true);
        add("RemoveApplication", "5.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("ValidateApplications", "9.2", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("CertificateList", "4.0", INSPECT_PROFILES, false, false, ALLOWED, true, false);
        add("DeclarativeManagement", "15.0", NONE, false, false, ALLOWED, true, true);
        add("ActivationLockBypassCode", "7.1", NONE, true, false, FORBIDDEN, true, true);
        add("ClearActivationLockBypassCode", "7.1", NONE, true, false, FORBIDDEN, true, true);
        add("DeviceConfigured", "9.0", NONE, true, true, ALLOWED, true, false);
        add("EraseDevice", "4.0", ERASE, false, false, ALLOWED, true, false);
        add("RefreshCellularPlans", "13.0", NONE, false, false, ALLOWED, true, false);
        add("DeviceLock", "4.0", LOCK_AND_PASSCODE_REMOVAL, false, false, ALLOWED, true, false);
        add("DisableLostMode", "9.3", NONE, true, false, ALLOWED, true, false);
        add("EnableLostMode", "9.3", NONE, true, false, ALLOWED, true, false);
        add("DeviceLocation", "9.3", NONE, true, false, ALLOWED, true, false);
        add("PlayLostModeSound", "10.3", NONE, true, false, ALLOWED, true, false);
        add("RestartDevice", "10.3", LOCK_AND_PASSCODE_REMOVAL, true, false, ALLOWED, true, false);
        add("ClearRestrictionsPassword", "8.0", NONE, true, false, FORBIDDEN, true, true);
        add("Restrictions", "4.0", QUERY_RESTRICTIONS, false, false, ALLOWED, true, true);
        add("ShutDownDevice", "10.3", LOCK_AND_PASSCODE_REMOVAL, true, false, ALLOWED, true, false);
        add("DeviceInformation", "4.0", PER_QUERY, false, false, ALLOWED, true, true);
        add("SecurityInfo", "4.0", QUERY_SECURITY, false, false, ALLOWED, true, false);
        add("ManagedApplicationAttributes", "7.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("ManagedApplicationConfiguration", "7.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("ManagedApplicationFeedback", "7.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("InstallMedia", "8.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("ManagedMediaList", "8.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("RemoveMedia", "8.0", APP_MANAGEMENT, false, false, ALLOWED, true, false);
        add("RequestMirroring", "7.0", NONE, false, false, ALLOWED, true, false);
        add("StopMirroring", "7.0", NONE, true, false, ALLOWED, true, false);
        add("ClearPasscode", "4.0", LOCK_AND_PASSCODE_REMOVAL, false, false, FORBIDDEN, true, true);
        add("RequestUnlockToken", "5.0", NONE, true, false, FORBIDDEN, true, true);
        add("InstallProfile", "4.0", INSTALL_REMOVE_PROFILES, false, false, ALLOWED, true, true);
        add("ProfileList", "4.0", INSPECT_PROFILES, false, false, ALLOWED, true, true);
        add("InstallProvisioningProfile", "4.0", INSTALL_REMOVE_PROVISIONING_PROFILES, false, false, ALLOWED, true, false);
        add("ProvisioningProfileList", "4.0", INSPECT_PROVISIONING_PROFILES, false, false, ALLOWED, true, false);
        add("RemoveProvisioningProfile", "4.0", INSTALL_REMOVE_PROVISIONING_PROFILES, false, false, ALLOWED, true, false);
        add("RemoveProfile", "4.0", INSTALL_REMOVE_PROFILES, false, false, ALLOWED, true, true);
        add("Settings", "5.0", SETTINGS, false, false, ALLOWED, true, true);
        add("AvailableOSUpdates", "9.0", APP_MANAGEMENT, true, false, ALLOWED, true, false);
        add("ScheduleOSUpdate", "9.0", APP_MANAGEMENT, true, false, ALLOWED, true, false);
        add("OSUpdateStatus", "9.0", APP_MANAGEMENT, true, false, ALLOWED, true, false);
        add("UserConfigured", "17.0", NONE, true, true, ALLOWED, false, true);
        add("DeleteUser", "9.3", NONE, false, false, REQUIRED, true, false);
        add("UserList", "9.3", NONE, false, false, REQUIRED, true, false);
        add("LogOutUser", "9.3", NONE, false, false, REQUIRED, true, false);
    }

    private CommandRequirements() {
    }

    private static void add(String requestType, String introduced, AccessRight right, boolean supervised,
                            boolean requiresDep, SharedIpad sharedIpad, boolean sharedIpadDevice,
                            boolean sharedIpadUser) {
        TABLE.put(requestType, new Requirement(requestType, introduced, right, supervised, requiresDep, sharedIpad,
                sharedIpadDevice, sharedIpadUser));
    }

    /** The requirements of a RequestType iOS knows, empty for one it does not. */
    public static Optional<Requirement> of(String requestType) {
        return Optional.ofNullable(TABLE.get(requestType));
    }

    /** Every iOS command, in YAML file order. */
    public static Collection<Requirement> all() {
        return Collections.unmodifiableCollection(TABLE.values());
    }

    /**
     * Why {@code device} refuses {@code requestType} on its device channel, or null when it may run it. Checked in the
     * order iOS reports them: unknown on this OS, Shared iPad mode, supervision, automated enrollment, access right.
     */
    public static CommandReply refusal(Device device, String requestType) {
        Requirement r = TABLE.get(requestType);
        if (r == null || !Versions.atLeast(device.spec().osVersion(), r.introduced())) {
            return CommandReply.unknownCommand(requestType);
        }
        boolean shared = device.sharedIpad();
        if (r.sharedIpad() == REQUIRED && !shared) {
            return DeviceErrors.error(DeviceErrors.NOT_ON_THIS_CHANNEL, DeviceErrors.MDM,
                    requestType + " runs only on a Shared iPad (this device is not one)");
        }
        if (shared && (r.sharedIpad() == FORBIDDEN || !r.sharedIpadDevice())) {
            return DeviceErrors.error(DeviceErrors.NOT_ON_THIS_CHANNEL, DeviceErrors.MDM, requestType
                    + (r.sharedIpad() == FORBIDDEN ? " is not supported on a Shared iPad"
                    : " is not supported on the device channel of a Shared iPad (expected: the user channel)"));
        }
        if (r.supervised() && !device.supervised()) {
            return DeviceErrors.error(DeviceErrors.NOT_SUPERVISED, DeviceErrors.MDM,
                    requestType + " requires a supervised device (this device is not supervised)");
        }
        if (r.requiresDep() && device.cloudConfiguration() == null) {
            return DeviceErrors.error(DeviceErrors.NOT_ENROLLED_VIA_DEP, DeviceErrors.MDM, requestType
                    + " requires a device enrolled through Automated Device Enrollment");
        }
        long rights = accessRights(device);
        if (!r.right().grantedBy(rights)) {
            return DeviceErrors.error(DeviceErrors.NOT_AUTHORIZED, DeviceErrors.MDM, "The MDM server is not authorized"
                    + " to send " + requestType + ": its AccessRights " + rights + " lack " + r.right());
        }
        return null;
    }

    /** The AccessRights of the device's MDM payload; all rights for a device without one (a bare test device). */
    static long accessRights(Device device) {
        return device.profile() == null ? AccessRight.ALL : device.profile().mdm().accessRights();
    }
}
