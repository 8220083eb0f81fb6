package io.mdmsim.mdm.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdmsim.core.time.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events are not dropped silently: a reader further behind than the log keeps gets a gap event first. */
class EventLogGapTest {

    private final EventLog log = new EventLog(SimClock.manual(Instant.parse("2026-03-02T09:00:00Z")), 3);

    @Test
    void aReaderBehindTheOldestKeptEventGetsAGapSayingHowManyItMissed() throws Exception {
        for (int i = 1; i <= 5; i++) {
            log.emit("checkin", "UDID-" + i, "n", i);
        }
        List<EventLog.Event> all = log.after(0, 100, Duration.ZERO);
        assertEquals(List.of(2L, 3L, 4L, 5L), all.stream().map(EventLog.Event::seq).toList());
        EventLog.Event gap = all.getFirst();
        assertEquals(EventLog.GAP, gap.type());
        assertEquals(0L, gap.data().get("after"));
        assertEquals(2L, gap.data().get("dropped"));
        assertEquals(3, gap.data().get("kept"));
        assertEquals("2 events after seq 0 are no longer kept (the server keeps the last 3; mdmsim mdm --event-buffer N"
                + " keeps more); the next event is seq 3", gap.data().get("reason"));

        // going on from the gap's seq reads on without another one
        assertEquals(List.of(3L, 4L, 5L), log.after(gap.seq(), 100, Duration.ZERO).stream()
                .map(EventLog.Event::seq).toList());
        assertEquals(List.of(4L, 5L), log.after(3, 100, Duration.ZERO).stream().map(EventLog.Event::seq).toList());
        assertEquals(List.of(2L), log.after(0, 1, Duration.ZERO).stream().map(EventLog.Event::seq).toList(),
                "a limit of one is the gap alone");
    }

    @Test
    void aReaderThatKeptUpGetsNoGap() throws Exception {
        log.emit("checkin", null, "n", 1);
        log.emit("checkin", null, "n", 2);
        assertEquals(List.of("checkin", "checkin"), log.after(0, 100, Duration.ZERO).stream()
                .map(EventLog.Event::type).toList());
    }

    @Test
    void theCapacityIsChecked() {
        assertEquals("capacity: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> new EventLog(SimClock.system(), 0)).getMessage());
    }
}
