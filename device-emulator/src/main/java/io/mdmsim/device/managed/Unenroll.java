package io.mdmsim.device.managed;

import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.commands.ProfileHandlers;
import io.mdmsim.device.model.CloudConfiguration;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.PushChannel;
import io.mdmsim.device.runtime.DeviceContext;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a device leaves management (seeds): the MDM retires it (RemoveProfile of the enrollment profile), or its
 * user removes management in Settings, which locked enrollment forbids except during the 30-day provisional window of
 * a device added to ABM with Apple Configurator. Either way the device sends CheckOut when the MDM payload says
 * CheckOutWhenRemoved, leaves APNs, drops the MDM profile and everything it installed, and is unmanaged.
 */
public final class Unenroll {

    private static final System.Logger LOG = System.getLogger(Unenroll.class.getName());

    private Unenroll() {
    }

    /** The MDM profile is gone: CheckOut if asked, leave APNs, forget. Traced as "unenrolled". */
    static void unenroll(DeviceContext ctx, DeviceResult.Unenrollment how, String why) throws InterruptedException {
        Device d = ctx.device();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("how", how.name());
        fields.put("reason", why);
        EnrollmentProfile.MdmPayload mdm = d.profile() == null ? null : d.profile().mdm();
        boolean checkOut = mdm != null && mdm.checkOutWhenRemoved() && ctx.hasMdm();
        fields.put("checkOut", checkOut);
        if (checkOut) {
            try {
                ctx.mdm().checkin(CheckOut.forDevice(mdm.topic(), d.udid()));
            } catch (StageFailure f) {
                // the profile goes anyway; the MDM just does not hear of it
                fields.put("checkOutFailed", f.reason());
                LOG.log(Level.INFO, "{0}: CheckOut refused: {1}", d.ref(), f.reason());
            }
        }
        PushChannel push = ctx.push();
        if (push != null && d.pushToken() != null) {
            try {
                push.release(d.pushToken());
            } catch (PushChannel.PushException e) {
                LOG.log(Level.INFO, "{0}: releasing the push token on unenrollment: {1}", d.ref(), e.getMessage());
            }
        }
        ctx.trace().event("unenrolled", fields);
        d.unenrolled(how);
        ctx.forgetMdm();
    }

    /** When this device's user tries to remove management, null if they never do (or already did). */
    public static Instant removalAttemptAt(Device d) {
        if (!d.behaviour().removesManagement() || d.removalAttempted() || d.enrolledAt() == null) {
            return null;
        }
        return d.enrolledAt().plus(d.behaviour().knobs().removeManagementAfter());
    }

    /**
     * Why Settings does not offer to remove management now, null when it does. Locked enrollment (the cloud
     * configuration's IsMDMUnremovable, or an enrollment profile with PayloadRemovalDisallowed) hides the button,
     * except on a device added with Apple Configurator within 30 days of its activation (seeds).
     */
    public static String removalRefusal(Device d, Instant now) {
        CloudConfiguration cc = d.cloudConfiguration();
        boolean lockedByRecord = cc != null && cc.isMdmUnremovable();
        ManagedState.InstalledProfile enrollment = ProfileHandlers.enrollmentProfile(d);
        boolean lockedByProfile = enrollment != null && enrollment.removalDisallowed();
        if (!lockedByRecord && !lockedByProfile) {
            return null;
        }
        String lock = lockedByRecord ? "locked enrollment (the cloud configuration says IsMDMUnremovable)"
                : "the enrollment profile has PayloadRemovalDisallowed";
        if (!d.behaviour().addedByConfigurator()) {
            return lock + ": Settings does not offer to remove management";
        }
        Instant activated = d.activatedAt();
        Duration since = activated == null ? Duration.ZERO : Duration.between(activated, now);
        if (since.compareTo(Behaviour.PROVISIONAL_PERIOD) <= 0) {
            return null;
        }
        return lock + ": the device was added with Apple Configurator, but its provisional period (the first "
                + Behaviour.PROVISIONAL_PERIOD.toDays() + " days after activation) ended " + since.minus(
                Behaviour.PROVISIONAL_PERIOD).toDays() + " days ago; Settings no longer offers to remove management";
    }

    /**
     * The user tries to remove management: traced as "remove-management" with whether it was allowed; an allowed
     * removal unenrolls the device. Returns true when the device is now unmanaged.
     */
    static boolean userTriesRemoval(DeviceContext ctx) throws InterruptedException {
        Device d = ctx.device();
        d.removalAttempted(true);
        Instant now = ctx.clock().now();
        String refusal = removalRefusal(d, now);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("allowed", refusal == null);
        fields.put("addedByConfigurator", d.behaviour().addedByConfigurator());
        if (d.activatedAt() != null) {
            fields.put("daysSinceActivation", Duration.between(d.activatedAt(), now).toDays());
        }
        if (refusal != null) {
            fields.put("reason", refusal);
        }
        ctx.trace().event("remove-management", fields);
        if (refusal != null) {
            return false;
        }
        unenroll(ctx, DeviceResult.Unenrollment.REMOVED_BY_USER, "the user removed management in Settings");
        return true;
    }
}
