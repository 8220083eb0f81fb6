package io.mdmsim.abm.state;

import java.time.Instant;

/**
 * A position in an MDM server's device log: when the change became visible to the MDM server, then the order in
 * which changes were recorded. Cursors are such positions; everything at or before a cursor has been delivered.
 */
public record EventKey(long epochNanos, long seq) implements Comparable<EventKey> {

    public static final EventKey MIN = new EventKey(Long.MIN_VALUE, Long.MIN_VALUE);

    static EventKey of(Instant at, long seq) {
        return new EventKey(nanos(at), seq);
    }

    public static long nanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }

    public Instant instant() {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** True if the change at this position is visible at {@code now}. */
    boolean visibleAt(Instant now) {
        return epochNanos <= nanos(now);
    }

    @Override
    public int compareTo(EventKey o) {
        int c = Long.compare(epochNanos, o.epochNanos);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
