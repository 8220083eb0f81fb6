package io.mdmsim.core.time;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Simulated time running {@code factor} times faster than a real monotonic time base: {@code now() = start +
 * (realElapsed * factor)}, and {@code sleep(d)} sleeps {@code d / factor} of real time.
 *
 * <p>The real time base ({@link RealTime}) is injectable so the arithmetic can be tested without waiting.
 */
public final class ScaledClock implements SimClock {

    /** The real, monotonic time a scaled clock is built on. */
    public interface RealTime {
        /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
        long nanoTime();

        /** Sleeps the given number of real nanoseconds (> 0). */
        void sleepNanos(long nanos) throws InterruptedException;

        /** {@link System#nanoTime()} and {@link Thread#sleep(Duration)}. */
        RealTime SYSTEM = new RealTime() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                Thread.sleep(Duration.ofNanos(nanos));
            }
        };
    }

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private final double factor;
    private final BigDecimal factorDecimal;
    private final Instant start;
    private final long startNanos;
    private final RealTime realTime;
    /** Where simulated and real time coincide, for clocks made with {@link #fromOrigin}; null otherwise. */
    private final Instant origin;

    private ScaledClock(double factor, Instant start, RealTime realTime) {
        this(factor, start, realTime, null);
    }

    private ScaledClock(double factor, Instant start, RealTime realTime, Instant origin) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor: " + factor + " (expected: > 0 and finite)");
        }
        this.factor = factor;
        this.factorDecimal = BigDecimal.valueOf(factor);
        this.start = requireNonNull(start, "start");
        this.realTime = requireNonNull(realTime, "realTime");
        this.startNanos = realTime.nanoTime();
        this.origin = origin;
    }

    static ScaledClock startingNow(double factor) {
        return of(factor, Instant.now(), RealTime.SYSTEM);
    }

    /** Reads {@code origin + (wall - origin) * factor}, so that clocks with the same factor and origin agree. */
    static ScaledClock fromOrigin(double factor, Instant origin) {
        return fromOrigin(factor, origin, Instant.now(), RealTime.SYSTEM);
    }

    /** As {@link #fromOrigin(double, Instant)} with the real instant {@code wallNow} of this call given. */
    static ScaledClock fromOrigin(double factor, Instant origin, Instant wallNow, RealTime realTime) {
        requireNonNull(origin, "origin");
        ScaledClock probe = of(factor, origin, realTime); // validates the factor
        Duration real = Duration.between(origin, wallNow);
        BigDecimal simulatedNanos = (new BigDecimal(real.getSeconds()).multiply(NANOS_PER_SECOND)
                .add(BigDecimal.valueOf(real.getNano()))).multiply(probe.factorDecimal);
        BigDecimal[] secondsAndNanos = simulatedNanos.divideAndRemainder(NANOS_PER_SECOND);
        Instant start = origin.plusSeconds(secondsAndNanos[0].longValueExact())
                .plusNanos(secondsAndNanos[1].setScale(0, RoundingMode.FLOOR).longValue());
        return new ScaledClock(factor, start, realTime, origin);
    }

    /**
     * A scaled clock whose simulated time is {@code start} at the moment of this call and then runs {@code factor}
     * times faster than {@code realTime}.
     */
    public static ScaledClock of(double factor, Instant start, RealTime realTime) {
        return new ScaledClock(factor, start, realTime);
    }

    /** Convenience for tests: a real time base given by a nanosecond supplier and a sleeper. */
    public static ScaledClock of(double factor, Instant start, LongSupplier nanoTime, Sleeper sleeper) {
        requireNonNull(nanoTime, "nanoTime");
        requireNonNull(sleeper, "sleeper");
        return of(factor, start, new RealTime() {
            @Override
            public long nanoTime() {
                return nanoTime.getAsLong();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                sleeper.sleepNanos(nanos);
            }
        });
    }

    /** Sleeps real nanoseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    public double factor() {
        return factor;
    }

    /** Where simulated and real time coincide (clocks of {@link SimClock#scaled(double, Instant)}); else null. */
    public Instant origin() {
        return origin;
    }

    @Override
    public Instant now() {
        long elapsedReal = realTime.nanoTime() - startNanos;
        return start.plus(scale(elapsedReal));
    }

    private Duration scale(long realNanos) {
        BigDecimal simulatedNanos = BigDecimal.valueOf(realNanos).multiply(factorDecimal);
        BigDecimal[] secondsAndNanos = simulatedNanos.divideAndRemainder(NANOS_PER_SECOND);
        return Duration.ofSeconds(secondsAndNanos[0].longValue(),
                secondsAndNanos[1].setScale(0, RoundingMode.FLOOR).longValue());
    }

    /** Real nanoseconds needed for {@code simulated} to pass, rounded up, at least 1. */
    long realNanosFor(Duration simulated) {
        BigDecimal simulatedNanos = new BigDecimal(simulated.getSeconds()).multiply(NANOS_PER_SECOND)
                .add(BigDecimal.valueOf(simulated.getNano()));
        BigDecimal real = simulatedNanos.divide(factorDecimal, 0, RoundingMode.CEILING);
        return Math.max(1, real.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
    }

    @Override
    public void sleep(Duration simulated) throws InterruptedException {
        requireNonNull(simulated, "simulated");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (simulated.isNegative() || simulated.isZero()) {
            return;
        }
        Instant deadline = now().plus(simulated);
        // Loop: a real sleep may end a little early; simulated time must have reached the deadline on return.
        while (true) {
            Duration remaining = Duration.between(now(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                return;
            }
            realTime.sleepNanos(realNanosFor(remaining));
        }
    }

    @Override
    public ClockTimer schedule(Duration delay, Runnable task) {
        if (realTime != RealTime.SYSTEM) {
            return SimClock.super.schedule(delay, task); // a test's real time: sleep on it like any other wait
        }
        return Timers.onRealTime(delay, task, nanos -> realNanosFor(Duration.ofNanos(nanos)));
    }

    @Override
    public String describe() {
        return "scaled x" + formatFactor(factor);
    }

    static String formatFactor(double factor) {
        if (factor == Math.rint(factor) && Math.abs(factor) < 1e15) {
            return Long.toString((long) factor);
        }
        return BigDecimal.valueOf(factor).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return describe() + (origin != null ? " from " + origin : " (started at " + start + ")");
    }
}
