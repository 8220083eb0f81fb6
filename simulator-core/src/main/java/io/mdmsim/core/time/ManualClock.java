package io.mdmsim.core.time;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when {@link #advance(Duration)} or {@link #set(Instant)} is called. {@link #sleep(Duration)}
 * blocks until the clock has been moved to or past the sleeper's deadline (or the thread is interrupted).
 *
 * <p>Timers ({@link #schedule}) are kept in a queue and cost no thread until they are due: when the clock reaches a
 * timer's due time, the timer starts on a virtual thread of its own, in due order. {@link #runUntilIdle()} moves the
 * clock from timer to timer, waiting after each step until the timers it started have finished or wait on this clock
 * themselves, so a test or a scenario advances time without polling with sleeps. Threads that merely sleep on the
 * clock (virtual devices) wake as it passes their deadlines and run on their own.
 *
 * <p>Uses a {@link ReentrantLock} (not {@code synchronized}) so sleeping virtual threads do not pin their carrier.
 */
public final class ManualClock implements SimClock {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private final PriorityQueue<Instant> deadlines = new PriorityQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final AtomicInteger runningTimers = new AtomicInteger();
    private final AtomicInteger timersAsleep = new AtomicInteger();
    private static final ThreadLocal<Boolean> TIMER_THREAD = ThreadLocal.withInitial(() -> false);
    private long timerSeq;
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
        List<Timer> due;
        lock.lock();
        try {
            now = now.plus(d);
            moved.signalAll();
            due = pollDue();
        } finally {
            lock.unlock();
        }
        due.forEach(this::start);
    }

    /**
     * Sets the clock to {@code t} (which may be earlier than now: sleepers keep waiting for their deadlines) and wakes
     * every sleeper whose deadline has been reached.
     */
    public void set(Instant t) {
        requireNonNull(t, "t");
        List<Timer> due;
        lock.lock();
        try {
            now = t;
            moved.signalAll();
            due = pollDue();
        } finally {
            lock.unlock();
        }
        due.forEach(this::start);
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
            boolean timer = TIMER_THREAD.get();
            if (timer) {
                timersAsleep.incrementAndGet();
            }
            try {
                while (now.isBefore(deadline)) {
                    moved.await();
                }
            } finally {
                deadlines.remove(deadline);
                if (timer) {
                    timersAsleep.decrementAndGet();
                }
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

    /** The earliest due time of a timer, if any; advancing to it starts that timer. */
    public Optional<Instant> nextTimer() {
        lock.lock();
        try {
            return timers.isEmpty() ? Optional.empty() : Optional.of(timers.peek().due);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The earliest time anybody waits for: a sleeper's deadline ({@link #nextDeadline()}) or a timer's due time
     * ({@link #nextTimer()}).
     */
    public Optional<Instant> nextWake() {
        lock.lock();
        try {
            Instant sleeper = deadlines.peek();
            Instant timer = timers.isEmpty() ? null : timers.peek().due;
            return Optional.ofNullable(sleeper == null ? timer : timer == null || sleeper.isBefore(timer) ? sleeper
                    : timer);
        } finally {
            lock.unlock();
        }
    }

    /** How many timers wait for their due time. */
    public int timers() {
        lock.lock();
        try {
            return timers.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ClockTimer schedule(Duration delay, Runnable task) {
        requireNonNull(delay, "delay");
        requireNonNull(task, "task");
        Timer timer;
        lock.lock();
        try {
            timer = new Timer(delay.isNegative() ? now : now.plus(delay), timerSeq++, task);
            if (timer.due.isAfter(now)) {
                timers.add(timer);
                return timer;
            }
        } finally {
            lock.unlock();
        }
        start(timer);
        return timer;
    }

    /**
     * Moves the clock from one timer to the next, running each, until no timer is left; returns how many ran. After
     * each step it waits (in real time) until the timers it started have finished or sleep on this clock. Sleepers
     * wake as the clock passes their deadlines; their threads run on their own.
     *
     * @throws IllegalStateException after 100,000 timers: a repeating timer never lets the clock be idle (use
     *                               {@link #runUntil(Instant)})
     */
    public int runUntilIdle() {
        return run(null);
    }

    /**
     * As {@link #runUntilIdle()}, but stops at {@code limit} (timers due later stay queued) and leaves the clock at
     * {@code limit}; returns how many timers ran.
     */
    public int runUntil(Instant limit) {
        requireNonNull(limit, "limit");
        return run(limit);
    }

    private int run(Instant limit) {
        int ran = 0;
        while (true) {
            awaitTimersQuiet();
            Instant due;
            lock.lock();
            try {
                due = timers.isEmpty() ? null : timers.peek().due;
            } finally {
                lock.unlock();
            }
            if (due == null || (limit != null && due.isAfter(limit))) {
                if (limit != null && now().isBefore(limit)) {
                    set(limit);
                    awaitTimersQuiet();
                }
                return ran;
            }
            if (++ran > 100_000) {
                throw new IllegalStateException("more than 100000 timers without the clock getting idle (a repeating"
                        + " timer?); use runUntil(limit)");
            }
            if (due.isAfter(now())) {
                set(due);
            } else {
                set(now()); // due already: start it
            }
        }
    }

    /** Until every timer this clock started has finished or sleeps on the clock. */
    private void awaitTimersQuiet() {
        // most timers are short: yield first (microseconds), then park so a long timer costs no CPU
        for (int spins = 0; runningTimers.get() > timersAsleep.get(); spins++) {
            if (spins < 200) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(200_000L);
            }
        }
    }

    /** Removes the timers due by now, in due order. Call with the lock held. */
    private List<Timer> pollDue() {
        List<Timer> due = new ArrayList<>();
        while (!timers.isEmpty() && !timers.peek().due.isAfter(now)) {
            due.add(timers.poll());
        }
        return due;
    }

    private void start(Timer timer) {
        if (!timer.claim()) {
            return;
        }
        runningTimers.incrementAndGet();
        Thread.ofVirtual().name("mdmsim-clock-timer").start(() -> {
            TIMER_THREAD.set(true);
            try {
                Timers.run(timer.task);
            } finally {
                runningTimers.decrementAndGet();
            }
        });
    }

    private boolean unschedule(Timer timer) {
        lock.lock();
        try {
            return timers.remove(timer);
        } finally {
            lock.unlock();
        }
    }

    private final class Timer implements ClockTimer, Comparable<Timer> {
        final Instant due;
        final long seq;
        final Runnable task;
        private final AtomicBoolean done = new AtomicBoolean();

        Timer(Instant due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        boolean claim() {
            return done.compareAndSet(false, true);
        }

        @Override
        public boolean cancel() {
            if (done.compareAndSet(false, true)) {
                unschedule(this);
                return true;
            }
            return false;
        }

        @Override
        public boolean isDone() {
            return done.get();
        }

        @Override
        public int compareTo(Timer o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
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
