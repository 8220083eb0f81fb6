package io.mdmsim.mdm.reference;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.mdm.management.EnrollmentProfile;

/**
 * Where the locked Awaiting final configuration experience is supported (seeds, "Await final configuration"): "iOS/iPadOS
 * 13+ devices enrolling with Setup Assistant with modern authentication", "… without user affinity", "… with Microsoft
 * Entra ID shared mode". Outside those cases the device is not held:
 * <ul>
 * <li>a profile with Company Portal or Setup Assistant (legacy) authentication does not ask ABM to hold its devices
 * (await_device_configured false, {@link EnrollmentProfile#lockedExperienceSupported()}): they go to the home screen
 * when Setup Assistant ends, as with No;</li>
 * <li>a device below iOS 13 whose cloud configuration does ask it to await (a supported profile; with modern
 * authentication such a device falls back to Setup Assistant legacy) is released at once: after the setup
 * DeviceInformation it gets DeviceConfigured, and the critical policies and apps follow instead of holding it.</li>
 * </ul>
 */
public final class AwaitSupport {

    /** The first OS version of the locked experience. */
    public static final String MIN_OS = "13.0";

    private AwaitSupport() {
    }

    /** Why this device is not held although its profile awaits final configuration; null when it is held. */
    public static String unsupported(EnrollmentProfile p, String osVersion) {
        if (p == null || !p.awaits()) {
            return null;
        }
        if (!p.lockedExperienceSupported()) {
            return "authentication " + p.authentication() + ": the locked Awaiting final configuration experience is"
                    + " supported with Setup Assistant with modern authentication, without user affinity and in shared"
                    + " device mode only; the device is released when Setup Assistant ends";
        }
        if (osVersion != null && older(osVersion)) {
            return "iOS " + osVersion + ": the locked Awaiting final configuration experience needs iOS/iPadOS " + MIN_OS
                    + " or later; the device is released at once and its critical policies and apps follow";
        }
        return null;
    }

    private static boolean older(String osVersion) {
        try {
            return DeviceCatalog.compareVersions(osVersion, MIN_OS) < 0;
        } catch (RuntimeException e) {
            return false; // not a dotted version: held, as an unknown OS is
        }
    }
}
