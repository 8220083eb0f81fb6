package io.mdmsim.core.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The simulation's notion of time. Protocol code asks this clock, never {@code Instant.now()}, so a run can go at wall
 * speed, faster than wall time, or step by step under a test's control.
 *
 * <p>Implementations are thread-safe.
 */
public interface SimClock {

    /** The current simulated instant. */
    Instant now();

    /**
     * Sleeps for a simulated duration: wall clock sleeps {@code simulated}, a scaled clock sleeps
     * {@code simulated / factor} of real time, a manual clock waits until it has been advanced to the deadline.
     * A zero or negative duration returns at once.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration simulated) throws InterruptedException;

    /** {@code "wall"}, {@code "scaled x60"} or {@code "manual"}. */
    String describe();

    /**
     * Runs {@code task} once {@code delay} of simulated time has passed, on a virtual thread of its own; what it
     * throws is logged. The DEP sync loops, policy alerts and other server timers use this instead of a thread that
     * sleeps: on a {@link ManualClock} a timer costs no thread until it is due, {@link ManualClock#nextWake()}
     * knows it, and {@link ManualClock#runUntilIdle()} runs it. A clock that wraps another should delegate.
     *
     * @param delay zero or negative runs the task at once
     */
    default ClockTimer schedule(Duration delay, Runnable task) {
        return Timers.sleeping(this, delay, task);
    }

    /**
     * Runs {@code task} after {@code initialDelay}, then again {@code period} after each run ends (fixed delay, as
     * a sync loop wants), until the timer is cancelled.
     *
     * @param period greater than zero
     */
    default ClockTimer scheduleRepeatedly(Duration initialDelay, Duration period, Runnable task) {
        return Timers.repeating(this, initialDelay, period, task);
    }

    /** Real time. */
    static SimClock system() {
        return SystemClock.INSTANCE;
    }

    /**
     * Simulated time that starts at the wall time of the call and runs {@code factor} times faster than real time.
     *
     * @param factor greater than 0 and finite; 1 behaves like {@link #system()}, 60 makes a real second a minute
     */
    static SimClock scaled(double factor) {
        return ScaledClock.startingNow(factor);
    }

    /**
     * Simulated time that runs {@code factor} times faster than real time from {@code origin}: at real time t it reads
     * {@code origin + (t - origin) * factor}. Clocks of separate processes made with the same factor and origin agree,
     * whenever each was started.
     *
     * @param factor greater than 0 and finite
     * @param origin the real instant where simulated and real time coincide
     */
    static SimClock scaled(double factor, Instant origin) {
        return ScaledClock.fromOrigin(factor, origin);
    }

    /** A clock that moves only when told to, starting at {@code start}. */
    static ManualClock manual(Instant start) {
        return new ManualClock(start);
    }
}
