package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.device.Outcome;

/** Ends a device's run in the current stage with a readable reason. Carries no stack trace: it is an outcome. */
public final class StageFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final Outcome outcome;
    private final boolean wipeHelps;
    private io.mdmsim.device.Stage stage;
    private int httpStatus;

    private StageFailure(Outcome outcome, String reason, Throwable cause) {
        this(outcome, reason, cause, false);
    }

    private StageFailure(Outcome outcome, String reason, Throwable cause, boolean wipeHelps) {
        super(requireNonNull(reason, "reason"), cause, false, false);
        this.outcome = requireNonNull(outcome, "outcome");
        this.wipeHelps = wipeHelps;
        if (outcome == Outcome.ENROLLED) {
            throw new IllegalArgumentException("outcome: ENROLLED (expected: a way of not enrolling)");
        }
    }

    public static StageFailure failed(String reason) {
        return new StageFailure(Outcome.FAILED, reason, null);
    }

    public static StageFailure failed(String reason, Throwable cause) {
        return new StageFailure(Outcome.FAILED, reason, cause);
    }

    /** The server answered {@code httpStatus} (not 2xx); {@link #httpStatus()} keeps it. */
    public static StageFailure refused(int httpStatus, String reason) {
        StageFailure f = new StageFailure(Outcome.FAILED, reason, null);
        f.httpStatus = httpStatus;
        return f;
    }

    /** The HTTP status of a refusal ({@link #refused}), 0 for any other failure. */
    public int httpStatus() {
        return httpStatus;
    }

    public static StageFailure notAssigned(String reason) {
        return new StageFailure(Outcome.NOT_ASSIGNED, reason, null);
    }

    /**
     * The device must be erased before it can enroll.
     *
     * @param wipeHelps whether erasing and starting over can succeed (false when the profile itself does not fit the
     *                  device, e.g. Shared iPad on an iPhone)
     */
    public static StageFailure needsWipe(String reason, boolean wipeHelps) {
        return new StageFailure(Outcome.NEEDS_WIPE, reason, null, wipeHelps);
    }

    /** For {@link Outcome#NEEDS_WIPE}: whether erasing the device and starting over can succeed. */
    public boolean wipeHelps() {
        return wipeHelps;
    }

    /**
     * Reports the failure at {@code stage} instead of the stage that was running (the web view of modern
     * authentication runs in REMOTE_MANAGEMENT, but an MDM refusal there is a MACHINE_INFO failure, docs/mdm-endpoint.md "Enrollment policy").
     */
    public StageFailure at(io.mdmsim.device.Stage stage) {
        this.stage = requireNonNull(stage, "stage");
        return this;
    }

    /** The stage to report, null for the running one. */
    public io.mdmsim.device.Stage stage() {
        return stage;
    }

    public Outcome outcome() {
        return outcome;
    }

    public String reason() {
        return getMessage();
    }
}
