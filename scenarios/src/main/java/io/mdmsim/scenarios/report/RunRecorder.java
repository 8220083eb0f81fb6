package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Shard;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.RunReport.DepCount;
import io.mdmsim.scenarios.report.RunReport.ErrorCount;
import io.mdmsim.scenarios.report.RunReport.FunnelStep;
import io.mdmsim.scenarios.report.RunReport.Interval;
import io.mdmsim.scenarios.report.RunReport.UnexpectedDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * Records a run as it happens: the fleet's listener (stage latencies, outcomes, errors) plus what the runner adds
 * (the DEP side, named counters, errors of its own). Every method is thread-safe and quick; devices call it from
 * their own threads. Times are taken from the run's {@link SimClock} and kept as offsets from the start of the run,
 * so a manual clock gives the same record every time.
 *
 * <p>{@link #snapshot()} returns the {@link RunReport} (without expectations: the runner evaluates them on the
 * snapshot and adds them with {@link RunReport#withExpectations}).
 *
 * <p>Bounded: at most {@link #MAX_ERROR_KINDS} distinct error texts (later new texts count under
 * {@link #OTHER_ERRORS}), {@link #MAX_LISTED} unexpected devices listed (all counted), {@link #MAX_INTERVALS}
 * intervals (later events count in the last one).
 *
 * <p>It is a little over 400 lines because every bounded collection of the record is kept under one lock so a snapshot
 * is consistent; the report types and writers are apart.
 */
public final class RunRecorder implements FleetListener {

    public static final int MAX_ERROR_KINDS = 1000;
    public static final int MAX_LISTED = 1000;
    public static final int MAX_INTERVALS = 100_000;
    public static final String OTHER_ERRORS = "(other errors: more than " + MAX_ERROR_KINDS + " distinct texts)";

    private final String scenario;
    private final long seed;
    private final Shard shard;
    private final SimClock clock;
    private final long intervalNanos;
    private final Predicate<DeviceResult> expected;
    private final Path tracesDir;
    private final Path reportDir;
    private final Instant simulatedStart;
    private final Instant wallStart;
    private final long wallStartNanos;

    // guarded by this
    private long planned;
    private final Set<String> started = new HashSet<>();
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    private long finished;
    private long unexpectedCount;
    private final List<UnexpectedDevice> unexpected = new ArrayList<>();
    private final Map<Stage, Histogram> stages = new EnumMap<>(Stage.class);
    private final Map<Stage, long[]> funnel = new EnumMap<>(Stage.class);
    private final Map<String, MutableError> errors = new LinkedHashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final List<Cell> cells = new ArrayList<>();

    private static final class MutableError {
        final Stage stage;
        /** The device it happened to that sorts first: the same one whatever order devices reported it in. */
        String example;
        long count;

        MutableError(Stage stage, String example) {
            this.stage = stage;
            this.example = example;
        }
    }

    /** One interval being recorded. */
    private static final class Cell {
        long started;
        long finished;
        long enrolled;
        long errors;
        final Map<Stage, Histogram> stages = new EnumMap<>(Stage.class);
        final Map<String, long[]> dep = new TreeMap<>();
    }

    private RunRecorder(Builder b) {
        this.scenario = b.scenario;
        this.seed = b.seed;
        this.shard = b.shard;
        this.clock = b.clock;
        this.intervalNanos = b.interval.toNanos();
        this.expected = b.expected;
        this.tracesDir = b.tracesDir;
        this.reportDir = b.reportDir;
        this.planned = b.devices;
        this.simulatedStart = b.start != null ? b.start : clock.now();
        this.wallStart = Instant.now();
        this.wallStartNanos = System.nanoTime();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The simulated instant the run's offsets count from. */
    public Instant start() {
        return simulatedStart;
    }

    /** The length of one interval on the simulated clock. */
    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    // ----------------------------------------------------------------------------------------- from the fleet

    @Override
    public void stageEntered(DeviceRef device, Stage stage) {
        int at = intervalNow();
        synchronized (this) {
            if (started.add(device.serialNumber())) {
                cell(at).started++;
            }
            funnel(stage)[0]++;
        }
    }

    @Override
    public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
        int at = intervalNow();
        synchronized (this) {
            Latency.record(stages.computeIfAbsent(stage, s -> Latency.newHistogram()), took);
            Latency.record(cell(at).stages.computeIfAbsent(stage, s -> Latency.newHistogram()), took);
            funnel(stage)[1]++;
        }
    }

    @Override
    public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
        int at = intervalNow();
        synchronized (this) {
            funnel(stage)[2]++;
            addError(at, stage, reason, device.toString());
        }
    }

    @Override
    public void deviceFinished(DeviceResult result) {
        int at = intervalNow();
        boolean asExpected = expected.test(result);
        String trace = asExpected ? null : traceOf(result.device().serialNumber());
        synchronized (this) {
            // a device that ends without entering a stage (it could not start) still counts as started
            if (started.add(result.device().serialNumber())) {
                cell(at).started++;
            }
            outcomes.merge(result.outcome(), 1L, Long::sum);
            finished++;
            Cell c = cell(at);
            c.finished++;
            if (result.enrolled()) {
                c.enrolled++;
            }
            if (!asExpected) {
                unexpectedCount++;
                if (unexpected.size() < MAX_LISTED) {
                    unexpected.add(new UnexpectedDevice(result.device().toString(), result.device().serialNumber(),
                            result.outcome(), result.stage(), result.reason(), trace));
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------- from the runner

    /** An error the runner saw itself (an action that failed, a device that could not be created). */
    public void error(String device, Stage stage, String text) {
        requireNonNull(text, "text");
        int at = intervalNow();
        synchronized (this) {
            addError(at, stage, text, device);
        }
    }

    /**
     * DEP figures of one MDM server for the interval that contains {@code at} (added to what is there): devices the
     * fake ABM made visible to the server and device records the MDM fetched or synced.
     */
    public void dep(String mdmServer, Instant at, long visible, long fetched) {
        requireNonNull(mdmServer, "mdmServer");
        requireNonNull(at, "at");
        if (visible < 0 || fetched < 0) {
            throw new IllegalArgumentException("visible: " + visible + ", fetched: " + fetched + " (expected: >= 0)");
        }
        int i = intervalAt(at);
        synchronized (this) {
            long[] d = cell(i).dep.computeIfAbsent(mdmServer, s -> new long[2]);
            d[0] += visible;
            d[1] += fetched;
        }
    }

    /** Adds to a named counter (e.g. "commands.Acknowledged"). */
    public synchronized void count(String name, long delta) {
        requireNonNull(name, "name");
        counters.merge(name, delta, Long::sum);
    }

    /** Adds devices to the planned total (a population started after the run began). */
    public synchronized void plan(long devices) {
        if (devices < 0) {
            throw new IllegalArgumentException("devices: " + devices + " (expected: >= 0)");
        }
        planned += devices;
    }

    // ----------------------------------------------------------------------------------------------- snapshot

    /** What has been recorded so far, without expectations. */
    public synchronized RunReport snapshot() {
        int last = Math.max(cells.size() - 1, intervalNow());
        List<Interval> series = new ArrayList<>(last + 1);
        long active = 0;
        for (int i = 0; i <= last; i++) {
            Cell c = i < cells.size() ? cells.get(i) : new Cell();
            active += c.started - c.finished;
            Map<Stage, Latency> lat = new EnumMap<>(Stage.class);
            c.stages.forEach((s, h) -> lat.put(s, Latency.of(h)));
            Map<String, DepCount> dep = new TreeMap<>();
            c.dep.forEach((server, v) -> dep.put(server, new DepCount(v[0], v[1])));
            series.add(new Interval(i * intervalMillis(), c.started, c.finished, c.enrolled, active, c.errors, lat,
                    dep));
        }
        Map<Stage, Latency> stageLatency = new EnumMap<>(Stage.class);
        stages.forEach((s, h) -> stageLatency.put(s, Latency.of(h)));
        Map<Stage, FunnelStep> steps = new EnumMap<>(Stage.class);
        funnel.forEach((s, v) -> steps.put(s, new FunnelStep(v[0], v[1], v[2])));
        long enrolled = outcomes.getOrDefault(Outcome.ENROLLED, 0L);
        Instant now = Instant.now();
        long wallElapsed = (System.nanoTime() - wallStartNanos) / 1_000_000;
        return new RunReport(RunReport.FORMAT, scenario, seed, shard.toString(), List.of(), clock.describe(),
                intervalMillis(), Math.max(0, Duration.between(simulatedStart, clock.now()).toMillis()),
                RunReport.Versions.current(),
                new RunReport.Devices(Math.max(planned, started.size()), started.size(), finished, enrolled,
                        unexpectedCount),
                outcomes, stageLatency, steps, Figures.sortedErrors(errors.entrySet().stream()
                        .map(e -> new ErrorCount(e.getKey(), e.getValue().count, e.getValue().stage,
                                e.getValue().example)).toList()),
                Figures.depTotals(series, intervalMillis()), counters, series, List.of(), unexpected.stream()
                        .sorted(Comparator.comparing(UnexpectedDevice::serialNumber)).toList(),
                new RunReport.WallClock(wallStart.toString(), now.toString(), wallElapsed,
                        simulatedStart.toString()));
    }

    // -------------------------------------------------------------------------------------------------- inner

    private long intervalMillis() {
        return Math.max(1, intervalNanos / 1_000_000);
    }

    private int intervalNow() {
        return intervalAt(clock.now());
    }

    private int intervalAt(Instant t) {
        long nanos;
        try {
            nanos = Duration.between(simulatedStart, t).toNanos();
        } catch (ArithmeticException e) {
            return t.isBefore(simulatedStart) ? 0 : MAX_INTERVALS - 1;
        }
        if (nanos < 0) {
            return 0;
        }
        return (int) Math.min(MAX_INTERVALS - 1, nanos / intervalNanos);
    }

    /** The cell of an interval; the caller holds the lock. */
    private Cell cell(int i) {
        while (cells.size() <= i) {
            cells.add(new Cell());
        }
        return cells.get(i);
    }

    private long[] funnel(Stage stage) {
        return funnel.computeIfAbsent(stage, s -> new long[3]);
    }

    private void addError(int at, Stage stage, String text, String device) {
        String key = text == null || text.isBlank() ? "(no reason given)" : text;
        MutableError e = errors.get(key);
        if (e == null) {
            if (errors.size() >= MAX_ERROR_KINDS) {
                key = OTHER_ERRORS;
                e = errors.get(key);
            }
            if (e == null) {
                e = new MutableError(stage, device);
                errors.put(key, e);
            }
        }
        e.example = earlierExample(e.example, device);
        e.count++;
        cell(at).errors++;
    }

    /**
     * Of two example devices ("device #3 SERIAL (UDID)"), the one with the lower serial number (then the lower text):
     * the example of an error does not depend on which device reported it first, in one run or across merged shards.
     */
    static String earlierExample(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int bySerial = serialOf(a).compareTo(serialOf(b));
        return bySerial < 0 || bySerial == 0 && a.compareTo(b) <= 0 ? a : b;
    }

    private static String serialOf(String device) {
        String[] words = device.split(" ");
        return words.length >= 3 && words[0].equals("device") && words[1].startsWith("#") ? words[2] : device;
    }

    /** The device's trace relative to the report folder, when the fleet kept one. */
    private String traceOf(String serial) {
        if (tracesDir == null) {
            return null;
        }
        Path file = new io.mdmsim.device.TraceOptions(tracesDir, io.mdmsim.device.TraceOptions.Mode.FAILED,
                io.mdmsim.device.TraceOptions.DEFAULT_BUFFER_BYTES).file(serial);
        if (!Files.exists(file)) {
            return null;
        }
        Path shown = reportDir != null && file.toAbsolutePath().startsWith(reportDir.toAbsolutePath())
                ? reportDir.toAbsolutePath().relativize(file.toAbsolutePath()) : file;
        return shown.toString().replace('\\', '/');
    }

    /** Settings of a recorder. */
    public static final class Builder {
        private String scenario = "unnamed";
        private long seed;
        private Shard shard = Shard.ALL;
        private SimClock clock;
        private Duration interval = Duration.ofMinutes(1);
        private long devices;
        private Predicate<DeviceResult> expected = DeviceResult::enrolled;
        private Path tracesDir;
        private Path reportDir;
        private Instant start;

        private Builder() { }

        public Builder scenario(String name) {
            this.scenario = requireNonNull(name, "name");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder shard(Shard shard) {
            this.shard = requireNonNull(shard, "shard");
            return this;
        }

        /** The run's clock (required). */
        public Builder clock(SimClock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** The simulated instant offsets count from; default: the clock's time when the recorder is built. */
        public Builder start(Instant start) {
            this.start = requireNonNull(start, "start");
            return this;
        }

        /** The length of one interval of the time series on the simulated clock; 1 ms..1 day, default 1 minute. */
        public Builder interval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.toMillis() < 1 || interval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("interval: " + interval + " (expected: 1ms..1d)");
            }
            this.interval = interval;
            return this;
        }

        /** The devices the run plans (its population or this shard's part). */
        public Builder devices(long devices) {
            if (devices < 0) {
                throw new IllegalArgumentException("devices: " + devices + " (expected: >= 0)");
            }
            this.devices = devices;
            return this;
        }

        /** Which results are as the scenario expects; default: enrolled. The others are listed as unexpected. */
        public Builder expected(Predicate<DeviceResult> expected) {
            this.expected = requireNonNull(expected, "expected");
            return this;
        }

        /**
         * Where the fleet writes traces ({@code TraceOptions.dir()}) and the report folder the listing is relative
         * to; an unexpected device is listed with its trace when the file exists there.
         */
        public Builder traces(Path tracesDir, Path reportDir) {
            this.tracesDir = requireNonNull(tracesDir, "tracesDir");
            this.reportDir = reportDir;
            return this;
        }

        public RunRecorder build() {
            if (clock == null) {
                throw new IllegalStateException("clock: not set (expected: the run's SimClock)");
            }
            return new RunRecorder(this);
        }
    }
}
