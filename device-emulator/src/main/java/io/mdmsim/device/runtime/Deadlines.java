package io.mdmsim.device.runtime;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Stage;
import io.mdmsim.device.Timeouts;
import io.mdmsim.device.net.DeviceHttp;
import java.time.Duration;
import java.time.Instant;

/**
 * Enforces one device's {@link Timeouts} on the simulated clock, where the device waits: its {@link #clock()} ends a
 * sleep at the running stage's deadline or the run's, and every HTTP exchange is checked before and after
 * ({@link DeviceHttp.Guard}; an exchange in flight is not cut, it has its own real-time limit). Past a deadline the
 * device gets {@link DeadlineReached} and ends {@code TIMED_OUT}. Time the user spends by the knobs ({@link #extend})
 * and time in HTTP exchanges move the stage's deadline, so a stage times out on waiting (polls, retries, sleeps), not
 * on a slow machine. No thread of its own: a device that does not wait does not need watching.
 */
final class Deadlines implements DeviceHttp.Guard {

    /** Which deadline passed ({@code run}: the run's, else the stage's), in which stage. */
    record Expired(Stage stage, boolean run, String why) {}

    /** The device's wait or exchange ended because a deadline passed. */
    static final class DeadlineReached extends InterruptedException {
        private static final long serialVersionUID = 1L;

        DeadlineReached(String why) {
            super(why);
        }
    }

    private final SimClock base;
    private final Timeouts timeouts;
    private final SimClock clock = new Bounded();
    private final Object lock = new Object();
    private Instant runDeadline;
    private Stage stage;
    private Instant stageDeadline;
    private Expired expired;
    private Instant exchangeStarted;

    Deadlines(SimClock base, Timeouts timeouts) {
        this.base = requireNonNull(base, "base");
        this.timeouts = requireNonNull(timeouts, "timeouts");
    }

    /** The clock the device waits on: the fleet's, whose sleeps end at a deadline. */
    SimClock clock() {
        return clock;
    }

    /** The run starts now: its deadline, if any, counts from here. */
    void startRun() {
        synchronized (lock) {
            runDeadline = timeouts.deadline() == null ? null : base.now().plus(timeouts.deadline());
        }
    }

    /** {@code stage} starts now, with its timeout. */
    void enterStage(Stage stage) {
        synchronized (lock) {
            this.stage = stage;
            Duration t = timeouts.stage(stage);
            stageDeadline = t == null ? null : base.now().plus(t);
        }
    }

    /**
     * The stage ended. Past the run's deadline this throws (the device ends there), unless {@code runEnds} is false:
     * the stage was the managed life, which the deadline ends as planned.
     */
    void leaveStage(boolean runEnds) throws DeadlineReached {
        synchronized (lock) {
            stageDeadline = null;
            if (expired != null && !expired.run()) {
                expired = null; // the stage finished after all (its last wait ended at the deadline)
            }
            if (runEnds) {
                check();
            }
        }
    }

    /** The user's own time (a knob's pause): the stage's deadline moves by as much. */
    void extend(Duration userTime) {
        synchronized (lock) {
            if (stageDeadline != null && userTime.isPositive()) {
                stageDeadline = stageDeadline.plus(userTime);
            }
        }
    }

    /** The deadline that passed, or null. */
    Expired expired() {
        synchronized (lock) {
            return expired;
        }
    }

    @Override
    public void beforeExchange() throws InterruptedException {
        check();
        synchronized (lock) {
            exchangeStarted = base.now();
        }
    }

    /**
     * The exchange's own time does not count against the stage (it has a real-time limit, and at x60 a slow real
     * second is a simulated minute); then the deadlines are checked.
     */
    @Override
    public void afterExchange() throws InterruptedException {
        synchronized (lock) {
            if (exchangeStarted != null) {
                extend(Duration.between(exchangeStarted, base.now()));
                exchangeStarted = null;
            }
        }
        check();
    }

    /** The earliest deadline now in force (the stage's or the run's), null for none. */
    Instant next() {
        synchronized (lock) {
            return earliest();
        }
    }

    /** Throws {@link DeadlineReached} once a deadline has passed (and remembers which). */
    void check() throws DeadlineReached {
        synchronized (lock) {
            if (expired == null) {
                Instant due = earliest();
                if (due == null || base.now().isBefore(due)) {
                    return;
                }
                boolean run = runDeadline != null && !base.now().isBefore(runDeadline);
                expired = new Expired(stage, run, run
                        ? "the run's deadline of " + human(timeouts.deadline()) + " passed"
                        : "no progress within the " + stage + " timeout of " + human(timeouts.stage(stage)));
            }
            throw new DeadlineReached(expired.why());
        }
    }

    private Instant earliest() {
        if (stageDeadline == null) {
            return runDeadline;
        }
        return runDeadline == null || stageDeadline.isBefore(runDeadline) ? stageDeadline : runDeadline;
    }

    /** The fleet's clock whose sleeps stop at the earliest deadline. */
    private final class Bounded implements SimClock {
        @Override
        public Instant now() {
            return base.now();
        }

        @Override
        public void sleep(Duration simulated) throws InterruptedException {
            if (simulated.isNegative() || simulated.isZero()) {
                return;
            }
            Instant until = base.now().plus(simulated);
            while (true) {
                check();
                Instant due;
                synchronized (lock) {
                    due = earliest();
                }
                Instant now = base.now();
                if (!now.isBefore(until)) {
                    return;
                }
                Instant wake = due == null || until.isBefore(due) ? until : due;
                base.sleep(Duration.between(now, wake)); // then check again: the deadline may have moved
            }
        }

        @Override
        public String describe() {
            return base.describe();
        }
    }

    /** "15m", "2h", "90s", "1h30m". */
    static String human(Duration d) {
        if (d == null) {
            return "none";
        }
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || b.isEmpty()) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}
