package io.mdmsim.scenarios.run;

import io.mdmsim.core.time.ManualClock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Moves a manual clock for a scenario: when every running device is asleep on the clock and nothing has happened for
 * a moment, the clock jumps to the next thing anybody waits for (a device's wait, a server's timer, the next action,
 * the run's deadline). Due actions run before time moves on. So simulated minutes and days pass in real milliseconds,
 * and no device ever sees time jump while it is in the middle of a step.
 */
final class ManualDriver {

    /** Real time with nothing happening before the clock may jump. */
    private static final long SETTLE_NANOS = 5_000_000L;

    private final ManualClock clock;
    private final CountingClock devicesClock;
    private final Activity activity;
    private final ActionRunner actions;
    private final Instant deadline;

    ManualDriver(ManualClock clock, CountingClock devicesClock, Activity activity, ActionRunner actions,
                 Instant deadline) {
        this.clock = clock;
        this.devicesClock = devicesClock;
        this.activity = activity;
        this.actions = actions;
        this.deadline = deadline;
    }

    /**
     * Drives the clock until {@code done} says the devices are done and every action ran, or the deadline is reached;
     * returns true when the deadline was reached first.
     */
    boolean drive(BooleanSupplier done) {
        while (true) {
            if (actions.runDue() > 0) {
                continue;
            }
            Instant nextAction = actions.nextDue();
            if (done.getAsBoolean() && nextAction == null) {
                return false;
            }
            if (!clock.now().isBefore(deadline)) {
                return true;
            }
            if (!settled()) {
                continue;
            }
            Instant target = nextAction;
            Optional<Instant> sleeper = clock.nextDeadline();
            if (sleeper.isPresent() && (target == null || sleeper.get().isBefore(target))) {
                target = sleeper.get();
            }
            if (target == null || target.isAfter(deadline)) {
                target = deadline;
            }
            if (target.isAfter(clock.now())) {
                clock.set(target);
            }
        }
    }

    /** Every running device asleep on the clock, and nothing changed for a moment. */
    private boolean settled() {
        long events = activity.events();
        long sleeps = devicesClock.sleeps();
        int sleepers = clock.sleepers();
        if (devicesClock.asleep() < activity.running()) {
            LockSupport.parkNanos(SETTLE_NANOS / 5);
            return false;
        }
        LockSupport.parkNanos(SETTLE_NANOS);
        return events == activity.events() && sleeps == devicesClock.sleeps() && sleepers == clock.sleepers()
                && devicesClock.asleep() >= activity.running();
    }
}
