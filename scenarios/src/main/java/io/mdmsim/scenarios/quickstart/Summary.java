package io.mdmsim.scenarios.quickstart;

import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.device.StageStats;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary: the verdict first, then stage latencies, then each device that did not enroll. */
public final class Summary {

    private static final int MAX_FAILURES_SHOWN = 20;

    private final FleetResult result;
    private final Duration wall;

    public Summary(FleetResult result, Duration wall) {
        this.result = result;
        this.wall = wall;
    }

    public boolean allEnrolled(int expected) {
        return result.devices().size() == expected && result.allEnrolled();
    }

    public void print(PrintWriter out) {
        int total = result.devices().size();
        int enrolled = result.count(Outcome.ENROLLED);
        out.println();
        out.printf(Locale.ROOT, "  %s %d of %d enrolled in %s%n", enrolled == total ? "✓" : "✗", enrolled, total,
                human(wall));
        Map<Outcome, Integer> outcomes = result.outcomes();
        if (enrolled != total) {
            outcomes.forEach((o, n) -> {
                if (n > 0 && o != Outcome.ENROLLED) {
                    out.printf(Locale.ROOT, "    %-12s %d%n", o, n);
                }
            });
        }
        out.println();
        out.printf(Locale.ROOT, "  %-24s %6s %9s %9s %9s %9s%n", "stage", "count", "p50", "p95", "p99", "max");
        for (Map.Entry<Stage, StageStats> e : result.stages().entrySet()) {
            StageStats s = e.getValue();
            out.printf(Locale.ROOT, "  %-24s %6d %9s %9s %9s %9s%n", Progress.label(e.getKey()), s.count(),
                    human(s.p50()), human(s.p95()), human(s.p99()), human(s.max()));
        }
        List<DeviceResult> failures = result.failures();
        if (!failures.isEmpty()) {
            out.println();
            out.println("  not enrolled:");
            failures.stream().limit(MAX_FAILURES_SHOWN).forEach(f -> out.println("    " + f));
            if (failures.size() > MAX_FAILURES_SHOWN) {
                out.printf(Locale.ROOT, "    ... and %d more%n", failures.size() - MAX_FAILURES_SHOWN);
            }
        }
        out.flush();
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
    }
}
