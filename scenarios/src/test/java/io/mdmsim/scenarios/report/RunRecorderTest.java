package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Shard;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.RunReport.ExpectationResult;
import io.mdmsim.scenarios.report.RunReport.Interval;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunRecorderTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static DeviceRef ref(int i) {
        return new DeviceRef(i, String.format("SER%05d", i), "UDID-" + i);
    }

    static DeviceResult enrolled(DeviceRef d) {
        return new DeviceResult(d, Outcome.ENROLLED, Stage.DONE, null, Map.of(), Duration.ofSeconds(10));
    }

    static DeviceResult failed(DeviceRef d, Stage stage, String reason) {
        return new DeviceResult(d, Outcome.FAILED, stage, reason, Map.of(), Duration.ofSeconds(10));
    }

    /** A small run on a manual clock: 3 devices enroll, 1 fails at SCEP; DEP figures and a counter. */
    static RunReport smallRun(ManualClock clock) {
        RunRecorder r = RunRecorder.builder().scenario("small").seed(7).clock(clock).devices(4)
                .interval(Duration.ofMinutes(1)).build();
        for (int i = 0; i < 4; i++) {
            DeviceRef d = ref(i);
            r.stageEntered(d, Stage.POWER_ON);
            r.stageCompleted(d, Stage.POWER_ON, Duration.ofSeconds(1 + i));
            r.stageEntered(d, Stage.SCEP);
        }
        clock.advance(Duration.ofSeconds(70)); // interval 1
        for (int i = 0; i < 3; i++) {
            r.stageCompleted(ref(i), Stage.SCEP, Duration.ofMillis(100 * (i + 1)));
            r.deviceFinished(enrolled(ref(i)));
        }
        r.stageFailed(ref(3), Stage.SCEP, Outcome.FAILED, "The SCEP server returned an invalid response");
        r.deviceFinished(failed(ref(3), Stage.SCEP, "The SCEP server returned an invalid response"));
        r.dep("MDM A", T0.plusSeconds(10), 3000, 2500);
        r.dep("MDM A", T0.plusSeconds(65), 1000, 1500);
        r.count("commands.Acknowledged", 5);
        clock.advance(Duration.ofSeconds(70)); // interval 2: nothing happens, still one row
        return r.snapshot();
    }

    @Test
    void recordsStagesOutcomesErrorsAndIntervalsOnTheSimulatedClock() {
        RunReport report = smallRun(SimClock.manual(T0));

        assertEquals("small", report.scenario());
        assertEquals(7, report.seed());
        assertEquals("1/1", report.shard());
        assertEquals("manual", report.clock());
        assertEquals(140_000, report.durationMs());
        assertEquals(new RunReport.Devices(4, 4, 4, 3, 1), report.devices());
        assertEquals(3, report.count(Outcome.ENROLLED));
        assertEquals(1, report.count(Outcome.FAILED));
        assertEquals(0, report.count(Outcome.NEEDS_WIPE));
        assertEquals(0.75, report.rate(Outcome.ENROLLED));

        Latency scep = report.stage(Stage.SCEP).orElseThrow();
        assertEquals(3, scep.count());
        assertEquals(100.0, scep.minMs(), 0.1);
        assertEquals(200.0, scep.p50Ms(), 0.2);
        assertEquals(300.0, scep.maxMs(), 0.3);
        assertEquals(Duration.ofMillis(300), scep.percentile(99).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertEquals(2.0 / 3, scep.shareAtOrBelow(Duration.ofMillis(250)), 1e-9);
        assertEquals(4, report.stage(Stage.POWER_ON).orElseThrow().count());
        assertTrue(report.stage(Stage.TOKEN_UPDATE).isEmpty());

        assertEquals(new RunReport.FunnelStep(4, 3, 1), report.funnel().get(Stage.SCEP));
        assertEquals(1, report.errorCount("The SCEP server returned an invalid response"));
        assertEquals(1, report.errorCountContaining("invalid response"));
        assertEquals(0, report.errorCount("invalid response"));
        RunReport.ErrorCount err = report.errors().getFirst();
        assertEquals(Stage.SCEP, err.stage());
        assertEquals("device #3 SER00003 (UDID-3)", err.exampleDevice());

        assertEquals(1, report.unexpected().size());
        assertEquals("SER00003", report.unexpected().getFirst().serialNumber());
        assertEquals(5, report.counter("commands.Acknowledged"));
        assertEquals(0, report.counter("nothing"));

        List<Interval> ts = report.timeseries();
        assertEquals(3, ts.size(), "every interval up to the report, none skipped");
        assertEquals(List.of(0L, 60_000L, 120_000L), ts.stream().map(Interval::startMs).toList());
        assertEquals(4, ts.get(0).started());
        assertEquals(4, ts.get(0).active());
        assertEquals(3, ts.get(1).enrolled());
        assertEquals(4, ts.get(1).finished());
        assertEquals(0, ts.get(1).active());
        assertEquals(1, ts.get(1).errors());
        assertEquals(3, ts.get(1).stages().get(Stage.SCEP).count());
        assertFalse(ts.get(0).stages().containsKey(Stage.SCEP));
        assertEquals(new RunReport.DepCount(3000, 2500), ts.get(0).dep().get("MDM A"));
        assertEquals(new RunReport.DepCount(1000, 1500), ts.get(1).dep().get("MDM A"));

        RunReport.DepTotals dep = report.dep("MDM A").orElseThrow();
        assertEquals(4000, dep.visible());
        assertEquals(4000, dep.fetched());
        assertEquals(3000, dep.visiblePeakPerMinute());
        assertEquals(2500, dep.fetchedPeakPerMinute());
        assertEquals(2000, dep.fetchedMeanPerMinute());
        assertTrue(report.dep("MDM B").isEmpty());
    }

    @Test
    void sameInputsOnAManualClockGiveTheSameJsonButForTheWallClockKey() {
        RunReport a = smallRun(SimClock.manual(T0));
        RunReport b = smallRun(SimClock.manual(T0));
        assertEquals(ReportJson.toJson(withoutWall(a)), ReportJson.toJson(withoutWall(b)));
        assertNotEquals(a.wallClock().startedAt(), "");
    }

    static RunReport withoutWall(RunReport r) {
        return new RunReport(r.format(), r.scenario(), r.seed(), r.shard(), r.mergedFrom(), r.clock(), r.intervalMs(),
                r.durationMs(), r.versions(), r.devices(), r.outcomes(), r.stages(), r.funnel(), r.errors(), r.dep(),
                r.counters(), r.timeseries(), r.expectations(), r.unexpected(),
                new RunReport.WallClock("", "", 0, ""));
    }

    @Test
    void jsonRoundTripKeepsEverythingIncludingHistograms() {
        RunReport report = smallRun(SimClock.manual(T0)).withExpectations(List.of(
                new ExpectationResult("95th percentile of scep", "< 2s", "0.3s", true),
                new ExpectationResult("enrolled rate", ">= 0.99", "0.75", false)));
        String json = ReportJson.toJson(report);
        RunReport back = ReportJson.fromJson(json, "report.json");
        assertEquals(report, back);
        assertEquals(json, ReportJson.toJson(back));
        assertFalse(back.passed());
        assertTrue(json.contains("\"passed\" : false"), json);
        assertEquals(report.stage(Stage.SCEP).orElseThrow().toHistogram(),
                back.stage(Stage.SCEP).orElseThrow().toHistogram());
    }

    @Test
    void recordsFromManyThreadsWithoutLosingAnything() throws Exception {
        ManualClock clock = SimClock.manual(T0);
        RunRecorder r = RunRecorder.builder().clock(clock).shard(new Shard(2, 3)).devices(2000).build();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2000; i++) {
                int n = i;
                pool.submit(() -> {
                    DeviceRef d = ref(n);
                    for (Stage s : List.of(Stage.POWER_ON, Stage.CLOUD_CONFIG, Stage.SCEP)) {
                        r.stageEntered(d, s);
                        r.stageCompleted(d, s, Duration.ofMillis(n % 500));
                    }
                    if (n % 10 == 0) {
                        r.stageFailed(d, Stage.AUTHENTICATE, Outcome.FAILED, "error " + (n % 3));
                        r.deviceFinished(failed(d, Stage.AUTHENTICATE, "error " + (n % 3)));
                    } else {
                        r.deviceFinished(enrolled(d));
                    }
                    if (n % 100 == 0) {
                        clock.advance(Duration.ofSeconds(30));
                    }
                });
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
        }
        RunReport report = r.snapshot();
        assertEquals("2/3", report.shard());
        assertEquals(1800, report.count(Outcome.ENROLLED));
        assertEquals(200, report.count(Outcome.FAILED));
        assertEquals(2000, report.stage(Stage.SCEP).orElseThrow().count());
        assertEquals(200, report.errorTotal());
        assertEquals(2000, report.timeseries().stream().mapToLong(Interval::started).sum());
        assertEquals(1800, report.timeseries().stream().mapToLong(Interval::enrolled).sum());
        assertEquals(2000, report.timeseries().stream()
                .mapToLong(i -> i.stages().containsKey(Stage.SCEP) ? i.stages().get(Stage.SCEP).count() : 0).sum());
        assertEquals(0, report.timeseries().getLast().active());
    }

    @Test
    void errorKindsAreBoundedAndTheRestCountedTogether() {
        RunRecorder r = RunRecorder.builder().clock(SimClock.manual(T0)).build();
        for (int i = 0; i < RunRecorder.MAX_ERROR_KINDS + 50; i++) {
            r.error("device " + i, Stage.SCEP, "error number " + i);
        }
        RunReport report = r.snapshot();
        assertEquals(RunRecorder.MAX_ERROR_KINDS + 1, report.errors().size());
        assertEquals(RunRecorder.MAX_ERROR_KINDS + 50, report.errorTotal());
        assertEquals(50, report.errorCount(RunRecorder.OTHER_ERRORS));
        assertEquals(RunRecorder.OTHER_ERRORS, report.errors().getFirst().text(), "most frequent first");
    }

    @Test
    void eventsLongAfterTheLastIntervalCountInIt() {
        ManualClock clock = SimClock.manual(T0);
        RunRecorder r = RunRecorder.builder().clock(clock).interval(Duration.ofMillis(1)).build();
        clock.advance(Duration.ofDays(3));
        r.error(null, null, "late");
        r.dep("S", T0.minusSeconds(5), 1, 1); // before the start: the first interval
        RunReport report = r.snapshot();
        assertEquals(RunRecorder.MAX_INTERVALS, report.timeseries().size());
        assertEquals(1, report.timeseries().getLast().errors());
        assertEquals(1, report.timeseries().getFirst().dep().get("S").visible());
    }

    @Test
    void badSettingsAndFiguresAreRefusedWithWhatWasExpected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RunRecorder.builder().interval(Duration.ofMillis(0)));
        assertEquals("interval: PT0S (expected: 1ms..1d)", e.getMessage());
        var s = assertThrows(IllegalStateException.class, () -> RunRecorder.builder().build());
        assertEquals("clock: not set (expected: the run's SimClock)", s.getMessage());
        RunRecorder r = RunRecorder.builder().clock(SimClock.manual(T0)).build();
        e = assertThrows(IllegalArgumentException.class, () -> r.dep("S", T0, -1, 0));
        assertEquals("visible: -1, fetched: 0 (expected: >= 0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.plan(-2));
        assertEquals("devices: -2 (expected: >= 0)", e.getMessage());
    }

    @Test
    void latenciesMergeExactly() {
        List<Duration> all = new ArrayList<>();
        List<Duration> a = new ArrayList<>();
        List<Duration> b = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            Duration d = Duration.ofMillis(i * 7L % 3001);
            all.add(d);
            (i % 3 == 0 ? a : b).add(d);
        }
        Latency merged = Latency.merge(List.of(Latency.of(a), Latency.of(b)));
        assertEquals(Latency.of(all), merged);
        assertNotEquals((Latency.of(a).p95Ms() + Latency.of(b).p95Ms()) / 2, merged.p95Ms(),
                "a merge is not the average of percentiles");
    }

    @Test
    void aBadStoredHistogramIsRefusedWithAClearError() {
        Latency good = Latency.of(List.of(Duration.ofSeconds(1)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Latency(1, 1, 1, 1, 1, 1, 1, 1, "%%%").toHistogram());
        assertEquals("histogram: not base64 (expected: an HdrHistogram, compressed, base64)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Latency(1, 1, 1, 1, 1, 1, 1, 1, "AAAA").toHistogram());
        assertEquals("histogram: 3 bytes (expected: an HdrHistogram, compressed, base64)", e.getMessage());
        byte[] bytes = java.util.Base64.getDecoder().decode(good.histogram());
        bytes[bytes.length - 3] ^= 0x55;
        String corrupt = java.util.Base64.getEncoder().encodeToString(bytes);
        e = assertThrows(IllegalArgumentException.class,
                () -> new Latency(1, 1, 1, 1, 1, 1, 1, 1, corrupt).toHistogram());
        assertTrue(e.getMessage().startsWith("histogram: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> good.percentileMs(101));
        assertEquals("percentile: 101.0 (expected: 0..100)", e.getMessage());
    }

    @Test
    void aBadReportFileIsRefusedWithFileLineAndField() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReportJson.fromJson("{", "r.json"));
        assertTrue(e.getMessage().startsWith("r.json:1:2: not JSON ("), e.getMessage());
        String json = ReportJson.toJson(smallRun(SimClock.manual(T0)));
        e = assertThrows(IllegalArgumentException.class,
                () -> ReportJson.fromJson(json.replace("\"format\" : 1", "\"format\" : 9"), "r.json"));
        assertEquals("r.json: format 9 (expected: 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ReportJson.fromJson(json.replace("\"seed\" : 7", "\"seed\" : 7, \"colour\" : 1"), "r.json"));
        assertTrue(e.getMessage().startsWith("r.json:"), e.getMessage());
        assertTrue(e.getMessage().contains("colour: Unrecognized field \"colour\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ReportJson.fromJson(json.replace("\"SCEP\" : {", "\"SCEPX\" : {"), "r.json"));
        assertTrue(e.getMessage().contains("SCEPX"), e.getMessage());
    }
}
