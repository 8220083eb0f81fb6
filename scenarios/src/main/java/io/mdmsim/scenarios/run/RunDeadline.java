package io.mdmsim.scenarios.run;

import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.PaneEvent;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.model.Durations;
import java.time.Duration;

/**
 * The scenario's deadline as the devices' listeners see it: once the runner has {@link #pass() passed} it and stopped
 * the fleet, a device the stop ended (the fleet reports it {@link Outcome#INTERRUPTED}) ends {@link Outcome#TIMED_OUT}
 * at the stage it was in, with the deadline as its reason, in the recorder, the live progress and the verdicts alike.
 */
final class RunDeadline implements FleetListener {

    private final FleetListener next;
    private final String deadlineWhy;
    private volatile String why;
    private volatile boolean passed;

    /** @param deadline the scenario's deadline on its clock */
    RunDeadline(Duration deadline, FleetListener next) {
        this.next = next;
        this.deadlineWhy = "the scenario's deadline of " + (deadline == null ? "none" : Durations.format(deadline))
                + " passed";
    }

    /**
     * From now on, devices stopped by the fleet ended because the deadline passed ({@code why} null), or for
     * {@code why}. Call before stopping the fleet.
     */
    void pass(String why) {
        this.why = why != null ? why : deadlineWhy;
        passed = true;
    }

    /** {@code result} as the scenario counts it: timed out if the deadline's stop ended it. */
    DeviceResult apply(DeviceResult r) {
        if (!passed || r.outcome() != Outcome.INTERRUPTED) {
            return r;
        }
        return new DeviceResult(r.device(), Outcome.TIMED_OUT, r.stage(), reason(r.reason()), r.stageDurations(),
                r.total(), r.management());
    }

    private String reason(String interrupted) {
        return interrupted != null && interrupted.contains("before power-on") ? why + " before it powered on" : why;
    }

    @Override
    public void stageEntered(DeviceRef device, Stage stage) {
        next.stageEntered(device, stage);
    }

    @Override
    public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
        next.stageCompleted(device, stage, took);
    }

    @Override
    public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
        if (passed && outcome == Outcome.INTERRUPTED) {
            next.stageFailed(device, stage, Outcome.TIMED_OUT, reason(reason));
        } else {
            next.stageFailed(device, stage, outcome, reason);
        }
    }

    @Override
    public void deviceFinished(DeviceResult result) {
        next.deviceFinished(apply(result));
    }

    @Override
    public void paneSeen(DeviceRef device, PaneEvent pane) {
        next.paneSeen(device, pane);
    }

    @Override
    public void errorShown(DeviceRef device, Stage stage, String error) {
        next.errorShown(device, stage, error);
    }
}
