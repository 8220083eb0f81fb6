package io.mdmsim.device.internal;

import static java.util.Objects.requireNonNull;

import io.mdmsim.device.Outcome;

/** Ends a device's run in the current stage with a readable reason. Carries no stack trace: it is an outcome. */
public final class StageFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final Outcome outcome;

    private StageFailure(Outcome outcome, String reason, Throwable cause) {
        super(requireNonNull(reason, "reason"), cause, false, false);
        this.outcome = requireNonNull(outcome, "outcome");
        if (outcome == Outcome.ENROLLED) {
            throw new IllegalArgumentException("outcome: ENROLLED (expected: NOT_ASSIGNED or FAILED)");
        }
    }

    public static StageFailure failed(String reason) {
        return new StageFailure(Outcome.FAILED, reason, null);
    }

    public static StageFailure failed(String reason, Throwable cause) {
        return new StageFailure(Outcome.FAILED, reason, cause);
    }

    public static StageFailure notAssigned(String reason) {
        return new StageFailure(Outcome.NOT_ASSIGNED, reason, null);
    }

    public Outcome outcome() {
        return outcome;
    }

    public String reason() {
        return getMessage();
    }
}
