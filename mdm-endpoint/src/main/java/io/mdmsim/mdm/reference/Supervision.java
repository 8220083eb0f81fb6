package io.mdmsim.mdm.reference;

import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.PortalState;
import io.mdmsim.mdm.management.EnrollmentProfile;

/**
 * Whether a device is supervised, and why we think so: its own IsSupervised answer, else what its enrollment profile
 * implies (seeds "Supervised": ADE devices on iOS 13 and later always are). Single App Mode needs a supervised device.
 */
final class Supervision {

    /** ADE devices on iOS 13 and later are always supervised (seeds). */
    static final String ALWAYS_SUPERVISED_OS = "13.0";

    private Supervision() {}

    /** Records what the enrollment profile implies (at the first TokenUpdate and after the setup DeviceInformation). */
    static void record(DeviceRecord d, EnrollmentProfile p) {
        PortalState s = d.portal;
        if (p == null) {
            s.profileSupervised = false;
            s.profileSupervisedWhy = "no automated device enrollment profile for this device";
        } else if (d.osVersion != null && CompanyPortalService.atLeast(d.osVersion, ALWAYS_SUPERVISED_OS)) {
            s.profileSupervised = true;
            s.profileSupervisedWhy = "iOS " + d.osVersion + ": ADE devices on iOS 13 and later are always supervised";
        } else {
            s.profileSupervised = !Boolean.FALSE.equals(p.supervised()) || p.isShared();
            s.profileSupervisedWhy = "the enrollment profile says supervised " + s.profileSupervised;
        }
    }

    /** Supervision: the device's own IsSupervised answer, else what the enrollment profile implies; null unknown. */
    static Boolean supervised(DeviceRecord d) {
        if (d.queryResponses.get("IsSupervised") instanceof Boolean b) {
            return b;
        }
        return d.portal.profileSupervised;
    }

    /** Why {@link #supervised} says what it says. */
    static String why(DeviceRecord d) {
        if (d.queryResponses.get("IsSupervised") instanceof Boolean b) {
            return "the device answered IsSupervised " + b;
        }
        return d.portal.profileSupervisedWhy == null ? "not known yet" : d.portal.profileSupervisedWhy;
    }
}
