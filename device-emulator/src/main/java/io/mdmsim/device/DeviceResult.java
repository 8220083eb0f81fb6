package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one device's run ended.
 *
 * @param device          which device
 * @param outcome         ENROLLED, NOT_ASSIGNED or FAILED
 * @param stage           the stage the device ended in: {@link Stage#DONE} when enrolled, else the stage that failed
 * @param reason          readable reason when not enrolled (what failed and what was expected), null when enrolled
 * @param stageDurations  simulated time of each stage the device completed, in stage order (a failed stage is not
 *                        in it)
 * @param total           simulated time from power-on to the end of the run
 * @param management      the device's management state when its run ended (managed, supervised, Single App Mode,
 *                        whether it was unenrolled and how, how often it enrolled)
 */
public record DeviceResult(DeviceRef device, Outcome outcome, Stage stage, String reason,
                           Map<Stage, Duration> stageDurations, Duration total, Management management) {

    /** How a device left management during its run. */
    public enum Unenrollment {
        /** Still managed, or never enrolled. */
        NONE,
        /**
         * The MDM retired it: RemoveProfile of the enrollment profile (seeds: "Retire the device in the admin
         * center"); it sent CheckOut when the profile asked and ended unmanaged, unless its user erased it and
         * enrolled again ({@link Behaviour#reenrollAfterRetire()}).
         */
        RETIRED,
        /**
         * Its user removed management in Settings: allowed because the enrollment was not locked, or because the
         * device was added with Apple Configurator and was within 30 days of activation (seeds).
         */
        REMOVED_BY_USER
    }

    /**
     * The management state at the end of the run.
     *
     * @param managed          enrolled in the MDM when the run ended
     * @param supervised       supervised (the cloud configuration's IsSupervised, always on iOS 13 and later)
     * @param singleAppMode    locked in Single App Mode (a com.apple.app.lock payload) when the run ended
     * @param singleAppModeApp the bundle ID the device is locked to, null when not locked
     * @param unenrolled       how it left management, {@link Unenrollment#NONE} if it did not (or re-enrolled since)
     * @param enrollments      how many times it completed enrollment (TokenUpdate) in the run
     */
    public record Management(boolean managed, boolean supervised, boolean singleAppMode, String singleAppModeApp,
                             Unenrollment unenrolled, int enrollments, int refusedWhileManaged) {

        /** Nothing known (a device that never powered on, or a result built by hand). */
        public static final Management NONE = new Management(false, false, false, null, Unenrollment.NONE, 0, 0);

        /** Without refusals counted. */
        public Management(boolean managed, boolean supervised, boolean singleAppMode, String singleAppModeApp,
                          Unenrollment unenrolled, int enrollments) {
            this(managed, supervised, singleAppMode, singleAppModeApp, unenrolled, enrollments, 0);
        }

        public Management {
            requireNonNull(unenrolled, "unenrolled");
            if (singleAppMode != (singleAppModeApp != null)) {
                throw new IllegalArgumentException("singleAppModeApp: " + singleAppModeApp
                        + " (expected: the app exactly when singleAppMode is true)");
            }
        }
    }

    /** A result without management facts ({@link Management#NONE}). */
    public DeviceResult(DeviceRef device, Outcome outcome, Stage stage, String reason,
                        Map<Stage, Duration> stageDurations, Duration total) {
        this(device, outcome, stage, reason, stageDurations, total, Management.NONE);
    }

    public DeviceResult {
        requireNonNull(device, "device");
        requireNonNull(outcome, "outcome");
        requireNonNull(stage, "stage");
        requireNonNull(stageDurations, "stageDurations");
        requireNonNull(total, "total");
        requireNonNull(management, "management");
        if (outcome == Outcome.ENROLLED && reason != null) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: null for an enrolled device)");
        }
        if (outcome != Outcome.ENROLLED && reason == null) {
            throw new IllegalArgumentException("reason: null (expected: a readable reason for outcome " + outcome + ")");
        }
        stageDurations = Collections.unmodifiableMap(new LinkedHashMap<>(stageDurations));
    }

    public boolean enrolled() {
        return outcome == Outcome.ENROLLED;
    }

    @Override
    public String toString() {
        return enrolled()
                ? device + ": ENROLLED in " + total
                : device + ": " + outcome + " at " + stage + ": " + reason;
    }
}
