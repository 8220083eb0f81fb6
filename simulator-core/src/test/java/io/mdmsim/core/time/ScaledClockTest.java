package io.mdmsim.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScaledClockTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    /** A fake real-time base: sleeping advances it exactly by the requested amount. */
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final List<Long> realSleeps = new ArrayList<>();

    private ScaledClock clock(double factor) {
        return ScaledClock.of(factor, START, nanos::get, n -> {
            realSleeps.add(n);
            nanos.addAndGet(n);
        });
    }

    @Test
    void simulatedTimeRunsFactorTimesFasterFromCreation() {
        ScaledClock clock = clock(60);
        assertEquals(START, clock.now());
        nanos.addAndGet(1_000_000_000L); // one real second
        assertEquals(START.plus(Duration.ofMinutes(1)), clock.now());
        nanos.addAndGet(500_000_000L);
        assertEquals(START.plus(Duration.ofSeconds(90)), clock.now());
    }

    @Test
    void clocksWithTheSameOriginAgreeWhenEverTheyWereStarted() {
        ScaledClock.RealTime real = new ScaledClock.RealTime() {
            @Override
            public long nanoTime() {
                return nanos.get();
            }

            @Override
            public void sleepNanos(long n) {
                nanos.addAndGet(n);
            }
        };
        Instant origin = Instant.parse("2026-12-07T00:00:00Z");
        // one process starts at 10:00:00 real, the other 30 real seconds later
        ScaledClock first = ScaledClock.fromOrigin(60, origin, origin.plus(Duration.ofHours(10)), real);
        nanos.addAndGet(30_000_000_000L);
        ScaledClock second = ScaledClock.fromOrigin(60, origin, origin.plus(Duration.ofHours(10)).plusSeconds(30),
                real);
        assertEquals(origin.plus(Duration.ofHours(600)).plus(Duration.ofMinutes(30)), first.now());
        assertEquals(first.now(), second.now());
        nanos.addAndGet(1_000_000_000L);
        assertEquals(first.now(), second.now());
        assertEquals(origin, second.origin());
        assertEquals("scaled x60 from 2026-12-07T00:00:00Z", second.toString());
    }

    @Test
    void fractionalFactorsKeepNanosecondPrecision() {
        ScaledClock clock = clock(0.5);
        nanos.addAndGet(3);
        assertEquals(START.plusNanos(1), clock.now()); // 1.5 ns floored
        nanos.addAndGet(1_999_999_997L);
        assertEquals(START.plusSeconds(1), clock.now());
    }

    @Test
    void largeFactorsAndLongRunsDoNotOverflow() {
        ScaledClock clock = clock(1_000_000);
        nanos.addAndGet(Duration.ofDays(1).toNanos());
        assertEquals(START.plus(Duration.ofDays(1_000_000)), clock.now());
    }

    @Test
    void sleepSleepsTheSimulatedDurationDividedByTheFactor() throws InterruptedException {
        ScaledClock clock = clock(60);
        clock.sleep(Duration.ofMinutes(10));
        assertEquals(List.of(Duration.ofSeconds(10).toNanos()), realSleeps);
        assertEquals(START.plus(Duration.ofMinutes(10)), clock.now());
    }

    @Test
    void sleepRoundsUpSoTheDeadlineIsReached() throws InterruptedException {
        ScaledClock clock = clock(3);
        clock.sleep(Duration.ofNanos(10));
        assertEquals(List.of(4L), realSleeps); // 10/3 = 3.33 -> 4 real ns
        assertTrue(!clock.now().isBefore(START.plusNanos(10)));
    }

    @Test
    void sleepThatWakesEarlyContinuesUntilTheDeadline() throws InterruptedException {
        // This real-time base wakes after half the requested time.
        ScaledClock clock = ScaledClock.of(2, START, nanos::get, n -> {
            realSleeps.add(n);
            nanos.addAndGet(Math.max(1, n / 2));
        });
        clock.sleep(Duration.ofSeconds(8));
        assertEquals(4_000_000_000L, realSleeps.get(0));
        assertTrue(realSleeps.size() > 1);
        assertTrue(!clock.now().isBefore(START.plusSeconds(8)));
    }

    @Test
    void zeroAndNegativeSleepsDoNotSleep() throws InterruptedException {
        ScaledClock clock = clock(10);
        clock.sleep(Duration.ZERO);
        clock.sleep(Duration.ofSeconds(-1));
        assertEquals(List.of(), realSleeps);
    }

    @Test
    void sleepOfAnInterruptedThreadThrows() {
        ScaledClock clock = clock(10);
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> clock.sleep(Duration.ofSeconds(1)));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void describesItsFactor() {
        assertEquals("scaled x60", clock(60).describe());
        assertEquals("scaled x2.5", clock(2.5).describe());
        assertEquals("scaled x1", SimClock.scaled(1).describe());
        assertEquals("wall", SimClock.system().describe());
    }

    @Test
    void rejectsFactorsThatAreNotPositiveAndFinite() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimClock.scaled(bad));
            assertEquals("factor: " + bad + " (expected: > 0 and finite)", e.getMessage());
        }
    }

    @Test
    void systemScaledClockStartsNearWallTimeAndMovesForward() {
        // No wall-clock assertion beyond monotonicity.
        SimClock clock = SimClock.scaled(1000);
        Instant first = clock.now();
        Instant second = clock.now();
        assertTrue(!second.isBefore(first));
    }
}
