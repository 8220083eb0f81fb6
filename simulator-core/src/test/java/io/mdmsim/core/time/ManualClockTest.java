package io.mdmsim.core.time;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void startsWhereToldAndMovesOnlyWhenAdvanced() {
        ManualClock clock = SimClock.manual(START);
        assertEquals(START, clock.now());
        assertEquals(START, clock.now());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(START.plusSeconds(300), clock.now());
        clock.set(START.minusSeconds(10));
        assertEquals(START.minusSeconds(10), clock.now());
        assertEquals("manual", clock.describe());
    }

    @Test
    void advanceWakesASleeperOnlyOnceItsDeadlineIsReached() {
        ManualClock clock = SimClock.manual(START);
        CompletableFuture<Instant> woke = sleepInBackground(clock, Duration.ofSeconds(60));

        await().until(() -> clock.sleepers() == 1);
        assertEquals(Optional.of(START.plusSeconds(60)), clock.nextDeadline());

        clock.advance(Duration.ofSeconds(59));
        // Still asleep: the deadline is one simulated second away.
        assertEquals(1, clock.sleepers());
        assertFalse(woke.isDone());

        clock.advance(Duration.ofSeconds(1));
        await().until(woke::isDone);
        assertEquals(START.plusSeconds(60), woke.join());
        assertEquals(0, clock.sleepers());
        assertEquals(Optional.empty(), clock.nextDeadline());
    }

    @Test
    void oneAdvanceWakesEverySleeperWhoseDeadlinePassed() {
        ManualClock clock = SimClock.manual(START);
        CompletableFuture<Instant> a = sleepInBackground(clock, Duration.ofSeconds(10));
        CompletableFuture<Instant> b = sleepInBackground(clock, Duration.ofSeconds(20));
        CompletableFuture<Instant> c = sleepInBackground(clock, Duration.ofSeconds(90));
        await().until(() -> clock.sleepers() == 3);
        assertEquals(Optional.of(START.plusSeconds(10)), clock.nextDeadline());

        clock.advance(Duration.ofSeconds(30));
        await().until(() -> a.isDone() && b.isDone());
        assertEquals(1, clock.sleepers());
        assertFalse(c.isDone());

        clock.set(START.plusSeconds(90));
        await().until(c::isDone);
    }

    @Test
    void setBackwardsKeepsSleepersWaiting() {
        ManualClock clock = SimClock.manual(START);
        CompletableFuture<Instant> woke = sleepInBackground(clock, Duration.ofSeconds(10));
        await().until(() -> clock.sleepers() == 1);
        clock.set(START.minusSeconds(100));
        assertEquals(1, clock.sleepers());
        assertFalse(woke.isDone());
        clock.set(START.plusSeconds(10));
        await().until(woke::isDone);
    }

    @Test
    void sleepIsInterruptible() {
        ManualClock clock = SimClock.manual(START);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                clock.sleep(Duration.ofHours(1));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        await().until(() -> clock.sleepers() == 1);
        sleeper.interrupt();
        await().until(() -> failure.get() != null);
        assertTrue(failure.get() instanceof InterruptedException, failure.get().toString());
        assertEquals(0, clock.sleepers());
    }

    @Test
    void zeroOrNegativeSleepReturnsAtOnce() throws InterruptedException {
        ManualClock clock = SimClock.manual(START);
        clock.sleep(Duration.ZERO);
        clock.sleep(Duration.ofSeconds(-5));
        assertEquals(START, clock.now());
    }

    @Test
    void rejectsNegativeAdvanceAndNulls() {
        ManualClock clock = SimClock.manual(START);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clock.advance(Duration.ofSeconds(-1)));
        assertEquals("d: PT-1S (expected: >= 0; a clock does not go back, use set())", e.getMessage());
        assertThrows(NullPointerException.class, () -> clock.set(null));
        assertThrows(NullPointerException.class, () -> SimClock.manual(null));
    }

    private static CompletableFuture<Instant> sleepInBackground(ManualClock clock, Duration d) {
        CompletableFuture<Instant> woke = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                clock.sleep(d);
                woke.complete(clock.now());
            } catch (Throwable t) {
                woke.completeExceptionally(t);
            }
        });
        return woke;
    }
}
