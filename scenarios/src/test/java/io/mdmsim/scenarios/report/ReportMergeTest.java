package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.device.Shard;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.CliRun;
import io.mdmsim.scenarios.report.RunReport.Interval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMergeTest {

    @TempDir
    Path dir;

    static List<RunReport> shards(int devices, long seed) {
        return List.of(SampleRun.record(devices, seed, new Shard(1, 3)), SampleRun.record(devices, seed,
                new Shard(2, 3)), SampleRun.record(devices, seed, new Shard(3, 3)));
    }

    /** Everything but the wall clock, the shard labels, expectations and the order of the unexpected devices. */
    static void assertSameCounts(RunReport whole, RunReport merged) {
        assertEquals(whole.devices(), merged.devices());
        assertEquals(whole.outcomes(), merged.outcomes());
        assertEquals(whole.stages(), merged.stages(), "histograms merged exactly: the same as one run's");
        assertEquals(whole.funnel(), merged.funnel());
        assertEquals(whole.errors(), merged.errors());
        assertEquals(whole.dep(), merged.dep());
        assertEquals(whole.counters(), merged.counters());
        assertEquals(whole.durationMs(), merged.durationMs());
        assertEquals(whole.timeseries(), merged.timeseries());
        assertEquals(new HashSet<>(whole.unexpected()), new HashSet<>(merged.unexpected()));
    }

    @Test
    void threeShardsMergeIntoWhatOneRunRecords() {
        RunReport whole = SampleRun.record(300, 5);
        RunReport merged = ReportMerge.merge(shards(300, 5));
        assertSameCounts(whole, merged);
        assertEquals(List.of("1/3", "2/3", "3/3"), merged.mergedFrom());
        assertEquals(300, merged.devices().total());
        Latency scep = merged.stage(Stage.SCEP).orElseThrow();
        assertEquals(whole.stage(Stage.SCEP).orElseThrow().p95Ms(), scep.p95Ms());
        assertEquals(9, merged.expectations().size());
        assertEquals("[2/3] enrolled rate", merged.expectations().get(4).name());
        assertFalse(merged.passed());
        assertEquals(whole.timeseries().stream().mapToLong(Interval::enrolled).sum(), merged.devices().enrolled());
        // a merged report merges again with nothing changed but its wall clock
        RunReport again = ReportJson.fromJson(ReportJson.toJson(merged), "merged");
        assertSameCounts(merged, again);
    }

    @Test
    void reportsOfDifferentRunsAreRefusedWithWhatDiffers() {
        List<RunReport> parts = shards(30, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge(List.of(parts.get(0),
                SampleRun.record(30, 6, new Shard(2, 3)))));
        assertEquals("seed: 6 in shard 2/3 (expected: 5 as in shard 1/3; only the shards of one run merge)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge(List.of(parts.get(0),
                parts.get(0))));
        assertEquals("shard 1/3 appears twice (expected: each shard once)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge(List.of(parts.get(0),
                SampleRun.record(30, 5, new Shard(2, 4)))));
        assertEquals("shards 1/3, 2/4 are cut differently (expected: i/n with the same n)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge(List.of()));
        assertEquals("reports: none (expected: the reports of at least one shard)", e.getMessage());
    }

    @Test
    void theMergeCommandWritesTheMergedFolderWithEveryShardsTraces() throws Exception {
        List<RunReport> parts = shards(90, 5);
        for (int i = 0; i < parts.size(); i++) {
            Path d = dir.resolve("shard-" + (i + 1));
            ReportFolder.write(d, parts.get(i));
            Files.writeString(ReportFolder.traces(d).resolve("SERIAL" + i + ".jsonl"), "{}\n");
        }
        Path out = dir.resolve("merged");
        CliRun run = CliRun.run("report", "merge", dir.resolve("shard-1").toString(),
                dir.resolve("shard-2").toString(), dir.resolve("shard-3").toString(), "--out", out.toString());
        assertEquals(1, run.exit(), "a shard's expectation failed: " + run.out() + run.err());
        assertTrue(run.out().startsWith("merged 3 reports of sample (seed 5, shards 1/3, 2/3, 3/3): 90 devices,"),
                run.out());
        assertTrue(run.out().contains("\u2717 [1/3] enrolled rate: expected >= 0.99, actual 0.86"), run.out());
        RunReport merged = ReportJson.read(out);
        assertSameCounts(SampleRun.record(90, 5), merged);
        for (String f : List.of("report.html", "junit.xml", "timeseries.csv", "traces/SERIAL0.jsonl",
                "traces/SERIAL1.jsonl", "traces/SERIAL2.jsonl")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
    }

    @Test
    void withTheScenarioItsExpectationsAreEvaluatedAgainOnTheMergedReport() throws Exception {
        List<RunReport> parts = shards(90, 5);
        for (int i = 0; i < parts.size(); i++) {
            ReportFolder.write(dir.resolve("s" + (i + 1)), parts.get(i));
        }
        RunReport whole = SampleRun.record(90, 5);
        Path scenario = dir.resolve("sample.yaml");
        Files.writeString(scenario, """
                populations: [{name: all, count: 90}]
                expect:
                  - {name: enrolled rate, outcome: enrolled, threshold: rate >= 0.99}
                  - {name: enrolled count, outcome: enrolled, threshold: count == %d}
                """.formatted(whole.devices().enrolled()));
        Path out = dir.resolve("again");
        CliRun run = CliRun.run("report", "merge", dir.resolve("s1").toString(), dir.resolve("s2").toString(),
                dir.resolve("s3").toString(), "--scenario", scenario.toString(), "--out", out.toString());
        RunReport merged = ReportJson.read(out);
        assertEquals("enrolled rate", merged.expectations().get(0).name(), merged.expectations().toString());
        assertEquals(rate(whole) + " (" + whole.devices().enrolled() + " of 90)",
                merged.expectations().get(0).actual());
        assertTrue(merged.expectations().get(1).passed(), merged.expectations().toString());
        assertTrue(merged.expectations().stream().noneMatch(e -> e.name().equals("[1/3] enrolled rate")),
                "the shards' own evaluation of a re-evaluated expectation is left out");
        assertEquals(merged.passed() ? 0 : 1, run.exit(), run.out() + run.err());
        assertTrue(Files.readString(out.resolve("junit.xml")).contains("name=\"enrolled count\""));
        CliRun bad = CliRun.run("report", "merge", dir.resolve("s1").toString(), "--scenario",
                dir.resolve("none.yaml").toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("none.yaml: no such file"), bad.err());
    }

    private static String rate(RunReport r) {
        double v = (double) r.devices().enrolled() / r.devices().total();
        return v == 1 ? "1" : String.format(java.util.Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    }

    @Test
    void theMergeCommandSaysWhatIsWrongWithItsInput() throws Exception {
        CliRun run = CliRun.run("report", "merge", dir.resolve("nowhere").toString(), "--out",
                dir.resolve("m").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains(dir.resolve("nowhere") + ": not a folder (expected: a report folder with"
                + " report.json)"), run.err());
        Files.createDirectories(dir.resolve("bad"));
        Files.writeString(dir.resolve("bad/report.json"), "{\"format\": 1, \"scenario\": 3");
        run = CliRun.run("report", "merge", dir.resolve("bad").toString(), "--out", dir.resolve("m").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("report.json:1:"), run.err());
        assertTrue(run.err().contains("not JSON"), run.err());
        run = CliRun.run("report", "merge");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("Missing required parameter: 'DIR'"), run.err());
    }
}
