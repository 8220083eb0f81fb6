package io.mdmsim.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.MdmsimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on {@code mdmsim run}, as a user presses it: a real process gets SIGINT while its devices wait; the devices
 * stop, the summary prints with the expectations decided on what happened, the report folder and the unfinished
 * devices' traces are written, and the exit code is 130.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RunInterruptTest {

    @TempDir
    Path dir;

    @Test
    void sigintPrintsTheSummaryWritesTheReportAndExits130() throws Exception {
        Path f = dir.resolve("waiting.yaml");
        Files.writeString(f, """
                seed: 9
                clock: wall
                deadline: 2h
                populations:
                  - name: away          # every user waits an hour before SCEP: still running when Ctrl-C comes
                    count: 2
                    models: iPhone
                    os: "17"
                    behaviour: {scepDelayShare: 1, scepDelay: 1h}
                fleet: {keyPool: 2}
                expect:
                  - {outcome: enrolled, threshold: rate == 1}
                """);
        Path out = dir.resolve("report");
        try (MdmsimProcess run = MdmsimProcess.start(dir, "run", "run", f.toString(), "--out", out.toString())) {
            run.awaitOut("funnel .*scep 2", Duration.ofSeconds(90));
            run.signal("INT");
            assertEquals(130, run.waitFor(Duration.ofSeconds(60)), run.out() + run.err());
            String text = run.out();
            assertTrue(text.contains("✗ devices enrolled"), text);
            assertTrue(text.contains("interrupted 2"), text);
            assertTrue(text.contains("stopped by Ctrl-C or SIGTERM: 2 devices had not finished; exit 130"), text);
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertEquals(2, report.path("outcomes").path("INTERRUPTED").asInt(), report.toPrettyString());
            assertTrue(Files.readString(out.resolve("junit.xml")).contains("<failure"));
            try (var traces = Files.list(out.resolve("traces"))) {
                assertEquals(2, traces.count(), "the unfinished devices' traces");
            }
        }
    }
}
