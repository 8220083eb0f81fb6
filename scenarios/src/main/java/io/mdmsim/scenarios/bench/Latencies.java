package io.mdmsim.scenarios.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency per stage, one HdrHistogram each (microseconds, three significant digits), recorded from any thread. Stages
 * are reported in the order they were first named.
 */
final class Latencies {

    private final Map<String, Histogram> byStage = new ConcurrentHashMap<>();
    private final Map<String, Integer> order = new ConcurrentHashMap<>();

    /** Names a stage up front, so that it keeps its place in the report even if it is first recorded late. */
    Latencies declare(String stage) {
        histogram(stage);
        return this;
    }

    void record(String stage, Duration took) {
        record(stage, took.toNanos());
    }

    void record(String stage, long nanos) {
        histogram(stage).recordValue(Math.max(0, nanos / 1_000));
    }

    long count(String stage) {
        Histogram h = byStage.get(stage);
        return h == null ? 0 : h.getTotalCount();
    }

    /** Per stage: count, p50/p95/p99/max/mean in milliseconds; stages with no value are left out. */
    Map<String, Map<String, Object>> summary() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        order.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            Histogram h = byStage.get(e.getKey());
            if (h.getTotalCount() == 0) {
                return;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("count", h.getTotalCount());
            s.put("p50Ms", ms(h.getValueAtPercentile(50)));
            s.put("p95Ms", ms(h.getValueAtPercentile(95)));
            s.put("p99Ms", ms(h.getValueAtPercentile(99)));
            s.put("maxMs", ms(h.getMaxValue()));
            s.put("meanMs", Math.round(h.getMean() / 10.0) / 100.0);
            out.put(e.getKey(), s);
        });
        return out;
    }

    private Histogram histogram(String stage) {
        return byStage.computeIfAbsent(stage, s -> {
            synchronized (order) {
                order.putIfAbsent(s, order.size());
            }
            ConcurrentHistogram h = new ConcurrentHistogram(3);
            return h;
        });
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
