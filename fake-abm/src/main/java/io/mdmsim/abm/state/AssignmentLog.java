package io.mdmsim.abm.state;

import static io.mdmsim.abm.state.AbmTables.OPS;
import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.AbmState.DeviceView;
import io.mdmsim.abm.state.AbmState.FetchPage;
import io.mdmsim.abm.state.AbmState.SyncPage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading the per-server assignment log: the pages of a fetch (the devices assigned and visible within a snapshot)
 * and of a sync (the changes after a cursor that are visible now, assignments and later changes merged in log order),
 * each a binary search into the server's two logs plus a walk, never a scan of the inventory; and the counts of
 * devices made visible per time bucket. Not thread-safe: every caller holds {@link AbmState}'s lock.
 */
final class AssignmentLog {

    private final AbmTables t;

    AssignmentLog(AbmTables tables) {
        this.t = requireNonNull(tables, "tables");
    }

    /** The position that closes a fetch snapshot taken now: every change recorded and visible so far. */
    EventKey snapshot() {
        return EventKey.of(t.now(), t.seq);
    }

    /**
     * One page of a fetch: devices currently assigned (and visible) to the server whose assignment position lies in
     * {@code (after, high]}, oldest first.
     */
    FetchPage fetch(ServerEntry s, EventKey high, EventKey after, int limit) {
        List<DeviceView> page = new ArrayList<>(Math.min(limit, 1024));
        EventKey last = after;
        int i = s.members.firstAfter(after);
        for (; i < s.members.size() && s.members.compare(i, high.epochNanos(), high.seq()) <= 0; i++) {
            if (!isLive(s, i)) {
                continue;
            }
            if (page.size() == limit) {
                break;
            }
            page.add(t.view(s.members.device(i), s, null, null));
            last = s.members.key(i);
        }
        return new FetchPage(List.copyOf(page), high, last, nextLive(s, i, high) >= 0);
    }

    /** True if a fetch with this snapshot has nothing left after {@code after}. */
    boolean fetchExhausted(ServerEntry s, EventKey high, EventKey after) {
        return nextLive(s, s.members.firstAfter(after), high) < 0;
    }

    private int nextLive(ServerEntry s, int from, EventKey high) {
        for (int i = from; i < s.members.size() && s.members.compare(i, high.epochNanos(), high.seq()) <= 0; i++) {
            if (isLive(s, i)) {
                return i;
            }
        }
        return -1;
    }

    /** True if member entry {@code i} is the device's current assignment to {@code s}. */
    private boolean isLive(ServerEntry s, int i) {
        int d = s.members.device(i);
        return t.server[d] == s.index && t.addSeq[d] == s.members.seq(i);
    }

    /**
     * Per server, how many of its assignments ({@code added} records, not cancelled) became visible in each of
     * {@code buckets} buckets of {@code stepNanos} from {@code fromNanos}, up to (not including) {@code untilNanos}.
     */
    Map<String, long[]> visibleCounts(long fromNanos, long stepNanos, int buckets, long untilNanos) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (ServerEntry s : t.servers) {
            long[] counts = new long[buckets];
            for (int i = s.members.firstAfter(new EventKey(fromNanos, -1)); i < s.members.size(); i++) {
                long at = s.members.nanos(i);
                if (at >= untilNanos) {
                    break;
                }
                if ((s.members.flags(i) & KeyLog.CANCELLED) == 0) {
                    long b = (at - fromNanos) / stepNanos;
                    if (b < buckets) {
                        counts[(int) b]++;
                    }
                }
            }
            out.put(s.name, counts);
        }
        return out;
    }

    /** The earliest time any assignment became visible, before {@code untilNanos}; Long.MAX_VALUE if none did. */
    long firstVisibleNanos(long untilNanos) {
        long first = Long.MAX_VALUE;
        for (ServerEntry s : t.servers) {
            for (int i = 0; i < s.members.size() && s.members.nanos(i) < untilNanos; i++) {
                if ((s.members.flags(i) & KeyLog.CANCELLED) == 0) {
                    first = Math.min(first, s.members.nanos(i));
                    break;
                }
            }
        }
        return first;
    }

    /** One page of changes after {@code after} that are visible now, in log order. */
    SyncPage sync(ServerEntry s, EventKey after, int limit) {
        long nowNanos = EventKey.nanos(t.now());
        List<DeviceView> page = new ArrayList<>(Math.min(limit, 1024));
        EventKey position = after;
        boolean more = false;
        int a = s.members.firstAfter(after);
        int c = s.changes.firstAfter(after);
        while (true) {
            while (a < s.members.size() && (s.members.flags(a) & KeyLog.CANCELLED) != 0) {
                a++;
            }
            boolean haveA = a < s.members.size();
            boolean haveC = c < s.changes.size();
            if (!haveA && !haveC) {
                break;
            }
            boolean takeA = haveA && (!haveC || s.members.compare(a, s.changes.nanos(c), s.changes.seq(c)) < 0);
            KeyLog log = takeA ? s.members : s.changes;
            int e = takeA ? a : c;
            if (log.nanos(e) > nowNanos) {
                break;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            EventKey key = log.key(e);
            page.add(t.view(log.device(e), s, OPS[log.op(e)], key.instant()));
            position = key;
            if (takeA) {
                a++;
            } else {
                c++;
            }
        }
        return new SyncPage(List.copyOf(page), position, more);
    }
}
