package io.mdmsim.scenarios.run;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Shard;
import io.mdmsim.scenarios.console.EndSummary;
import io.mdmsim.scenarios.console.LiveProgress;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.Durations;
import io.mdmsim.scenarios.model.ExpectationSpec;
import io.mdmsim.scenarios.model.FleetSpec;
import io.mdmsim.scenarios.model.LoadSpec;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.model.Threshold;
import io.mdmsim.scenarios.model.Where;
import io.mdmsim.scenarios.report.DepFigures;
import io.mdmsim.scenarios.report.ReportFolder;
import io.mdmsim.scenarios.report.RunRecorder;
import io.mdmsim.scenarios.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a scenario: starts its world, provisions it as its administrators would, runs the populations' devices with
 * the load model's arrivals and the timed actions on the scenario's clock (driving a manual clock itself), ends
 * devices still running at the deadline, evaluates the expectations on the recorded run, writes the report folder
 * and prints the summary.
 */
public final class ScenarioRunner {

    /** Where a manual clock starts: a fixed instant, so runs with the same seed record the same times. */
    public static final Instant MANUAL_START = Instant.parse("2026-01-05T09:00:00Z");

    /**
     * How to run.
     *
     * @param out      the report folder, null for none
     * @param quiet    print only the summary
     * @param terminal redraw progress in place (a terminal) rather than append blocks
     * @param shard    the part of the population this process runs
     * @param pkiDir   keep the simulator PKI in this directory (null: in memory)
     */
    public record Options(Path out, boolean quiet, boolean terminal, Shard shard, Path pkiDir) {
    }

    /**
     * How the run ended: every device finished and every action ran, the deadline passed, it stalled (a manual clock
     * that could not move while nothing happened for minutes of real time), or it was stopped.
     */
    public enum End { FINISHED, DEADLINE, STALLED, STOPPED }

    /**
     * How the run went: its report (with the expectations), what was written, and how it ended ({@link End#STOPPED}:
     * the running thread was interrupted, e.g. by Ctrl-C; the devices still running ended INTERRUPTED).
     */
    public record Outcome(RunReport report, List<Path> written, End end) {
        public boolean passed() {
            return report.passed();
        }
    }

    private final Scenario scenario;
    private final Options options;
    private final PrintWriter out;

    public ScenarioRunner(Scenario scenario, Options options, PrintWriter out) {
        this.scenario = scenario;
        this.options = options;
        this.out = out;
    }

