package io.mdmsim.core.time;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Timers on the simulated clock: a manual clock runs them in due order, on demand, without threads until due. */
class ClockTimersTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void aManualClockRunsItsTimersInDueOrderAtTheirTimeUntilIdle() {
        ManualClock clock = SimClock.manual(T0);
        List<String> ran = new CopyOnWriteArrayList<>();
        clock.schedule(Duration.ofSeconds(10), () -> ran.add("b@" + clock.now()));
        clock.schedule(Duration.ofSeconds(5), () -> ran.add("a@" + clock.now()));
        clock.schedule(Duration.ofSeconds(20), () -> ran.add("c@" + clock.now()));
        assertEquals(3, clock.timers());
        assertEquals(T0.plusSeconds(5), clock.nextTimer().orElseThrow());
        assertEquals(T0.plusSeconds(5), clock.nextWake().orElseThrow(), "timers are something to wake for");
        assertTrue(clock.nextDeadline().isEmpty(), "timers are not sleepers");
        assertEquals(List.of(), ran, "nothing runs before the clock moves");

        assertEquals(3, clock.runUntilIdle());
        assertEquals(List.of("a@" + T0.plusSeconds(5), "b@" + T0.plusSeconds(10), "c@" + T0.plusSeconds(20)), ran);
        assertEquals(T0.plusSeconds(20), clock.now());
        assertEquals(0, clock.timers());
    }

    @Test
    void aCancelledTimerNeverRunsAndADueOneRunsWhenTheClockPassesIt() {
        ManualClock clock = SimClock.manual(T0);
        AtomicInteger runs = new AtomicInteger();
        ClockTimer cancelled = clock.schedule(Duration.ofMinutes(1), runs::incrementAndGet);
        ClockTimer kept = clock.schedule(Duration.ofMinutes(2), runs::incrementAndGet);
        assertTrue(cancelled.cancel());
        assertFalse(cancelled.cancel(), "a second cancel has nothing left to cancel");
        assertTrue(cancelled.isDone());
        assertEquals(1, clock.timers());
        clock.advance(Duration.ofMinutes(3));
        await().until(() -> runs.get() == 1);
        assertTrue(kept.isDone());
        assertFalse(kept.cancel(), "a started timer cannot be cancelled");
    }

    @Test
    void aRepeatingTimerRunsEveryPeriodUntilALimitAndIsNeverIdle() {
        ManualClock clock = SimClock.manual(T0);
        List<Instant> runs = new CopyOnWriteArrayList<>();
        ClockTimer t = clock.scheduleRepeatedly(Duration.ofHours(1), Duration.ofHours(12),
                () -> runs.add(clock.now()));
        assertEquals(3, clock.runUntil(T0.plus(Duration.ofHours(30))));
        assertEquals(List.of(T0.plusSeconds(3600), T0.plusSeconds(13 * 3600), T0.plusSeconds(25 * 3600)), runs);
        assertEquals(T0.plus(Duration.ofHours(30)), clock.now(), "the clock stops at the limit");
        var e = assertThrows(IllegalStateException.class, clock::runUntilIdle);
        assertEquals("more than 100000 timers without the clock getting idle (a repeating timer?); use"
                + " runUntil(limit)", e.getMessage());
        assertTrue(t.cancel());
        int before = runs.size();
        assertEquals(0, clock.runUntil(clock.now().plus(Duration.ofDays(10))));
        assertEquals(before, runs.size());
    }

    @Test
    void aTimerThatSleepsOnTheClockIsWaitedForAndFinishes() {
        ManualClock clock = SimClock.manual(T0);
        List<Instant> seen = new CopyOnWriteArrayList<>();
        clock.schedule(Duration.ofSeconds(1), () -> {
            seen.add(clock.now());
            try {
                clock.sleep(Duration.ofSeconds(30)); // a retry-after inside a sync round
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            seen.add(clock.now());
        });
        clock.schedule(Duration.ofSeconds(10), () -> seen.add(clock.now()));
        clock.runUntil(T0.plusSeconds(60));
        await().until(() -> seen.size() == 3);
        // the second timer runs while the first sleeps; the first wakes when the clock stops at the limit
        assertEquals(List.of(T0.plusSeconds(1), T0.plusSeconds(10), T0.plusSeconds(60)), seen);
    }

    @Test
    void aFailingTimerDoesNotStopTheOthers() {
        ManualClock clock = SimClock.manual(T0);
        AtomicInteger runs = new AtomicInteger();
        clock.schedule(Duration.ofSeconds(1), () -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        clock.schedule(Duration.ofSeconds(2), runs::incrementAndGet);
        assertEquals(2, clock.runUntilIdle());
        assertEquals(1, runs.get());
    }

    @Test
    void wallAndScaledClocksRunTimersOnRealTime() {
        AtomicInteger runs = new AtomicInteger();
        SimClock.system().schedule(Duration.ofMillis(1), runs::incrementAndGet);
        SimClock.scaled(10_000).schedule(Duration.ofSeconds(5), runs::incrementAndGet);
        await().until(() -> runs.get() == 2);
        ClockTimer far = SimClock.system().schedule(Duration.ofDays(1), runs::incrementAndGet);
        assertTrue(far.cancel());
        assertTrue(far.isDone());
    }

    @Test
    void aPeriodMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SimClock.manual(T0).scheduleRepeatedly(Duration.ZERO, Duration.ZERO, () -> { }));
        assertEquals("period: PT0S (expected: > 0)", e.getMessage());
    }
}
