package io.mdmsim.mdm.events;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What happened on the server, in order: every check-in, command report, enrollment, SCEP exchange, queued command
 * and push is one {@link Event} with a sequence number. Keeps the last {@code capacity} events for
 * {@code GET /admin/events} (long-poll with {@code ?after=<seq>}); the webhook reads it the same way, so it sees the
 * events in order. Nothing is dropped silently: a reader whose {@code after} is older than the oldest event kept gets a
 * {@value #GAP} event first that says how many were dropped.
 */
public final class EventLog {

    /**
     * One event.
     *
     * @param seq 1, 2, 3 ... in the order the server recorded them
     * @param time simulated time
     * @param type "checkin", "report", "enroll", "scep", "command", "push"
     * @param udid the device, when known
     * @param data the type's fields (JSON values)
     */
    public record Event(long seq, Instant time, String type, String udid, Map<String, Object> data) {
        public Event {
            requireNonNull(time, "time");
            requireNonNull(type, "type");
            data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }

        /** The JSON object of this event: seq, time, type, udid, then the data fields. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", seq);
            m.put("time", time.toString());
            m.put("type", type);
            m.put("udid", udid);
            m.putAll(data);
            return m;
        }
    }

    /** The type of the event that stands for events no longer kept. */
    public static final String GAP = "gap";

    private final SimClock clock;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final EventRing recent;
    private long lastSeq;
    /** Sequence numbers up to this one are reserved in the store; the next one needs a new reservation. */
    private long reservedUpTo = Long.MAX_VALUE;
    private long reservationBlock;
    private java.util.function.LongConsumer reserve;

    public EventLog(SimClock clock, int capacity) {
        this.clock = requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.recent = new EventRing(capacity);
    }

    /**
     * Numbers the events of this run on from {@code lastSeqBefore} (what an earlier run reserved), and reserves
     * numbers {@code block} at a time through {@code reserve} (which keeps the highest reserved number for the next
     * run): a client that read events up to some number before a restart sees the new ones after it.
     */
    public void continueAfter(long lastSeqBefore, long block, java.util.function.LongConsumer reserve) {
        if (lastSeqBefore < 0 || block < 1) {
            throw new IllegalArgumentException("lastSeqBefore: " + lastSeqBefore + ", block: " + block
                    + " (expected: >= 0 and >= 1)");
        }
        lock.lock();
        try {
            lastSeq = Math.max(lastSeq, lastSeqBefore);
            reservedUpTo = lastSeq;
            reservationBlock = block;
            this.reserve = requireNonNull(reserve, "reserve");
        } finally {
            lock.unlock();
        }
    }

    /** Records an event now; {@code data} values must be JSON-friendly (null values are left out). */
    public Event emit(String type, String udid, Map<String, ?> data) {
        Map<String, Object> clean = new LinkedHashMap<>();
        data.forEach((k, v) -> {
            if (v != null) {
                clean.put(k, v);
            }
        });
        Event e;
        lock.lock();
        try {
            if (lastSeq >= reservedUpTo) {
                reservedUpTo = lastSeq + reservationBlock; // once per block: the only write under this lock
                try {
                    reserve.accept(reservedUpTo);
                } catch (RuntimeException failed) {
                    System.getLogger(EventLog.class.getName()).log(System.Logger.Level.WARNING, "event numbers up to "
                            + reservedUpTo + " could not be reserved (a restart may number events again): "
                            + failed.getMessage());
                }
            }
            e = new Event(++lastSeq, clock.now(), type, udid, clean);
            recent.add(e);
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        return e;
    }

    /** Shorthand for {@link #emit(String, String, Map)} with alternating keys and values. */
    public Event emit(String type, String udid, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keysAndValues: " + keysAndValues.length + " items (expected: pairs)");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return emit(type, udid, m);
    }

    /**
     * Events with {@code seq > after}, oldest first, at most {@code limit}; if there are none yet, waits up to
     * {@code wait} (real time: this is transport, not protocol time) for the next one.
     */
    public List<Event> after(long after, int limit, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (lastSeq <= after) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                appended.await(left, TimeUnit.NANOSECONDS);
            }
            List<Event> out = new ArrayList<>();
            long first = recent.size() == 0 ? lastSeq + 1 : recent.first().seq();
            if (after < first - 1) {
                out.add(gap(after, first));
                if (out.size() == limit) {
                    return out;
                }
            }
            recent.addAfter(after, limit, out);
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Events {@code after + 1 .. first - 1} are no longer kept: one event in their place, with the last of their
     * sequence numbers (so a reader goes on from it) and the time of the oldest event kept.
     */
    private Event gap(long after, long first) {
        long dropped = first - 1 - after;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("after", after);
        data.put("dropped", dropped);
        data.put("kept", capacity);
        data.put("reason", dropped + " events after seq " + after + " are no longer kept (the server keeps the last "
                + capacity + "; mdmsim mdm --event-buffer N keeps more); the next event is seq " + first);
        Instant at = recent.size() == 0 ? clock.now() : recent.first().time();
        return new Event(first - 1, at, GAP, null, data);
    }

    /** The oldest event still kept, or 0 when there is none. */
    long firstSeq() {
        lock.lock();
        try {
            return recent.size() == 0 ? 0 : recent.first().seq();
        } finally {
            lock.unlock();
        }
    }

    long lastSeq() {
        lock.lock();
        try {
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }
}
