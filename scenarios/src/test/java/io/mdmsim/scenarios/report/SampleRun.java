package io.mdmsim.scenarios.report;

import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Shard;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.RunReport.ExpectationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A recorded run made up in the test (no fleet): devices of a population, or one shard of it, walk a few stages on a
 * manual clock over several minutes; every 7th fails at SCEP; the DEP side of one MDM server per minute.
 */
final class SampleRun {

    static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");
    static final List<Stage> STAGES = List.of(Stage.POWER_ON, Stage.CLOUD_CONFIG, Stage.MACHINE_INFO, Stage.SCEP,
            Stage.TOKEN_UPDATE, Stage.AWAITING_CONFIGURATION);

    private SampleRun() { }

    /** The whole population of {@code devices}. */
    static RunReport record(int devices, long seed) {
        return record(devices, seed, Shard.ALL);
    }

    /** The devices of one shard (by index: device i belongs to shard i % count + 1), the same figures per device. */
    static RunReport record(int devices, long seed, Shard shard) {
        ManualClock clock = SimClock.manual(T0);
        RunRecorder r = RunRecorder.builder().scenario("sample").seed(seed).shard(shard).clock(clock)
                .interval(Duration.ofMinutes(1)).build();
        int minutes = 6;
        for (int m = 0; m < minutes; m++) {
            for (int i = 0; i < devices; i++) {
                if (i * minutes / devices != m || i % shard.count() != shard.index() - 1) {
                    continue;
                }
                r.plan(1);
                run(r, i, new SplittableRandom(seed * 31 + i));
            }
            long visible = 0;
            for (int i = 0; i < devices; i++) {
                if (i * minutes / devices == m && i % shard.count() == shard.index() - 1) {
                    visible++;
                }
            }
            r.dep("mdmsim MDM", clock.now(), visible, m == 0 ? 0 : visible);
            clock.advance(Duration.ofMinutes(1));
        }
        r.count("commands.Acknowledged", devices / shard.count());
        return r.snapshot().withExpectations(List.of(
                new ExpectationResult("95th percentile of SCEP", "< 2s", "0.9s", true),
                new ExpectationResult("enrolled rate", ">= 0.99", "0.86", false),
                new ExpectationResult("errors \"The SCEP server returned an invalid response\"", "== 5", "5", true)));
    }

    private static void run(RunRecorder r, int i, SplittableRandom random) {
        DeviceRef d = new DeviceRef(i, String.format("F2LX%08d", i), String.format("00008030-%016X", (long) i));
        for (Stage s : STAGES) {
            r.stageEntered(d, s);
            if (s == Stage.SCEP && i % 7 == 3) {
                String reason = "The SCEP server returned an invalid response";
                r.stageFailed(d, s, Outcome.FAILED, reason);
                r.deviceFinished(new DeviceResult(d, Outcome.FAILED, s, reason, Map.of(), Duration.ofSeconds(20)));
                return;
            }
            r.stageCompleted(d, s, Duration.ofMillis(50 + random.nextInt(s.ordinal() * 200 + 100)));
        }
        r.deviceFinished(new DeviceResult(d, Outcome.ENROLLED, Stage.DONE, null, Map.of(), Duration.ofSeconds(30)));
    }
}
