package io.mdmsim.core.time;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/** Wall time. */
final class SystemClock implements SimClock {

    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void sleep(Duration simulated) throws InterruptedException {
        requireNonNull(simulated, "simulated");
        if (simulated.isNegative() || simulated.isZero()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        Thread.sleep(simulated);
    }

    @Override
    public ClockTimer schedule(Duration delay, Runnable task) {
        return Timers.onRealTime(delay, task, nanos -> nanos);
    }

    @Override
    public String describe() {
        return "wall";
    }

    @Override
    public String toString() {
        return describe();
    }
}
