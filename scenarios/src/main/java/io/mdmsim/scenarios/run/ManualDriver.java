package io.mdmsim.scenarios.run;

import io.mdmsim.core.time.ManualClock;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Moves a manual clock for a scenario: when every running device is asleep on the clock and nothing has happened for
 * a moment, the clock jumps to the next thing anybody waits for (a device's wait, a server's timer, the next action,
 * the run's deadline). Due actions run before time moves on. So simulated minutes and days pass in real milliseconds,
 * and no device ever sees time jump while it is in the middle of a step. If nothing at all happens for
 * {@link #STALL} of real time (no device event, no sleep, no arrival, the clock cannot move), the run has stalled and
 * ends as at its deadline: a run on a manual clock always ends.
 */
final class ManualDriver {

    /** Real time with nothing happening before the clock may jump. */
    private static final long SETTLE_NANOS = 10_000_000L;
    /**
     * After an action, real time with nothing happening before the clock may jump: what the action set off (a push
     * through the fake APNs, a sync) reaches the devices asynchronously.
     */
    private static final long AFTER_ACTION_NANOS = 300_000_000L;
    /**
     * Real time without any progress after which the run counts as stalled: longer than anything a device does without
     * an event or a sleep (an HTTP exchange is cut after 30 s, a push channel opens within its timeout).
     */
    static final java.time.Duration STALL = java.time.Duration.ofMinutes(2);

    private final ManualClock clock;
    private final CountingClock devicesClock;
    private final Activity activity;
    private final ActionRunner actions;
    private final Instant deadline;
    private final Instant start;
    private final List<Duration> arrivals;
    private final int concurrency;
    private final long stallNanos;

    /**
     * @param arrivals    when each device powers on, from {@code start}, in ascending order
     * @param concurrency how many devices may run at once
     */
    ManualDriver(ManualClock clock, CountingClock devicesClock, Activity activity, ActionRunner actions,
                 Instant deadline, Instant start, List<Duration> arrivals, int concurrency) {
        this(clock, devicesClock, activity, actions, deadline, start, arrivals, concurrency, STALL);
    }

    ManualDriver(ManualClock clock, CountingClock devicesClock, Activity activity, ActionRunner actions,
                 Instant deadline, Instant start, List<Duration> arrivals, int concurrency, Duration stall) {
        this.stallNanos = stall.toNanos();
        this.start = start;
        this.arrivals = arrivals;
        this.concurrency = concurrency;
        this.clock = clock;
        this.devicesClock = devicesClock;
        this.activity = activity;
        this.actions = actions;
        this.deadline = deadline;
    }

    /**
     * Drives the clock until every device finished and every action ran (FINISHED), the deadline is reached (DEADLINE),
     * nothing happened for the stall time (STALLED) or the calling thread is interrupted (STOPPED: Ctrl-C).
     */
    ScenarioRunner.End drive() {
        List<Object> seen = List.of();
        long progressAt = System.nanoTime();
        while (true) {
            if (Thread.interrupted()) {
                return ScenarioRunner.End.STOPPED;
            }
            if (actions.runDue() > 0) {
                LockSupport.parkNanos(AFTER_ACTION_NANOS);
                progressAt = System.nanoTime();
                continue;
            }
            List<Object> now = List.of(activity.events(), devicesClock.sleeps(), clock.sleepers(), clock.now(),
                    activity.started());
            if (!now.equals(seen)) {
                seen = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > stallNanos) {
                return ScenarioRunner.End.STALLED;
            }
            Instant nextAction = actions.nextDue();
            boolean devicesDone = activity.finished() >= arrivals.size();
            if (devicesDone && nextAction == null) {
                return ScenarioRunner.End.FINISHED;
            }
            if (!clock.now().isBefore(deadline)) {
                return ScenarioRunner.End.DEADLINE;
            }
            if (!settled()) {
                continue;
            }
            Instant target = nextAction;
            if (activity.running() > 0) {
                // every running device waits for time: the next anybody waits for (a device, a server's timer)
                target = earlier(target, clock.nextDeadline().orElse(null));
            }
            if (activity.started() < arrivals.size() && activity.started() < activity.finished() + concurrency) {
                target = earlier(target, start.plus(arrivals.get(activity.started())));
            }
            if (target == null) {
                continue; // nothing waits for time: the devices are ending
            }
            if (target.isAfter(deadline)) {
                target = deadline;
            }
            if (target.isAfter(clock.now())) {
                clock.set(target);
            }
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    /** Devices that should have powered on by now: arrived, and room for them under the concurrency. */
    private int due() {
        Duration elapsed = Duration.between(start, clock.now());
        int arrived = 0;
        while (arrived < arrivals.size() && arrivals.get(arrived).compareTo(elapsed) <= 0) {
            arrived++;
        }
        return Math.min(arrived, activity.finished() + concurrency);
    }

    /** Every running device asleep on the clock, and nothing changed for a moment. */
    private boolean settled() {
        long events = activity.events();
        long sleeps = devicesClock.sleeps();
        int sleepers = clock.sleepers();
        if (devicesClock.asleep() < activity.running() || activity.started() < due()) {
            LockSupport.parkNanos(SETTLE_NANOS / 5);
            return false;
        }
        LockSupport.parkNanos(SETTLE_NANOS);
        return events == activity.events() && sleeps == devicesClock.sleeps() && sleepers == clock.sleepers()
                && devicesClock.asleep() >= activity.running() && activity.started() >= due();
    }
}
