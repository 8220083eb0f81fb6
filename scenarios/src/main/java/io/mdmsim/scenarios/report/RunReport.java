package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a run did, as {@code report.json} holds it (docs/reports.md describes every field). Immutable; built by
 * {@link RunRecorder#snapshot()}, read back by {@link ReportJson}, merged by {@link ReportMerge}. The queries below
 * are what expectations measure.
 *
 * <p>Everything here depends only on the scenario, its seed and what happened on the simulated clock, except
 * {@link #wallClock()}: with a manual clock two runs of the same seed give the same report but for that key.
 *
 * @param format       the report format, {@link #FORMAT}
 * @param scenario     the scenario's name
 * @param seed         the seed of the run
 * @param shard        which shard of the population this run drove, "i/n" ("1/1": all of it)
 * @param mergedFrom   the shards a merged report was made of, in order; empty for a single run
 * @param clock        the simulated clock: "wall", "scaled x60", "manual"
 * @param intervalMs   the length of one {@link #timeseries()} interval on the simulated clock
 * @param durationMs   simulated time from the start of the run to its report
 * @param versions     the versions of mdmsim and Java that ran it
 * @param devices      device counts
 * @param outcomes     devices per outcome, every outcome present
 * @param stages       latency of every stage at least one device completed, in stage order
 * @param funnel       per stage: devices that entered it, completed it, failed in it
 * @param errors       errors by text, most frequent first
 * @param dep          the DEP side per MDM server (by name): devices made visible by the ABM, fetched by the MDM
 * @param counters     named figures the runner recorded (e.g. commands per terminal state)
 * @param timeseries   one entry per interval from the start of the run, none skipped
 * @param expectations the scenario's expectations as the runner evaluated them
 * @param unexpected   devices that did not end as expected (at most {@link RunRecorder#MAX_LISTED} listed; the count
 *                     is {@link Devices#unexpected()})
 * @param wallClock    the figures that depend on when and how fast the run happened, all under this one key
 */
@JsonPropertyOrder({"format", "scenario", "seed", "shard", "mergedFrom", "clock", "intervalMs", "durationMs",
        "versions", "passed", "devices", "outcomes", "stages", "funnel", "errors", "dep", "counters", "expectations",
        "unexpected", "timeseries", "wallClock"})
@JsonIgnoreProperties(value = "passed", allowGetters = true)
public record RunReport(int format, String scenario, long seed, String shard, List<String> mergedFrom, String clock,
                        long intervalMs, long durationMs, Versions versions, Devices devices,
                        Map<Outcome, Long> outcomes, Map<Stage, Latency> stages, Map<Stage, FunnelStep> funnel,
                        List<ErrorCount> errors, Map<String, DepTotals> dep, Map<String, Long> counters,
                        List<Interval> timeseries, List<ExpectationResult> expectations,
                        List<UnexpectedDevice> unexpected, WallClock wallClock) {

    public static final int FORMAT = 1;

    /** @param mdmsim the mdmsim version ("dev" outside a packaged jar); @param java the Java runtime version */
    public record Versions(String mdmsim, String java) {
        /** The versions of this process. */
        public static Versions current() {
            String v = RunReport.class.getPackage().getImplementationVersion();
            return new Versions(v == null ? "dev" : v, Runtime.version().toString());
        }
    }

    /**
     * @param total      devices the run planned (its population, or this shard's part of it)
     * @param started    devices that entered their first stage
     * @param finished   devices whose run ended
     * @param enrolled   devices that ended ENROLLED
     * @param unexpected devices that did not end as the scenario expected (by default: did not enroll)
     */
    public record Devices(long total, long started, long finished, long enrolled, long unexpected) { }

    /** @param entered devices that entered the stage; @param completed completions; @param failed failures in it */
    public record FunnelStep(long entered, long completed, long failed) { }

    /**
     * @param text          the error as the device or runner reported it
     * @param count         how often it happened
     * @param stage         the stage it happened in (the first time)
     * @param exampleDevice a device it happened to ("device #3 SERIAL (UDID)"), the first one
     */
    public record ErrorCount(String text, long count, Stage stage, String exampleDevice) { }

    /**
     * The DEP side of one MDM server over the run.
     *
     * @param visible                devices the fake ABM made visible to the server's DEP API
     * @param fetched                device records the MDM fetched or synced from it
     * @param visiblePeakPerMinute   the most made visible in one interval, per minute
     * @param fetchedPeakPerMinute   the most fetched in one interval, per minute
     * @param fetchedMeanPerMinute   fetched per minute from the first to the last interval that fetched any
     */
    public record DepTotals(long visible, long fetched, double visiblePeakPerMinute, double fetchedPeakPerMinute,
                            double fetchedMeanPerMinute) { }

    /** @param visible devices made visible in the interval; @param fetched device records fetched in it */
    public record DepCount(long visible, long fetched) { }

    /**
     * One interval of the run on the simulated clock.
     *
     * @param startMs  the interval's start, from the start of the run
     * @param started  devices that entered their first stage in it
     * @param finished devices whose run ended in it
     * @param enrolled devices that ended ENROLLED in it
     * @param active   devices started and not finished at its end
     * @param errors   errors in it
     * @param stages   latency of the stage completions in it, per stage
     * @param dep      the DEP side in it, per MDM server
     */
    @JsonPropertyOrder({"startMs", "started", "finished", "enrolled", "active", "errors", "stages", "dep"})
    public record Interval(long startMs, long started, long finished, long enrolled, long active, long errors,
                           Map<Stage, Latency> stages, Map<String, DepCount> dep) {
        public Interval {
            stages = inOrder(Stage.class, stages);
            dep = dep == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(dep));
        }
    }

    /**
     * One expectation of the scenario, evaluated.
     *
     * @param name     what it measures, in words ("95th percentile of scep")
     * @param expected the condition ("< 2s")
     * @param actual   what was observed ("1.2s")
     * @param passed   whether the condition held
     */
    public record ExpectationResult(String name, String expected, String actual, boolean passed) {
        public ExpectationResult {
            requireNonNull(name, "name");
            requireNonNull(expected, "expected");
            requireNonNull(actual, "actual");
        }
    }

    /**
     * A device that did not end as expected.
     *
     * @param device       "device #3 SERIAL (UDID)"
     * @param serialNumber its serial number
     * @param outcome      how it ended
     * @param stage        the stage it ended in
     * @param reason       why, null when it enrolled
     * @param trace        its trace file relative to the report folder, null when none was kept
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record UnexpectedDevice(String device, String serialNumber, Outcome outcome, Stage stage, String reason,
                                   String trace) { }

    /**
     * The wall-clock figures, the only ones two runs of the same seed on a manual clock may differ in.
     *
     * @param startedAt          wall time the run started (ISO-8601)
     * @param finishedAt         wall time of the report
     * @param elapsedMs          wall time between them
     * @param simulatedStartedAt the simulated clock at the start (a wall or scaled clock starts at wall time)
     */
    public record WallClock(String startedAt, String finishedAt, long elapsedMs, String simulatedStartedAt) { }

    public RunReport {
        requireNonNull(scenario, "scenario");
        requireNonNull(shard, "shard");
        requireNonNull(clock, "clock");
        requireNonNull(versions, "versions");
        requireNonNull(devices, "devices");
        requireNonNull(wallClock, "wallClock");
        if (intervalMs < 1) {
            throw new IllegalArgumentException("intervalMs: " + intervalMs + " (expected: >= 1)");
        }
        mergedFrom = mergedFrom == null ? List.of() : List.copyOf(mergedFrom);
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        for (Outcome x : Outcome.values()) {
            o.put(x, outcomes == null ? 0L : outcomes.getOrDefault(x, 0L));
        }
        outcomes = Collections.unmodifiableMap(o);
        stages = inOrder(Stage.class, stages);
        funnel = inOrder(Stage.class, funnel);
        errors = errors == null ? List.of() : List.copyOf(errors);
        dep = dep == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(dep));
        counters = counters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(counters));
        timeseries = timeseries == null ? List.of() : List.copyOf(timeseries);
        expectations = expectations == null ? List.of() : List.copyOf(expectations);
        unexpected = unexpected == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(unexpected));
    }

    /** An unmodifiable copy in the enum's order. */
    static <K extends Enum<K>, V> Map<K, V> inOrder(Class<K> type, Map<K, V> m) {
        Map<K, V> copy = new EnumMap<>(type);
        if (m != null) {
            copy.putAll(m);
        }
        return Collections.unmodifiableMap(copy);
    }

    /** True when every expectation passed (and trivially when there are none). */
    @JsonProperty("passed")
    public boolean passed() {
        return expectations.stream().allMatch(ExpectationResult::passed);
    }

    /** This report with the runner's evaluated expectations. */
    public RunReport withExpectations(List<ExpectationResult> evaluated) {
        return new RunReport(format, scenario, seed, shard, mergedFrom, clock, intervalMs, durationMs, versions,
                devices, outcomes, stages, funnel, errors, dep, counters, timeseries, evaluated, unexpected, wallClock);
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** Devices that ended with this outcome. */
    public long count(Outcome outcome) {
        return outcomes.get(requireNonNull(outcome, "outcome"));
    }

    /** The share (0..1) of the planned devices that ended with this outcome; 0 when none were planned. */
    public double rate(Outcome outcome) {
        return devices.total() == 0 ? 0 : (double) count(outcome) / devices.total();
    }

    /** The latency of a stage, empty when no device completed it. */
    public Optional<Latency> stage(Stage stage) {
        return Optional.ofNullable(stages.get(requireNonNull(stage, "stage")));
    }

    /** How often exactly this error text happened. */
    public long errorCount(String text) {
        requireNonNull(text, "text");
        return errors.stream().filter(e -> e.text().equals(text)).mapToLong(ErrorCount::count).sum();
    }

    /** How often an error whose text contains {@code fragment} happened. */
    public long errorCountContaining(String fragment) {
        requireNonNull(fragment, "fragment");
        return errors.stream().filter(e -> e.text().contains(fragment)).mapToLong(ErrorCount::count).sum();
    }

    /** All errors. */
    @JsonIgnore
    public long errorTotal() {
        return errors.stream().mapToLong(ErrorCount::count).sum();
    }

    /** The DEP side of an MDM server, empty when nothing was recorded for it. */
    public Optional<DepTotals> dep(String mdmServer) {
        return Optional.ofNullable(dep.get(requireNonNull(mdmServer, "mdmServer")));
    }

    /** A counter the runner recorded, 0 when it recorded none by that name. */
    public long counter(String name) {
        return counters.getOrDefault(requireNonNull(name, "name"), 0L);
    }
}
