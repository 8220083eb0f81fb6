package io.mdmsim.mdm.reference;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.PortalState;
import io.mdmsim.mdm.management.EnrollmentProfile;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /admin/devices/{udid}} shows of a device's supervision, Company Portal, Single App Mode and
 * deferred critical apps (times as ISO-8601 text, null when not yet).
 */
public record PortalView(Boolean supervised, String supervisedBecause, String companyPortal, String companyPortalNote,
        String companyPortalUser, String primaryUser, String companyPortalSignedInAt, boolean singleAppMode,
        String singleAppModeState, String singleAppModeNote, String singleAppModeLockedAt, String singleAppModeLiftedAt,
        List<String> criticalAppsAfterConfigured, String awaitFinalConfigurationNote) {

    /** The view of a device; the caller holds the lock of its record. */
    public static PortalView of(DeviceRecord d) {
        PortalState s = d.portal;
        return new PortalView(Supervision.supervised(d), Supervision.why(d),
                s.companyPortal == null ? null : s.companyPortal.name(), s.companyPortalNote, s.companyPortalUser,
                s.primaryUser, text(s.signedInAt),
                s.singleAppMode == PortalState.SingleAppMode.LOCKING || s.singleAppMode == PortalState.SingleAppMode.LOCKED
                        || s.singleAppMode == PortalState.SingleAppMode.LIFTING,
                s.singleAppMode == null ? null : s.singleAppMode.name(), s.singleAppModeNote, text(s.lockedAt),
                text(s.liftedAt), List.copyOf(s.appsAfterConfigured), s.awaitNote);
    }

    /**
     * Whether the device is registered (Microsoft Entra registration) and how: at the Setup Assistant sign-in with
     * Just in Time Registration ("eliminates the need for the Company Portal app for Microsoft Entra registration and
     * compliance"), else by its user's Company Portal sign-in. A registered device names {@code via} and {@code user},
     * one that is not says {@code why}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Registration(boolean registered, String via, String user, String why) {

        /**
         * The registration of a device; the caller holds the lock of its record.
         *
         * @param setupUser the user who signed in in Setup Assistant, null if none
         * @param setupVia  how ("legacy"/"modern")
         */
        public static Registration of(DeviceRecord d, String setupUser, String setupVia) {
            EnrollmentProfile p = DeviceLifecycle.snapshot(d);
            boolean jit = p != null && Boolean.TRUE.equals(p.justInTimeRegistration());
            if (jit && setupUser != null && "modern".equals(setupVia)) {
                return new Registration(true, "just-in-time registration", setupUser, null);
            }
            if (d.portal.companyPortalUser != null) {
                return new Registration(true, "Company Portal", d.portal.companyPortalUser, null);
            }
            return new Registration(false, null, null, p != null && p.affinity() != EnrollmentProfile.UserAffinity.WITH_USER
                    ? "enrolled without user affinity" : "no user has signed in to Company Portal"
                    + (jit ? " and no Setup Assistant sign-in with modern authentication registered it" : ""));
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
