package io.mdmsim.mdm.events;

import java.util.List;

/**
 * The last {@code capacity} events, oldest first, in a circular array that grows as events come (doubling, up to the
 * capacity) and then overwrites the oldest. Sequence numbers only grow, so the first event after a number is found by
 * binary search: a reader's poll costs what it reads, not the whole buffer. Not thread-safe (the log's lock guards it).
 */
final class EventRing {

    private static final int INITIAL = 1024;

    private final int capacity;
    private EventLog.Event[] items;
    /** Index of the oldest event in {@link #items}. */
    private int head;
    private int size;

    EventRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.items = new EventLog.Event[Math.min(capacity, INITIAL)];
    }

    /** Appends {@code e} (its seq above every kept one's), dropping the oldest when full. */
    void add(EventLog.Event e) {
        if (size == items.length && size < capacity) {
            EventLog.Event[] grown = new EventLog.Event[(int) Math.min(capacity, 2L * items.length)];
            for (int i = 0; i < size; i++) {
                grown[i] = get(i);
            }
            items = grown;
            head = 0;
        }
        if (size == capacity) {
            items[head] = e;
            head = (head + 1) % items.length;
        } else {
            items[(head + size) % items.length] = e;
            size++;
        }
    }

    int size() {
        return size;
    }

    /** The {@code i}-th kept event, 0 the oldest. */
    EventLog.Event get(int i) {
        return items[(head + i) % items.length];
    }

    /** The oldest kept event, or null. */
    EventLog.Event first() {
        return size == 0 ? null : get(0);
    }

    /** Adds the kept events with {@code seq > after}, oldest first, to {@code out} until it holds {@code limit}. */
    void addAfter(long after, int limit, List<EventLog.Event> out) {
        int lo = 0;
        int hi = size;
        while (lo < hi) { // the first index whose seq is above after
            int mid = (lo + hi) >>> 1;
            if (get(mid).seq() <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < size && out.size() < limit; i++) {
            out.add(get(i));
        }
    }
}
