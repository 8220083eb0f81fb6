package io.mdmsim.scenarios.console;

import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.Latency;
import io.mdmsim.scenarios.report.RunReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a run in the shape k6 users know: the expectations first with ✓/✗ and the observed value, then the
 * latency of each stage (count, avg, min, med, p90, p95, p99, max), the outcome counts, the five most frequent errors
 * with an example device, the seed, and the paths of everything written. With the same seed and scenario on a manual
 * clock it is the same text every time, except the one line of real time.
 */
public final class EndSummary {

    private static final int TOP_ERRORS = 5;
    private static final int NAME_WIDTH = 52;

    private EndSummary() {
    }

    /**
     * Prints the summary.
     *
     * @param report  the run's report with its expectations evaluated
     * @param actions how each action went, one line each
     * @param real    real time the run took
     * @param written the files and folders written (empty when none)
     */
    public static void print(PrintWriter out, RunReport report, List<String> actions, Duration real,
                             List<String> written) {
        out.println();
        if (report.expectations().isEmpty()) {
            out.println("  (no expectations)");
        }
        for (RunReport.ExpectationResult e : report.expectations()) {
            String name = e.name();
            String dots = name.length() + 2 > NAME_WIDTH ? "" : " " + ".".repeat(NAME_WIDTH - name.length());
            out.printf(Locale.ROOT, "  %s %s%s %s   observed %s%n", e.passed() ? "✓" : "✗", name, dots,
                    e.expected(), e.actual());
        }
        if (!report.stages().isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "  %-24s %7s %9s %9s %9s %9s %9s %9s %9s%n", "stage", "count", "avg", "min", "med",
                    "p90", "p95", "p99", "max");
            for (Map.Entry<Stage, Latency> s : report.stages().entrySet()) {
                Latency l = s.getValue();
                out.printf(Locale.ROOT, "  %-24s %7d %9s %9s %9s %9s %9s %9s %9s%n", label(s.getKey()), l.count(),
                        ms(l.meanMs()), ms(l.minMs()), ms(l.p50Ms()), ms(l.p90Ms()), ms(l.p95Ms()), ms(l.p99Ms()),
                        ms(l.maxMs()));
            }
        }
        out.println();
        StringBuilder outcomes = new StringBuilder();
        for (Outcome o : Outcome.values()) {
            long n = report.outcomes().getOrDefault(o, 0L);
            if (n > 0) {
                outcomes.append(outcomes.isEmpty() ? "" : " · ").append(o.name().toLowerCase(Locale.ROOT)
                        .replace('_', '-')).append(' ').append(n);
            }
        }
        out.printf(Locale.ROOT, "  devices   %d planned, %d started, %d finished%s%n", report.devices().total(),
                report.devices().started(), report.devices().finished(),
                outcomes.isEmpty() ? "" : ": " + outcomes);
        if (!report.errors().isEmpty()) {
            out.println("  errors    (most frequent first)");
            report.errors().stream().limit(TOP_ERRORS).forEach(e -> out.printf(Locale.ROOT,
                    "    %5d× %s%n           at %s, e.g. %s%n", e.count(), e.text(),
                    e.stage() == null ? "-" : label(e.stage()), e.exampleDevice()));
            if (report.errors().size() > TOP_ERRORS) {
                out.printf(Locale.ROOT, "    ... and %d more kinds%n", report.errors().size() - TOP_ERRORS);
            }
        }
        for (String a : actions) {
            out.println("  action    " + a);
        }
        out.printf(Locale.ROOT, "  seed      %d · clock %s · %s simulated%n", report.seed(), report.clock(),
                duration(Duration.ofMillis(report.durationMs())));
        out.printf(Locale.ROOT, "  real      %s%n", duration(real));
        if (!written.isEmpty()) {
            out.println("  written   " + written.getFirst());
            written.subList(1, written.size()).forEach(w -> out.println("            " + w));
        }
        out.println();
        out.println(report.passed() ? "  PASSED: every expectation met" : "  FAILED: "
                + report.expectations().stream().filter(e -> !e.passed()).count() + " of "
                + report.expectations().size() + " expectations not met");
        out.flush();
    }

    /** power-on, machine-info, scep ... */
    public static String label(Stage s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String ms(double ms) {
        if (ms < 1) {
            return ms == 0 ? "0ms" : String.format(Locale.ROOT, "%.2fms", ms);
        }
        if (ms < 1_000) {
            return String.format(Locale.ROOT, "%.0fms", ms);
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.2fs", ms / 1000);
        }
        return duration(Duration.ofMillis(Math.round(ms)));
    }

    /** 1h02m, 16m30s, 2.5s, 0s. */
    public static String duration(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
