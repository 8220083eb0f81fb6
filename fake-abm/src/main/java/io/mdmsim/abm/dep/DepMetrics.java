package io.mdmsim.abm.dep;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.EventKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The DEP side of a load test, per MDM server and time bucket: devices the fake ABM made visible to the server's DEP
 * API (each assignment at its place in the server's paced queue) and device records the MDM fetched or synced
 * ({@code POST /server/devices}, {@code POST /devices/sync}). Served by {@code GET /admin/dep/metrics}; kept in
 * memory (a restarted fake ABM counts fetches from its start again).
 *
 * <p>Fetches are counted per millisecond of the simulated clock, at most {@link #MAX_ENTRIES} milliseconds with
 * fetches per server (the oldest are dropped past that).
 */
public final class DepMetrics {

    /** A query may ask for at most this many buckets. */
    static final int MAX_BUCKETS = 100_000;
    static final int MAX_ENTRIES = 1_000_000;

    private final AbmState state;
    private final Map<String, TreeMap<Long, Long>> fetchedPerMilli = new HashMap<>();

    public DepMetrics(AbmState state) {
        this.state = requireNonNull(state, "state");
    }

    /** The MDM behind {@code server} received {@code devices} device records at {@code at}. */
    synchronized void fetched(String server, Instant at, int devices) {
        if (devices <= 0) {
            return;
        }
        TreeMap<Long, Long> millis = fetchedPerMilli.computeIfAbsent(server, s -> new TreeMap<>());
        millis.merge(at.toEpochMilli(), (long) devices, Long::sum);
        if (millis.size() > MAX_ENTRIES) {
            millis.pollFirstEntry();
        }
    }

    /** {@code GET /admin/dep/metrics}: per MDM server, devices made visible and fetched in each interval. */
    public record Report(String from, String until, String step, List<Server> servers) {
    }

    /** One MDM server's totals over the span and its intervals. */
    public record Server(String name, long visible, long fetched, List<Bucket> buckets) {
    }

    /** One interval, from {@code start} for one step. */
    public record Bucket(String start, long visible, long fetched) {
    }

    /**
     * Figures per server in buckets of {@code step} from {@code from} (default: the first visible or fetched device,
     * at a whole step) to {@code until} (default: now), as the admin API answers them.
     */
    public Report report(Instant from, Instant until, Duration step) {
        requireNonNull(step, "step");
        if (step.isNegative() || step.toMillis() < 1000) {
            throw new IllegalArgumentException("step: " + step + " (expected: at least PT1S)");
        }
        Instant end = until != null ? until : state.now();
        Map<String, TreeMap<Long, Long>> fetched = fetchedCopy();
        Instant start = from;
        if (start == null) {
            long first = state.firstVisibleNanos(EventKey.nanos(end));
            for (TreeMap<Long, Long> f : fetched.values()) {
                if (!f.isEmpty()) {
                    first = Math.min(first, f.firstKey() * 1_000_000L);
                }
            }
            long stepNanos = step.toNanos();
            start = first == Long.MAX_VALUE ? end : instant(Math.floorDiv(first, stepNanos) * stepNanos);
        }
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("until: " + end + " (expected: not before from " + start + ")");
        }
        long span = Duration.between(start, end).toNanos();
        long buckets = Math.max(1, (span + step.toNanos() - 1) / step.toNanos());
        if (buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("step: " + step + " gives " + buckets + " buckets from " + start
                    + " to " + end + " (expected: at most " + MAX_BUCKETS + "; use a longer step or a shorter span)");
        }
        long fromNanos = EventKey.nanos(start);
        long stepNanos = step.toNanos();
        Map<String, long[]> visible = state.visibleCounts(fromNanos, stepNanos, (int) buckets, EventKey.nanos(end));
        TreeSet<String> servers = new TreeSet<>(visible.keySet());
        servers.addAll(fetched.keySet());
        List<Server> out = new ArrayList<>();
        for (String server : servers) {
            long[] v = visible.getOrDefault(server, new long[(int) buckets]);
            long[] f = new long[(int) buckets];
            for (Map.Entry<Long, Long> e : fetched.getOrDefault(server, new TreeMap<>()).entrySet()) {
                long at = e.getKey() * 1_000_000L;
                if (at + 1_000_000L <= fromNanos || at >= EventKey.nanos(end)) {
                    continue; // outside the span (a millisecond that holds the start counts in it)
                }
                long b = Math.floorDiv(Math.max(at, fromNanos) - fromNanos, stepNanos);
                if (b < buckets) {
                    f[(int) b] += e.getValue();
                }
            }
            List<Bucket> rows = new ArrayList<>();
            long totalVisible = 0;
            long totalFetched = 0;
            for (int b = 0; b < buckets; b++) {
                rows.add(new Bucket(instant(fromNanos + b * stepNanos).toString(), v[b], f[b]));
                totalVisible += v[b];
                totalFetched += f[b];
            }
            out.add(new Server(server, totalVisible, totalFetched, rows));
        }
        return new Report(start.toString(), end.toString(), step.toString(), out);
    }

    private static Instant instant(long epochNanos) {
        return new EventKey(epochNanos, 0).instant();
    }

    private synchronized Map<String, TreeMap<Long, Long>> fetchedCopy() {
        Map<String, TreeMap<Long, Long>> copy = new HashMap<>();
        fetchedPerMilli.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
        return copy;
    }
}
