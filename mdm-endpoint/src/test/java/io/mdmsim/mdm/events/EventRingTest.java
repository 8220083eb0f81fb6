package io.mdmsim.mdm.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The events kept: oldest first, at most the capacity, found after a sequence number wherever the array wrapped. */
class EventRingTest {

    private static EventLog.Event event(long seq) {
        return new EventLog.Event(seq, Instant.EPOCH, "checkin", null, Map.of());
    }

    private static List<Long> after(EventRing ring, long after, int limit) {
        List<EventLog.Event> out = new ArrayList<>();
        ring.addAfter(after, limit, out);
        return out.stream().map(EventLog.Event::seq).toList();
    }

    @Test
    void keepsTheLastCapacityEventsAcrossGrowthAndWrapAround() {
        EventRing ring = new EventRing(3000); // grows 1024 -> 2048 -> 3000, then overwrites
        for (long s = 1; s <= 7000; s++) {
            ring.add(event(s));
        }
        assertEquals(3000, ring.size());
        assertEquals(4001, ring.first().seq());
        assertEquals(7000, ring.get(2999).seq());
        assertEquals(List.of(4001L, 4002L), after(ring, 0, 2), "behind the oldest kept: from the oldest");
        assertEquals(List.of(5000L, 5001L, 5002L), after(ring, 4999, 3));
        assertEquals(LongStream.rangeClosed(6990, 7000).boxed().toList(), after(ring, 6989, 1000));
        assertEquals(List.of(), after(ring, 7000, 10), "nothing after the newest");
    }

    @Test
    void numbersWithHolesAreFoundToo() {
        EventRing ring = new EventRing(10);
        for (long s : new long[] {5, 9, 100_000, 100_001}) {
            ring.add(event(s));
        }
        assertEquals(List.of(9L, 100_000L, 100_001L), after(ring, 5, 10));
        assertEquals(List.of(100_000L), after(ring, 50, 1));
    }

    @Test
    void anEmptyRingHasNothing() {
        EventRing ring = new EventRing(1);
        assertNull(ring.first());
        assertEquals(List.of(), after(ring, 0, 10));
        ring.add(event(1));
        ring.add(event(2));
        assertEquals(List.of(2L), after(ring, 0, 10), "a capacity of one keeps the newest");
    }

    @Test
    void theCapacityIsChecked() {
        assertEquals("capacity: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> new EventRing(0)).getMessage());
    }
}
