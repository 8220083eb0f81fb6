package io.mdmsim.mdm.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.mdm.queue.CommandQueue.ReportOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommandQueueTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final CommandQueue queue = new CommandQueue();

    private void add(String uuid) {
        queue.enqueue(uuid, "DeviceInformation", uuid.getBytes(StandardCharsets.UTF_8), T0);
    }

    @Test
    void servesOldestPendingAndResendsAnUnreportedCommand() {
        add("a");
        add("b");
        assertEquals("a", queue.next(false, T0).orElseThrow().commandUuid());
        // The device polled Idle again without reporting "a" (connection dropped): "a" goes out again.
        var again = queue.next(false, T0).orElseThrow();
        assertEquals("a", again.commandUuid());
        assertEquals(2, again.view().timesSent());
        assertEquals(ReportOutcome.COMPLETED, queue.report("a", CommandState.ACKNOWLEDGED, "Acknowledged", null, T0));
        assertEquals("b", queue.next(false, T0).orElseThrow().commandUuid());
        assertEquals(ReportOutcome.COMPLETED, queue.report("b", CommandState.ERROR, "Error", null, T0));
        assertTrue(queue.next(false, T0).isEmpty());
    }

    @Test
    void firstTerminalStateWinsAndRepeatsAreHarmless() {
        add("a");
        queue.next(false, T0);
        assertEquals(ReportOutcome.COMPLETED, queue.report("a", CommandState.ACKNOWLEDGED, "Acknowledged", "r1", T0));
        assertEquals(ReportOutcome.REPEATED, queue.report("a", CommandState.ACKNOWLEDGED, "Acknowledged", "r2", T0));
        assertEquals(ReportOutcome.CONFLICTING, queue.report("a", CommandState.ERROR, "Error", "r3", T0));
        assertEquals(ReportOutcome.LATE, queue.report("a", CommandState.NOT_NOW, "NotNow", null, T0));
        var view = queue.history().getFirst();
        assertEquals(CommandState.ACKNOWLEDGED, view.state());
        assertEquals("r1", view.result());
        assertEquals(0, queue.pendingCount());
    }

    @Test
    void notNowStaysQueuedAndIsSkippedUntilTheNextIdle() {
        add("a");
        add("b");
        queue.next(false, T0);
        assertEquals(ReportOutcome.DEFERRED, queue.report("a", CommandState.NOT_NOW, "NotNow", null, T0));
        assertEquals("b", queue.next(true, T0).orElseThrow().commandUuid());
        assertEquals(ReportOutcome.DEFERRED, queue.report("b", CommandState.NOT_NOW, "NotNow", null, T0));
        assertTrue(queue.next(true, T0).isEmpty(), "after NotNow only commands not deferred are offered");
        assertEquals("a", queue.next(false, T0).orElseThrow().commandUuid(), "Idle offers deferred commands again");
    }

    @Test
    void unknownCommandAndDuplicateUuid() {
        assertEquals(ReportOutcome.UNKNOWN, queue.report("nope", CommandState.ACKNOWLEDGED, "Acknowledged", null, T0));
        add("a");
        var e = assertThrows(IllegalArgumentException.class, () -> add("a"));
        assertTrue(e.getMessage().contains("already queued"), e.getMessage());
    }

    @Test
    void cancelEndsEveryPendingCommandOnce() {
        add("a");
        add("b");
        queue.next(false, T0);
        queue.report("a", CommandState.ACKNOWLEDGED, "Acknowledged", null, T0);
        assertEquals(1, queue.cancelPending("device re-enrolled", T0));
        assertEquals(CommandState.ACKNOWLEDGED, queue.get("a").orElseThrow().state());
        assertEquals(CommandState.CANCELED, queue.get("b").orElseThrow().state());
        assertEquals(ReportOutcome.CONFLICTING, queue.report("b", CommandState.ACKNOWLEDGED, "Acknowledged", null, T0));
        assertTrue(queue.next(false, T0).isEmpty());
    }
}
