package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Simulated durations of one stage over the devices that completed it. Percentiles are nearest-rank.
 */
public record StageStats(Stage stage, int count, Duration min, Duration p50, Duration p95, Duration p99, Duration max,
                         Duration mean) {

    public StageStats {
        requireNonNull(stage, "stage");
        requireNonNull(min, "min");
        requireNonNull(p50, "p50");
        requireNonNull(p95, "p95");
        requireNonNull(p99, "p99");
        requireNonNull(max, "max");
        requireNonNull(mean, "mean");
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
    }

    /** Statistics of the given durations (at least one). */
    public static StageStats of(Stage stage, Collection<Duration> durations) {
        requireNonNull(stage, "stage");
        requireNonNull(durations, "durations");
        if (durations.isEmpty()) {
            throw new IllegalArgumentException("durations: empty (expected: at least one duration of " + stage + ")");
        }
        List<Duration> sorted = new ArrayList<>(durations);
        sorted.sort(null);
        Duration sum = Duration.ZERO;
        for (Duration d : sorted) {
            sum = sum.plus(d);
        }
        return new StageStats(stage, sorted.size(), sorted.getFirst(), rank(sorted, 50), rank(sorted, 95),
                rank(sorted, 99), sorted.getLast(), sum.dividedBy(sorted.size()));
    }

    private static Duration rank(List<Duration> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}