    /** Runs the whole scenario; a refused setup step the scenario wrote is a ScenarioException at its place. */
    public Outcome run() {
        long realStart = System.nanoTime();
        SimClock clock = switch (scenario.clock()) {
            case ClockSpec.Manual m -> SimClock.manual(MANUAL_START);
            case ClockSpec.Scaled s -> SimClock.scaled(s.factor());
            case ClockSpec.Wall w -> SimClock.system();
        };
        Consumer<String> log = line -> {
            if (!options.quiet()) {
                out.println("  " + line);
                out.flush();
            }
        };
        if (!options.quiet()) {
            out.printf("mdmsim run: scenario %s%s, seed %d, clock %s%s%n", scenario.name(),
                    scenario.file() == null ? "" : " (" + scenario.file() + ")", scenario.seed(),
                    scenario.clock().text(), options.shard() == Shard.ALL ? "" : ", shard " + options.shard());
        }
        Path pkiDir = null;
        SimPki pki;
        if (options.pkiDir() != null) {
            pki = SimPki.loadOrCreate(options.pkiDir(), clock.now());
        } else if (scenario.world().mdm().process()) {
            try {
                pkiDir = Files.createTempDirectory("mdmsim-pki");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pki = SimPki.loadOrCreate(pkiDir, clock.now());
        } else {
            pki = SimPki.create(clock.now());
        }
        Instant worldStart = clock.now(); // the time series starts with the world: on a running clock setup takes time
        boolean made = DevicePlan.madeFromPopulations(scenario);
        List<DevicePlan.Device> madeDevices = made ? DevicePlan.make(scenario) : List.of();
        int inventory = made || scenario.world().abm().devices() == null ? 0 : scenario.world().abm().devices();
        try (LiveWorld world = LiveWorld.start(scenario, clock, pki, options.pkiDir() != null ? options.pkiDir()
                : pkiDir, inventory)) {
            log.accept(String.format("fake ABM       %s", world.abmUri()));
            log.accept(String.format("MDM            %s%s", world.mdmUri(), world.mdmInProcess() ? ""
                    : scenario.world().mdm().process() ? " (mdmsim mdm in its own process)" : " (system under test)"));
            Provisioner prov = new Provisioner(scenario, world, clock, log);
            prov.organizations();
            prov.inventory(madeDevices);
            prov.mdmPolicy();
            prov.servers();
            List<DevicePlan.Device> devices;
            if (made) {
                devices = madeDevices;
            } else {
                List<DeviceSpec> missing = new ArrayList<>();
                devices = DevicePlan.pick(scenario, scenario.populations().isEmpty() ? List.of()
                        : prov.abmDevices(), missing);
                if (!missing.isEmpty()) {
                    prov.addMissing(devices.stream().filter(d -> missing.contains(d.spec())).toList());
                }
            }
            Path outDir = options.out();
            prov.populationsAndTokens(devices, outDir != null ? outDir : Path.of("."));
            return runDevices(world, clock, pki, prov, devices, log, realStart, worldStart);
        } finally {
            if (pkiDir != null) {
                deleteQuietly(pkiDir);
            }
        }
    }

    private Outcome runDevices(LiveWorld world, SimClock clock, SimPki pki, Provisioner prov,
                               List<DevicePlan.Device> all, Consumer<String> log, long realStart,
                               Instant worldStart) {
        // this shard's devices, in the order they arrive, with their arrival times
        Set<String> mine = new HashSet<>();
        options.shard().select(all.stream().map(DevicePlan.Device::spec).toList())
                .forEach(d -> mine.add(d.serialNumber()));
        List<DevicePlan.Device> shard = all.stream().filter(d -> mine.contains(d.spec().serialNumber())).toList();
        boolean arriving = scenario.load() instanceof LoadSpec.ConstantArrivalRate
                || scenario.load() instanceof LoadSpec.RampingArrivalRate;
        List<DevicePlan.Device> ordered = arriving ? DevicePlan.arrivalOrder(shard, scenario.seed()) : shard;
        List<Duration> arrivals = scenario.load().arrivals(ordered.size());
        List<DevicePlan.Device> running = ordered.subList(0, arrivals.size());
        if (arrivals.size() < ordered.size()) {
            log.accept(String.format("load           %d of %d devices arrive before the load ends", arrivals.size(),
                    ordered.size()));
        }

        Path outDir = options.out();
        Instant start = clock.now();
        Duration interval = interval(arrivals);
        RunRecorder.Builder rb = RunRecorder.builder().scenario(scenario.name()).seed(scenario.seed())
                .shard(options.shard()).clock(clock).start(worldStart).interval(interval).devices(running.size());
        FleetSpec fleet = scenario.fleet();
        String traces = fleet.traces() == null ? "failed" : fleet.traces();
        if (outDir != null && !traces.equals("none")) {
            rb.traces(ReportFolder.traces(outDir), outDir);
        }
        RunRecorder recorder = rb.build();
        Activity activity = new Activity();
        ShownErrors shown = new ShownErrors(recorder);
        CountingClock devicesClock = new CountingClock(clock);
        ActionRunner actions = new ActionRunner(scenario, world, clock, start, prov.tokenNames(),
                prov.serialsByPopulation(), log);
        Instant deadline = scenario.deadline() == null ? Instant.MAX : start.plus(scenario.deadline());

        Map<String, DeviceResult> results = new ConcurrentHashMap<>();
        List<Thread> fleets = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (LiveProgress progress = options.quiet() ? null
                : new LiveProgress(out, options.terminal(), clock, running.size())) {
            RunDeadline runDeadline = new RunDeadline(scenario.deadline(), progress == null
                    ? Listeners.of(recorder, shown, activity) : Listeners.of(recorder, shown, activity, progress));
            FleetListener listener = runDeadline;
            for (Map.Entry<URI, List<Integer>> group : FleetPlan.groups(world, running).entrySet()) {
                FleetConfig config = new FleetPlan(scenario).fleetConfig(world, pki, devicesClock, listener, outDir, traces, running,
                        arrivals, group.getKey(), group.getValue());
                Thread t = Thread.ofPlatform().name("fleet-" + fleets.size()).unstarted(() -> {
                    try {
                        FleetResult r = DeviceFleet.run(config);
                        r.devices().forEach(d -> results.put(d.device().serialNumber(), runDeadline.apply(d)));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                devicesClock.ignore(t);
                fleets.add(t);
            }
            fleets.forEach(Thread::start);
            End end;
            if (clock instanceof ManualClock manual) {
                end = new ManualDriver(manual, devicesClock, activity, actions, deadline, start,
                        sorted(arrivals), new FleetPlan(scenario).concurrency(running.size())).drive();
            } else {
                end = runOnClock(clock, actions, fleets, deadline);
            }
            boolean stopped = end == End.STOPPED || Thread.interrupted(); // the summary and report still come
            if (stopped) {
                log.accept("stopped        devices still running end now, as interrupted");
                end = End.STOPPED;
                fleets.forEach(Thread::interrupt);
            } else if (end == End.DEADLINE) {
                log.accept("deadline       " + Durations.format(scenario.deadline()) + " reached: devices still"
                        + " running end now, as timed out");
                runDeadline.pass(null);
                fleets.forEach(Thread::interrupt);
            } else if (end == End.STALLED) {
                String why = "the run stalled: nothing happened for " + Durations.format(ManualDriver.STALL)
                        + " of real time and the manual clock could not move";
                log.accept("stalled        " + why + ": devices still running end now, as timed out");
                runDeadline.pass(why);
                fleets.forEach(Thread::interrupt);
            }
            for (Thread t : fleets) {
                join(t);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the device fleet failed: " + failure.get().getMessage(),
                        failure.get());
            }
            // the DEP side, per MDM server and interval, as the fake ABM counted it; every shard's world syncs every
            // device, so only the first shard records it (merged reports then count it once)
            if (options.shard().index() == 1) {
                DepFigures.record(world.abmAdmin().getJson(DepFigures.query(recorder)), recorder);
            }
            RunReport snapshot = recorder.snapshot();
            List<ExpectationSpec> specs = expectations(running);
            List<Verdicts.Verdict> verdicts = Verdicts.evaluate(specs, new Verdicts.Facts(running, results,
                    shown::of, snapshot, actions.results(), world.mdmAdmin()));
            RunReport report = snapshot.withExpectations(verdicts.stream().map(Verdicts.Verdict::result).toList());
            if (progress != null) {
                progress.close();
            }
            List<Path> written = new ArrayList<>();
            if (outDir != null) {
                try {
                    written.addAll(ReportFolder.write(outDir, report));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the report to " + outDir + ": " + e.getMessage(), e);
                }
            }
            EndSummary.print(out, report, actions.results().stream().map(ActionRunner.Result::toString).toList(),
                    Duration.ofNanos(System.nanoTime() - realStart), written.stream().map(Path::toString).toList());
            return new Outcome(report, written, end);
        } finally {
            fleets.forEach(Thread::interrupt);
        }
    }

    private static List<Duration> sorted(List<Duration> arrivals) {
        List<Duration> s = new ArrayList<>(arrivals);
        s.sort(null);
        return s;
    }

    /**
     * The time series' interval: about a two-thousandth of the run's longest span (its deadline, or its last arrival or
     * action), rounded up to 10 s, a minute, 10 minutes, an hour, 6 hours or a day.
     */
    private Duration interval(List<Duration> arrivals) {
        Duration span = scenario.deadline() != null ? scenario.deadline() : Duration.ZERO;
        if (!arrivals.isEmpty() && arrivals.getLast().compareTo(span) > 0) {
            span = arrivals.getLast();
        }
        if (!scenario.actions().isEmpty() && scenario.actions().getLast().at().compareTo(span) > 0) {
            span = scenario.actions().getLast().at();
        }
        for (Duration d : List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10),
                Duration.ofHours(1), Duration.ofHours(6))) {
            if (span.dividedBy(d) <= 2_000) {
                return d;
            }
        }
        return Duration.ofDays(1);
    }

    /** The scenario's expectations, or "every device enrolled" when it states none and runs devices. */
    private List<ExpectationSpec> expectations(List<DevicePlan.Device> running) {
        if (!scenario.expectations().isEmpty() || running.isEmpty()) {
            return scenario.expectations();
        }
        Where where = Where.file(scenario.file() == null ? scenario.name() : scenario.file().toString());
        return List.of(new ExpectationSpec("every device enrolled (the default expectation)",
                ExpectationSpec.Subject.OUTCOME, "enrolled", null, null, null, Threshold.parse("rate == 1"), where));
    }

    /** Wall or scaled clock: actions on time in their own thread, the deadline watched. */
    private static End runOnClock(SimClock clock, ActionRunner actions, List<Thread> fleets, Instant deadline) {
        AtomicReference<Throwable> actionFailure = new AtomicReference<>();
        Thread actionThread = Thread.ofVirtual().name("scenario-actions").start(() -> {
            try {
                actions.runOnTime();
            } catch (InterruptedException e) {
                // the deadline
            } catch (RuntimeException e) {
                actionFailure.set(e);
            }
        });
        try {
            while (fleets.stream().anyMatch(Thread::isAlive) || actionThread.isAlive()) {
                if (!clock.now().isBefore(deadline)) {
                    actionThread.interrupt();
                    return End.DEADLINE;
                }
                Duration left = Duration.between(clock.now(), deadline);
                clock.sleep(left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1));
            }
            return End.FINISHED;
        } catch (InterruptedException e) {
            actionThread.interrupt();
            return End.STOPPED;
        }
    }

    private static void join(Thread t) {
        while (true) {
            try {
                t.join();
                return;
            } catch (InterruptedException e) {
                t.interrupt();
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: nothing to do
        }
    }
}
