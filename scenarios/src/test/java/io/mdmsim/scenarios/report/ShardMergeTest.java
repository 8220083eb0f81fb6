package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three shard processes ({@code mdmsim devices --shard I/3 --report DIR}) against one fake ABM and MDM on loopback;
 * their reports merged by {@code mdmsim report merge} equal, in counts, the report of one process that drives the
 * whole population of the same seed against a second, identical world.
 */
class ShardMergeTest {

    private static final long SEED = 5;
    private static final int DEVICES = 12;

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
            LoopbackWorld.assignAllAndSync(abm.baseUri(), mdm.baseUri(), "shards", DEVICES);
            return new World(abm, mdm);
        }

        @Override
        public void close() {
            mdm.close();
            abm.close();
        }
    }

    /** Starts {@code mdmsim devices} in its own JVM (the test's class path). */
    private Process devices(URI abm, Path pkiDir, String shard, Path report) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.mdmsim.scenarios.cli.Main", "devices", "--abm", abm.toString(), "--pki-dir", pkiDir.toString(),
                "--seed", Long.toString(SEED), "--shard", shard, "--concurrency", "4", "--report", report.toString(),
                "--report-interval", "5s");
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
    void threeShardProcessesMergeIntoWhatOneRunOfTheSameSeedRecords() throws Exception {
        Path pkiDir = dir.resolve("pki");
        SimPki pki = SimPki.loadOrCreate(pkiDir, SimClock.system().now());
        List<Path> shardDirs = new ArrayList<>();
        try (World world = World.start(pki)) {
            List<Process> shards = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Path d = dir.resolve("shard-" + i);
                shardDirs.add(d);
                shards.add(devices(world.abm().baseUri(), pkiDir, i + "/3", d));
            }
            for (int i = 1; i <= 3; i++) {
                awaitExit(shards.get(i - 1), i + "/3");
            }
        }
        Path single = dir.resolve("single");
        try (World world = World.start(pki)) {
            awaitExit(devices(world.abm().baseUri(), pkiDir, "1/1", single), "1/1");
        }

        Path merged = dir.resolve("merged");
        List<String> args = new ArrayList<>(List.of("report", "merge"));
        shardDirs.forEach(d -> args.add(d.toString()));
        args.addAll(List.of("--out", merged.toString()));
        CliRun run = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.out() + run.err());

        RunReport whole = ReportJson.read(single);
        RunReport sum = ReportJson.read(merged);
        assertEquals(List.of("1/3", "2/3", "3/3"), sum.mergedFrom());
        for (Path d : shardDirs) {
            long devices = ReportJson.read(d).devices().total();
            assertTrue(devices == 4, d + ": a third of the population, " + devices);
        }
        assertEquals(DEVICES, whole.devices().total());
        assertEquals(DEVICES, whole.count(Outcome.ENROLLED), "every device enrolled in the single run");
        assertEquals(whole.devices(), sum.devices());
        assertEquals(whole.outcomes(), sum.outcomes());
        assertEquals(whole.funnel(), sum.funnel());
        assertEquals(counts(whole), counts(sum), "completions per stage");
        assertEquals(errorCounts(whole), errorCounts(sum));
        assertEquals(whole.timeseries().stream().mapToLong(RunReport.Interval::enrolled).sum(),
                sum.timeseries().stream().mapToLong(RunReport.Interval::enrolled).sum());
        long samples = sum.timeseries().stream().mapToLong(i -> i.stages().containsKey(Stage.SCEP)
                ? i.stages().get(Stage.SCEP).count() : 0).sum();
        assertEquals(sum.stage(Stage.SCEP).orElseThrow().count(), samples, "interval histograms add up to the run's");
        assertTrue(Files.exists(merged.resolve("report.html")));
        assertTrue(Files.exists(merged.resolve("junit.xml")));
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
