package io.mdmsim.scenarios.run;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.ClockTimer;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The devices' view of the scenario's clock: the same time, and a count of the device threads asleep on it, so the
 * runner driving a manual clock knows when every running device waits for time to pass. Threads registered with
 * {@link #ignore} (the fleet's own arrival loop) are not counted.
 */
final class CountingClock implements SimClock {

    private final SimClock clock;
    private final AtomicInteger asleep = new AtomicInteger();
    private final AtomicLong sleeps = new AtomicLong();
    private final Set<Thread> ignored = ConcurrentHashMap.newKeySet();

    CountingClock(SimClock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Sleeps of this thread are not counted. */
    void ignore(Thread t) {
        ignored.add(t);
    }

    /** Device threads asleep on the clock now. */
    int asleep() {
        return asleep.get();
    }

    /** Sleeps started so far (a change means something happened). */
    long sleeps() {
        return sleeps.get();
    }

    @Override
    public Instant now() {
        return clock.now();
    }

    @Override
    public void sleep(Duration simulated) throws InterruptedException {
        if (ignored.contains(Thread.currentThread()) || simulated.isNegative() || simulated.isZero()) {
            clock.sleep(simulated);
            return;
        }
        sleeps.incrementAndGet();
        asleep.incrementAndGet();
        try {
            clock.sleep(simulated);
        } finally {
            asleep.decrementAndGet();
        }
    }

    /**
     * On a manual clock a device's timer (an idle device's next check-in) is a sleep the runner must see: it moves the
     * clock to the deadlines of sleepers, so the timer sleeps on this clock. On other clocks the clock's own timers
     * cost no thread.
     */
    @Override
    public ClockTimer schedule(Duration delay, Runnable task) {
        return clock instanceof ManualClock ? SimClock.super.schedule(delay, task) : clock.schedule(delay, task);
    }

    @Override
    public String describe() {
        return clock.describe();
    }
}
