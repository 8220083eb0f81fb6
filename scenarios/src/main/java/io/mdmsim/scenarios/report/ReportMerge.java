package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.RunReport.DepCount;
import io.mdmsim.scenarios.report.RunReport.ErrorCount;
import io.mdmsim.scenarios.report.RunReport.ExpectationResult;
import io.mdmsim.scenarios.report.RunReport.FunnelStep;
import io.mdmsim.scenarios.report.RunReport.Interval;
import io.mdmsim.scenarios.report.RunReport.UnexpectedDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Merges the reports of the shards of one run into one report, exactly: counts are added, latency histograms are
 * added and their percentiles computed again (never averaged), time series are added interval by interval (each
 * counted from its shard's start). The shards must be of the same scenario, seed, clock and interval.
 *
 * <p>Expectations cannot be evaluated again without the scenario: each shard's are kept, named with the shard
 * ("[2/3] enrolled rate"), so the merged verdict fails when any shard's did.
 */
public final class ReportMerge {

    private ReportMerge() { }

    /** The merged report; an IllegalArgumentException says which input does not fit and why. */
    public static RunReport merge(List<RunReport> reports) {
        requireNonNull(reports, "reports");
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("reports: none (expected: the reports of at least one shard)");
        }
        RunReport first = reports.getFirst();
        Set<String> shards = new LinkedHashSet<>();
        for (RunReport r : reports) {
            same("scenario", first, r, RunReport::scenario);
            same("seed", first, r, x -> Long.toString(x.seed()));
            same("clock", first, r, RunReport::clock);
            same("intervalMs", first, r, x -> Long.toString(x.intervalMs()));
            for (String s : r.mergedFrom().isEmpty() ? List.of(r.shard()) : r.mergedFrom()) {
                if (!shards.add(s)) {
                    throw new IllegalArgumentException("shard " + s + " appears twice (expected: each shard once)");
                }
            }
        }
        String shardCount = null;
        for (String s : shards) {
            String n = s.substring(s.indexOf('/') + 1);
            if (shardCount != null && !shardCount.equals(n)) {
                throw new IllegalArgumentException("shards " + String.join(", ", shards)
                        + " are cut differently (expected: i/n with the same n)");
            }
            shardCount = n;
        }

        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        Map<Stage, List<Latency>> stageParts = new EnumMap<>(Stage.class);
        Map<Stage, FunnelStep> funnel = new EnumMap<>(Stage.class);
        Map<String, ErrorCount> errors = new LinkedHashMap<>();
        Map<String, Long> counters = new TreeMap<>();
        List<ExpectationResult> expectations = new ArrayList<>();
        List<UnexpectedDevice> unexpected = new ArrayList<>();
        long total = 0, started = 0, finished = 0, enrolled = 0, unexpectedCount = 0, duration = 0;
        for (RunReport r : reports) {
            total += r.devices().total();
            started += r.devices().started();
            finished += r.devices().finished();
            enrolled += r.devices().enrolled();
            unexpectedCount += r.devices().unexpected();
            duration = Math.max(duration, r.durationMs());
            r.outcomes().forEach((o, n) -> outcomes.merge(o, n, Long::sum));
            r.stages().forEach((s, l) -> stageParts.computeIfAbsent(s, x -> new ArrayList<>()).add(l));
            r.funnel().forEach((s, f) -> funnel.merge(s, f, (a, b) -> new FunnelStep(a.entered() + b.entered(),
                    a.completed() + b.completed(), a.failed() + b.failed())));
            for (ErrorCount e : r.errors()) {
                errors.merge(e.text(), e, (a, b) -> new ErrorCount(a.text(), a.count() + b.count(), a.stage(),
                        RunRecorder.earlierExample(a.exampleDevice(), b.exampleDevice())));
            }
            r.counters().forEach((k, v) -> counters.merge(k, v, Long::sum));
            String label = r.mergedFrom().isEmpty() ? "[" + r.shard() + "] " : "";
            r.expectations().forEach(x -> expectations.add(new ExpectationResult(label + x.name(), x.expected(),
                    x.actual(), x.passed())));
            for (UnexpectedDevice u : r.unexpected()) {
                if (unexpected.size() < RunRecorder.MAX_LISTED) {
                    unexpected.add(u);
                }
            }
        }
        Map<Stage, Latency> stages = new EnumMap<>(Stage.class);
        stageParts.forEach((s, parts) -> stages.put(s, Latency.merge(parts)));
        List<Interval> series = timeseries(reports);
        return new RunReport(RunReport.FORMAT, first.scenario(), first.seed(), "1/1", List.copyOf(shards),
                first.clock(), first.intervalMs(), duration, first.versions(),
                new RunReport.Devices(total, started, finished, enrolled, unexpectedCount), outcomes, stages, funnel,
                capped(Figures.sortedErrors(List.copyOf(errors.values()))),
                Figures.depTotals(series, first.intervalMs()), counters, series, expectations, unexpected,
                wallClock(reports));
    }

    /** At most {@link RunRecorder#MAX_ERROR_KINDS} texts, the least frequent counted together. */
    private static List<ErrorCount> capped(List<ErrorCount> sorted) {
        if (sorted.size() <= RunRecorder.MAX_ERROR_KINDS) {
            return sorted;
        }
        List<ErrorCount> kept = new ArrayList<>(sorted.subList(0, RunRecorder.MAX_ERROR_KINDS));
        long rest = sorted.subList(RunRecorder.MAX_ERROR_KINDS, sorted.size()).stream()
                .mapToLong(ErrorCount::count).sum();
        ErrorCount firstRest = sorted.get(RunRecorder.MAX_ERROR_KINDS);
        kept.add(new ErrorCount(RunRecorder.OTHER_ERRORS, rest, firstRest.stage(), firstRest.exampleDevice()));
        return Figures.sortedErrors(kept);
    }

    private static void same(String field, RunReport first, RunReport r, Function<RunReport, String> value) {
        if (!value.apply(first).equals(value.apply(r))) {
            throw new IllegalArgumentException(field + ": " + value.apply(r) + " in shard " + r.shard()
                    + " (expected: " + value.apply(first) + " as in shard " + first.shard()
                    + "; only the shards of one run merge)");
        }
    }

    /** Interval by interval; a shard whose series ended keeps its last active count. */
    private static List<Interval> timeseries(List<RunReport> reports) {
        int length = reports.stream().mapToInt(r -> r.timeseries().size()).max().orElse(0);
        List<Interval> merged = new ArrayList<>(length);
        long intervalMs = reports.getFirst().intervalMs();
        for (int i = 0; i < length; i++) {
            long started = 0, finished = 0, enrolled = 0, active = 0, errors = 0;
            Map<Stage, List<Latency>> parts = new EnumMap<>(Stage.class);
            Map<String, DepCount> dep = new TreeMap<>();
            for (RunReport r : reports) {
                List<Interval> ts = r.timeseries();
                if (ts.isEmpty()) {
                    continue;
                }
                if (i >= ts.size()) {
                    active += ts.getLast().active();
                    continue;
                }
                Interval x = ts.get(i);
                started += x.started();
                finished += x.finished();
                enrolled += x.enrolled();
                active += x.active();
                errors += x.errors();
                x.stages().forEach((s, l) -> parts.computeIfAbsent(s, k -> new ArrayList<>()).add(l));
                x.dep().forEach((server, d) -> dep.merge(server, d,
                        (a, b) -> new DepCount(a.visible() + b.visible(), a.fetched() + b.fetched())));
            }
            Map<Stage, Latency> stages = new EnumMap<>(Stage.class);
            parts.forEach((s, l) -> stages.put(s, Latency.merge(l)));
            merged.add(new Interval(i * intervalMs, started, finished, enrolled, active, errors, stages, dep));
        }
        return merged;
    }

    private static RunReport.WallClock wallClock(List<RunReport> reports) {
        Instant start = null;
        Instant end = null;
        Instant simulated = null;
        for (RunReport r : reports) {
            Instant s = instant(r.wallClock().startedAt(), "wallClock.startedAt", r);
            Instant e = instant(r.wallClock().finishedAt(), "wallClock.finishedAt", r);
            Instant sim = instant(r.wallClock().simulatedStartedAt(), "wallClock.simulatedStartedAt", r);
            start = start == null || s.isBefore(start) ? s : start;
            end = end == null || e.isAfter(end) ? e : end;
            simulated = simulated == null || sim.isBefore(simulated) ? sim : simulated;
        }
        return new RunReport.WallClock(start.toString(), end.toString(), Duration.between(start, end).toMillis(),
                simulated.toString());
    }

    private static Instant instant(String text, String field, RunReport r) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": " + text + " in shard " + r.shard()
                    + " (expected: an ISO-8601 instant such as 2025-03-01T09:00:00Z)");
        }
    }
}
