package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.testing.AdminTokens;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceTrace;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.CliRun;
import io.mdmsim.scenarios.LoopbackWorld;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards on loopback merged by {@code mdmsim report merge}: the merged report equals, in counts, the report of one run
 * of the whole population with the same seed. Twice: {@code mdmsim run SCENARIO --shard I/3} in three processes, each
 * shard with its own world, and {@code mdmsim devices --shard I/3 --report DIR}, three at once (in this JVM: a process
 * each adds only start-up time here) against one shared fake ABM and MDM.
 */
class ShardMergeTest {

    private static final long SEED = 5;
    private static final int DEVICES = 6;

    @TempDir
    Path dir;

    /** A fake ABM and our MDM with every device assigned, the token uploaded and the DEP sync done. */
    private record World(FakeAbmServer abm, MdmServer mdm) implements AutoCloseable {

        static World start(SimPki pki) {
            SimClock clock = SimClock.system();
            FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(SEED).deviceCount(DEVICES)
                    .clock(clock).devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).build());
            MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(SEED)
                    .scepCa(pki.scepCa().identity()).trustedDeviceCas(List.of(pki.appleDeviceCa().certificate()))
                    .depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofSeconds(2)).build());
            AdminTokens.register(abm.baseUri(), abm.adminToken());
            AdminTokens.register(mdm.baseUri(), mdm.adminToken());
            LoopbackWorld.assignAllAndSync(abm.baseUri(), mdm.baseUri(), "shards", DEVICES);
            return new World(abm, mdm);
        }

        @Override
        public void close() {
            mdm.close();
            abm.close();
        }
    }

    /** Runs {@code mdmsim devices} for one shard in this JVM, on a thread of its own. */
    private static CompletableFuture<CliRun> devices(URI abm, Path pkiDir, String shard, Path report) {
        return CompletableFuture.supplyAsync(() -> CliRun.run("devices", "--abm", abm.toString(), "--admin-token",
                AdminTokens.of(abm), "--pki-dir", pkiDir.toString(), "--seed", Long.toString(SEED), "--shard", shard,
                "--concurrency", "4", "--report", report.toString(), "--report-interval", "5s"),
                runnable -> Thread.ofPlatform().name("shard-" + shard).start(runnable));
    }

    private static void assertExit0(CompletableFuture<CliRun> run, String what) throws Exception {
        CliRun r = run.get(3, TimeUnit.MINUTES);
        assertEquals(0, r.exit(), what + " exited " + r.exit() + ":\n" + r.out() + r.err());
    }

    /** Starts {@code mdmsim ARGS} in its own JVM (the test's class path), its output in shard-I-N.log. */
    private Process mdmsim(String shard, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.mdmsim.scenarios.cli.Main"));
        command.addAll(List.of(args));
        Path log = dir.resolve("shard-" + shard.replace('/', '-') + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitExit(Process p, String what) throws Exception {
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish within 3 minutes");
        }
        String log = Files.readString(dir.resolve("shard-" + what.replace('/', '-') + ".log"));
        assertEquals(0, p.exitValue(), what + " exited " + p.exitValue() + ":\n" + log);
    }

    @Test
    void threeDevicesShardsAgainstOneWorldMergeIntoWhatOneRunOfTheSameSeedRecords() throws Exception {
        Path pkiDir = dir.resolve("pki");
        SimPki pki = SimPki.loadOrCreate(pkiDir, SimClock.system().now());
        List<Path> shardDirs = new ArrayList<>();
        try (World world = World.start(pki)) {
            List<CompletableFuture<CliRun>> shards = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Path d = dir.resolve("shard-" + i);
                shardDirs.add(d);
                shards.add(devices(world.abm().baseUri(), pkiDir, i + "/3", d));
            }
            for (int i = 1; i <= 3; i++) {
                assertExit0(shards.get(i - 1), i + "/3");
            }
        }
        Path single = dir.resolve("single");
        try (World world = World.start(pki)) {
            assertExit0(devices(world.abm().baseUri(), pkiDir, "1/1", single), "1/1");
        }

        RunReport whole = ReportJson.read(single);
        RunReport sum = merge(shardDirs, 0);
        assertEquals(DEVICES, whole.count(Outcome.ENROLLED), "every device enrolled in the single run");
        assertSameCounts(whole, sum, shardDirs);
        assertTrue(whole.dep().containsKey("shards"), "the run asked the fake ABM for its DEP figures: " + whole.dep());
        assertTrue(ReportJson.read(shardDirs.get(1)).dep().isEmpty(), "of shards, only the first asks");
        assertEquals(ReportJson.read(shardDirs.get(0)).dep(), sum.dep());
    }

    /**
     * {@code mdmsim run SCENARIO --shard I/3} in three processes, each with its own world on loopback, against one
     * in-process {@code mdmsim run} of the whole scenario with the same seed.
     */
    @Test
    void threeRunShardsMergeIntoWhatOneRunOfTheScenarioRecords() throws Exception {
        Path scenario = dir.resolve("shard-merge.yaml");
        Files.writeString(scenario, """
                name: shard-merge
                seed: 77
                clock: manual
                world:
                  mdm:
                    policy:
                      deviceTypeRestrictions: {ios: blocked}
                populations:
                  - name: iphones
                    count: 5
                    models: iPhone
                    os: "17"
                  - name: ipads
                    count: 7
                    models: iPad
                    os: "17"
                fleet: {keyPool: 4}
                expect:
                  - outcome: enrolled
                    population: ipads
                    threshold: rate == 1
                """);
        List<Path> shardDirs = new ArrayList<>();
        List<Process> shards = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Path d = dir.resolve("run-shard-" + i);
            shardDirs.add(d);
            shards.add(mdmsim(i + "/3", "run", scenario.toString(), "--shard", i + "/3", "--out", d.toString(),
                    "--quiet"));
        }
        for (int i = 1; i <= 3; i++) {
            awaitExit(shards.get(i - 1), i + "/3");
        }
        Path single = dir.resolve("run-single");
        CliRun run = CliRun.run("run", scenario.toString(), "--out", single.toString(), "--quiet");
        assertEquals(0, run.exit(), run.out() + run.err());

        RunReport whole = ReportJson.read(single);
        RunReport sum = merge(shardDirs, 0);
        assertEquals(7, whole.count(Outcome.ENROLLED));
        assertEquals(5, whole.count(Outcome.FAILED));
        assertEquals(5, whole.errorCountContaining("Invalid Profile"));
        assertSameCounts(whole, sum, shardDirs);
        assertEquals(unexpected(whole), unexpected(sum), "the same devices, by serial (their index is per shard)");
        Path merged = shardDirs.getFirst().resolveSibling(shardDirs.getFirst().getFileName() + "-merged");
        for (RunReport.UnexpectedDevice u : sum.unexpected()) {
            // every shard's traces are in the merged folder, each a trace 'mdmsim devices replay' reads
            DeviceTrace trace = DeviceTrace.read(merged.resolve(u.trace()));
            assertEquals(u.serialNumber(), trace.spec().serialNumber());
            assertTrue(trace.outcome().startsWith("FAILED at MACHINE_INFO: Invalid Profile"), trace.outcome());
        }
        assertEquals(3, sum.expectations().size(), "each shard's expectation, named with its shard");
        assertTrue(sum.passed());
    }

    /** {@code mdmsim report merge} of the folders; its exit code must be {@code exit}. */
    private RunReport merge(List<Path> shardDirs, int exit) throws IOException {
        Path merged = shardDirs.getFirst().resolveSibling(shardDirs.getFirst().getFileName() + "-merged");
        List<String> args = new ArrayList<>(List.of("report", "merge"));
        shardDirs.forEach(d -> args.add(d.toString()));
        args.addAll(List.of("--out", merged.toString()));
        CliRun run = CliRun.run(args.toArray(String[]::new));
        assertEquals(exit, run.exit(), run.out() + run.err());
        RunReport sum = ReportJson.read(merged);
        assertEquals(List.of("1/3", "2/3", "3/3"), sum.mergedFrom());
        assertTrue(Files.exists(merged.resolve("report.html")));
        assertTrue(Files.exists(merged.resolve("junit.xml")));
        return sum;
    }

    /** The merged report equals the single run in counts (latencies differ: each process has its own timing). */
    private static void assertSameCounts(RunReport whole, RunReport sum, List<Path> shardDirs) throws IOException {
        long parts = 0;
        for (Path d : shardDirs) {
            long devices = ReportJson.read(d).devices().total();
            assertEquals(whole.devices().total() / 3, devices, d + ": a third of the population");
            parts += devices;
        }
        assertEquals(whole.devices().total(), parts);
        assertEquals(whole.devices(), sum.devices());
        assertEquals(whole.outcomes(), sum.outcomes());
        assertEquals(whole.funnel(), sum.funnel());
        assertEquals(counts(whole), counts(sum), "completions per stage");
        assertEquals(errorCounts(whole), errorCounts(sum));
        assertEquals(whole.timeseries().stream().mapToLong(RunReport.Interval::enrolled).sum(),
                sum.timeseries().stream().mapToLong(RunReport.Interval::enrolled).sum());
        for (Stage s : sum.stages().keySet()) {
            long samples = sum.timeseries().stream().mapToLong(i -> i.stages().containsKey(s)
                    ? i.stages().get(s).count() : 0).sum();
            assertEquals(sum.stage(s).orElseThrow().count(), samples, s + ": interval histograms add up to the run's");
        }
    }

    private static Map<String, String> unexpected(RunReport r) {
        Map<String, String> m = new TreeMap<>();
        r.unexpected().forEach(u -> m.put(u.serialNumber(), u.outcome() + " at " + u.stage() + ": " + u.reason()
                + " (" + u.trace() + ")"));
        return m;
    }

    private static Map<Stage, Long> counts(RunReport r) {
        Map<Stage, Long> m = new EnumMap<>(Stage.class);
        r.stages().forEach((s, l) -> m.put(s, l.count()));
        return m;
    }

    private static Map<String, Long> errorCounts(RunReport r) {
        Map<String, Long> m = new TreeMap<>();
        r.errors().forEach(e -> m.put(e.text(), e.count()));
        return m;
    }
}
