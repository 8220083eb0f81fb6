package io.mdmsim.core.time;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when {@link #advance(Duration)} or {@link #set(Instant)} is called. {@link #sleep(Duration)}
 * blocks until the clock has been moved to or past the sleeper's deadline (or the thread is interrupted).
 *
 * <p>Uses a {@link ReentrantLock} (not {@code synchronized}) so sleeping virtual threads do not pin their carrier.
 */
public final class ManualClock implements SimClock {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private final PriorityQueue<Instant> deadlines = new PriorityQueue<>();
    private Instant now;

    ManualClock(Instant start) {
        this.now = requireNonNull(start, "start");
    }

    @Override
    public Instant now() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the clock forward and wakes every sleeper whose deadline has been reached.
     *
     * @param d zero or positive
     */
    public void advance(Duration d) {
        requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("d: " + d + " (expected: >= 0; a clock does not go back, use set())");
        }
        lock.lock();
        try {
            now = now.plus(d);
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the clock to {@code t} (which may be earlier than now: sleepers keep waiting for their deadlines) and wakes
     * every sleeper whose deadline has been reached.
     */
    public void set(Instant t) {
        requireNonNull(t, "t");
        lock.lock();
        try {
            now = t;
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sleep(Duration simulated) throws InterruptedException {
        requireNonNull(simulated, "simulated");
        lock.lockInterruptibly();
        try {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (simulated.isNegative() || simulated.isZero()) {
                return;
            }
            Instant deadline = now.plus(simulated);
            deadlines.add(deadline);
            try {
                while (now.isBefore(deadline)) {
                    moved.await();
                }
            } finally {
                deadlines.remove(deadline);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many threads are currently blocked in {@link #sleep(Duration)}; lets a test wait until they are. */
    public int sleepers() {
        lock.lock();
        try {
            return deadlines.size();
        } finally {
            lock.unlock();
        }
    }

    /** The earliest deadline any sleeper is waiting for, if any; advancing to it wakes that sleeper. */
    public Optional<Instant> nextDeadline() {
        lock.lock();
        try {
            return Optional.ofNullable(deadlines.peek());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String describe() {
        return "manual";
    }

    @Override
    public String toString() {
        return "manual (at " + now() + ")";
    }
}
