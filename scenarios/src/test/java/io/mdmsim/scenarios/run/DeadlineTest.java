package io.mdmsim.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario always ends: a device stuck in a stage ends timed out at that stage (the scenario's stageTimeouts), a
 * device still running at the scenario's deadline ends timed out where it was, and the run still writes its summary,
 * its report (TIMED_OUT among the outcomes) and the stuck devices' traces.
 */
class DeadlineTest {

    @TempDir
    Path dir;

    @Test
    void stuckDevicesEndTimedOutAtTheirStageAndTheReportSaysSo() throws IOException {
        Path f = dir.resolve("stuck.yaml");
        Files.writeString(f, """
                seed: 5
                clock: manual
                deadline: 1h
                stageTimeouts: {awaiting-configuration: 20m}
                populations:
                  - {name: punctual, count: 1, models: iPhone, os: "17"}
                  - name: never-released      # answers NotNow to every command, DeviceConfigured too
                    count: 1
                    models: iPhone
                    os: "17"
                    behaviour: {notNow: {"*": 1}}
                  - name: away                # the user leaves for 2 hours before SCEP
                    count: 1
                    models: iPhone
                    os: "17"
                    behaviour: {scepDelayShare: 1, scepDelay: 2h}
                fleet: {keyPool: 2}
                expect:
                  - {outcome: enrolled, population: punctual, threshold: rate == 1}
                  - {outcome: timed-out, population: never-released, threshold: rate == 1}
                  - {outcome: timed-out, threshold: count == 2}
                """);
        Path out = dir.resolve("report");
        CliRun r = CliRun.run("run", f.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("deadline       1h reached: devices still running end now, as timed out"),
                r.out());
        assertTrue(r.out().contains("no progress within the AWAITING_CONFIGURATION timeout of 20m; last answer:"),
                r.out());
        assertTrue(r.out().contains("the scenario's deadline of 1h passed\n           at scep"), r.out());
        assertTrue(r.out().contains("enrolled 1 · timed-out 2"), r.out());

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(2, report.path("outcomes").path("TIMED_OUT").asInt(), report.toPrettyString());
        assertEquals(0, report.path("outcomes").path("INTERRUPTED").asInt(), report.toPrettyString());
        assertEquals(3, report.path("devices").path("finished").asInt(), report.toPrettyString());
        try (var traces = Files.list(out.resolve("traces"))) {
            assertEquals(2, traces.count(), "the two stuck devices' traces");
        }
    }

    @Test
    void aStageTimeoutMustBeAStageBeforeManagedAndMoreThanZero() throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                clock: manual
                stageTimeouts:
                  managed: 1h
                  scep: 0s
                  profile: 5 minutes
                populations: [{name: p, count: 1, models: iPhone, os: "17"}]
                """);
        CliRun r = CliRun.run("validate", f.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(f + ":3:3: stageTimeouts.managed: unknown name (expected: one of default,"
                + " power-on,"), r.err());
        assertTrue(!r.err().contains("company-portal, managed"), r.err());
        assertTrue(r.err().contains(f + ":4:3: stageTimeouts.scep: 0s (expected: more than 0)"), r.err());
        assertTrue(r.err().contains(f + ":5:3: stageTimeouts.profile: '5 minutes' (expected: a duration such as"
                + " 250ms, 30s, 16m, 1h30m or 7d)"), r.err());
    }
}
