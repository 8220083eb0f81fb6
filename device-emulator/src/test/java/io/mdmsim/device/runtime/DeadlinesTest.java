package io.mdmsim.device.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Stage;
import io.mdmsim.device.Timeouts;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What counts against a stage's timeout: waiting between exchanges, not the exchanges nor the user's pauses. */
class DeadlinesTest {

    private final ManualClock clock = SimClock.manual(Instant.parse("2026-03-02T09:00:00Z"));
    private final Deadlines deadlines = new Deadlines(clock,
            Timeouts.DEFAULT.withStage(Stage.SCEP, Duration.ofMinutes(15)));

    @Test
    void aSlowExchangeDoesNotCountButWaitingDoes() throws Exception {
        deadlines.startRun();
        deadlines.enterStage(Stage.SCEP);
        deadlines.beforeExchange();
        clock.advance(Duration.ofMinutes(20)); // a real second at x60 is a simulated minute on a busy machine
        deadlines.afterExchange();
        clock.advance(Duration.ofMinutes(14));
        deadlines.beforeExchange(); // 14 minutes of waiting: still inside the 15
        deadlines.afterExchange();
        clock.advance(Duration.ofMinutes(2));
        Deadlines.DeadlineReached e = assertThrows(Deadlines.DeadlineReached.class, deadlines::beforeExchange);
        assertEquals("no progress within the SCEP timeout of 15m", e.getMessage());
        assertEquals(Stage.SCEP, deadlines.expired().stage());
    }

    @Test
    void theUsersPausesMoveTheDeadline() throws Exception {
        deadlines.startRun();
        deadlines.enterStage(Stage.SCEP);
        deadlines.extend(Duration.ofMinutes(16)); // the user waits 16 minutes before SCEP
        clock.advance(Duration.ofMinutes(30));
        deadlines.beforeExchange(); // 30 minutes: inside 15 + 16
        deadlines.afterExchange();
        clock.advance(Duration.ofMinutes(2));
        assertThrows(Deadlines.DeadlineReached.class, deadlines::beforeExchange, "32 minutes: past 15 + 16");
    }

    @Test
    void theRunsDeadlineCountsEverything() throws Exception {
        Deadlines run = new Deadlines(clock, Timeouts.DEFAULT.withDeadline(Duration.ofMinutes(10)));
        run.startRun();
        run.enterStage(Stage.MACHINE_INFO);
        run.beforeExchange();
        clock.advance(Duration.ofMinutes(11));
        Deadlines.DeadlineReached e = assertThrows(Deadlines.DeadlineReached.class, run::afterExchange);
        assertEquals("the run's deadline of 10m passed", e.getMessage());
    }

    @Test
    void aSleepEndsAtTheDeadline() throws Exception {
        deadlines.startRun();
        deadlines.enterStage(Stage.SCEP);
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                deadlines.clock().sleep(Duration.ofHours(1));
            } catch (Deadlines.DeadlineReached expected) {
                return;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            throw new AssertionError("slept past the deadline");
        });
        org.awaitility.Awaitility.await().until(() -> clock.sleepers() == 1);
        clock.advance(Duration.ofMinutes(15));
        sleeper.join(10_000);
        assertEquals(false, sleeper.isAlive());
        assertEquals(Instant.parse("2026-03-02T09:15:00Z"), clock.now());
    }
}
