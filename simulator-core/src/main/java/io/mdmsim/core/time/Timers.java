package io.mdmsim.core.time;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;

/** The timer implementations behind {@link SimClock#schedule}: on real time, on any clock, and repeating. */
final class Timers {

    private static final System.Logger LOG = System.getLogger(Timers.class.getName());

    /**
     * One platform thread keeps the real-time timers; each task runs on a virtual thread of its own. A cancelled timer
     * leaves the queue at once (an idle device's timer is cancelled by every push that wakes it first).
     */
    private static final ScheduledExecutorService REAL_TIME = realTimeTimers();

    private Timers() {
    }

    private static ScheduledExecutorService realTimeTimers() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mdmsim-clock-timers");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** Runs a task, logging (never propagating) what it throws: one failing timer must not stop the others. */
    static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a clock timer failed: " + e, e);
        }
    }

    static void startVirtual(Runnable task) {
        Thread.ofVirtual().name("mdmsim-clock-timer").start(() -> run(task));
    }

    /** A timer on real time: {@code realNanos} maps the simulated delay (in nanoseconds) to real nanoseconds. */
    static ClockTimer onRealTime(Duration delay, Runnable task, LongUnaryOperator realNanos) {
        requireNonNull(delay, "delay");
        requireNonNull(task, "task");
        long nanos = delay.isNegative() || delay.isZero() ? 0 : realNanos.applyAsLong(saturatedNanos(delay));
        AtomicBoolean started = new AtomicBoolean();
        ScheduledFuture<?> f = REAL_TIME.schedule(() -> {
            if (started.compareAndSet(false, true)) {
                startVirtual(task);
            }
        }, nanos, TimeUnit.NANOSECONDS);
        return new ClockTimer() {
            @Override
            public boolean cancel() {
                return started.compareAndSet(false, true) && f.cancel(false);
            }

            @Override
            public boolean isDone() {
                return started.get();
            }
        };
    }

    /** A timer for any clock: a virtual thread that sleeps on the clock, then runs the task. */
    static ClockTimer sleeping(SimClock clock, Duration delay, Runnable task) {
        requireNonNull(delay, "delay");
        requireNonNull(task, "task");
        AtomicBoolean started = new AtomicBoolean();
        Thread t = Thread.ofVirtual().name("mdmsim-clock-timer").start(() -> {
            try {
                clock.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            if (started.compareAndSet(false, true)) {
                run(task);
            }
        });
        return new ClockTimer() {
            @Override
            public boolean cancel() {
                if (started.compareAndSet(false, true)) {
                    t.interrupt();
                    return true;
                }
                return false;
            }

            @Override
            public boolean isDone() {
                return started.get();
            }
        };
    }

    /** Runs {@code task} after {@code initialDelay}, then {@code period} after the end of each run, until cancelled. */
    static ClockTimer repeating(SimClock clock, Duration initialDelay, Duration period, Runnable task) {
        requireNonNull(period, "period");
        requireNonNull(task, "task");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
        return new Repeating(clock, period, task).start(initialDelay);
    }

    private static final class Repeating implements ClockTimer {
        private final SimClock clock;
        private final Duration period;
        private final Runnable task;
        private final Object lock = new Object();
        private ClockTimer next;
        private boolean cancelled;

        Repeating(SimClock clock, Duration period, Runnable task) {
            this.clock = clock;
            this.period = period;
            this.task = task;
        }

        Repeating start(Duration delay) {
            synchronized (lock) {
                if (!cancelled) {
                    next = clock.schedule(delay, this::runAndReschedule);
                }
            }
            return this;
        }

        private void runAndReschedule() {
            synchronized (lock) {
                if (cancelled) {
                    return;
                }
            }
            try {
                run(task);
            } finally {
                start(period);
            }
        }

        @Override
        public boolean cancel() {
            synchronized (lock) {
                if (cancelled) {
                    return false;
                }
                cancelled = true;
                if (next != null) {
                    next.cancel();
                }
                return true;
            }
        }

        @Override
        public boolean isDone() {
            synchronized (lock) {
                return cancelled;
            }
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
