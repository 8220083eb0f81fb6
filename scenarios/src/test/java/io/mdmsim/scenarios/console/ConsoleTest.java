package io.mdmsim.scenarios.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live progress block and the end summary's pieces. */
class ConsoleTest {

    private static final DeviceRef A = new DeviceRef(0, "SERIALA0001", "UDID-A");
    private static final DeviceRef B = new DeviceRef(1, "SERIALB0002", "UDID-B");

    @Test
    void theBlockShowsTheFunnelTheRateErrorsByKindAndBothClocks() {
        ManualClock clock = SimClock.manual(Instant.parse("2026-01-05T09:00:00Z"));
        StringWriter text = new StringWriter();
        LiveProgress p = new LiveProgress(new PrintWriter(text), false, clock, 2);
        for (DeviceRef d : List.of(A, B)) {
            p.stageEntered(d, Stage.POWER_ON);
            p.stageEntered(d, Stage.CLOUD_CONFIG);
            p.stageEntered(d, Stage.MACHINE_INFO);
            p.stageEntered(d, Stage.SCEP);
        }
        p.errorShown(B, Stage.SCEP, "The SCEP server returned an invalid response (pkiStatus FAILURE): details");
        p.stageEntered(A, Stage.TOKEN_UPDATE);
        clock.advance(Duration.ofMinutes(2));
        p.deviceFinished(new DeviceResult(A, Outcome.ENROLLED, Stage.DONE, null, Map.of(), Duration.ofMinutes(2)));
        List<String> block = p.block();
        p.close();
        assertEquals(4, block.size(), String.join("\n", block));
        assertTrue(block.get(0).matches("  running   2m00s simulated, \\d+\\.\\d+s real   devices 2/2 started, 1 finished"
                + " \\(1 enrolled\\)"), block.get(0));
        assertEquals("  funnel    power-on 2 › cloud-config 2 › machine-info 2 › scep 2 › token-update 1 ›"
                + " awaiting-configuration 0 › home-screen 0 › enrolled 1", block.get(1));
        assertEquals("  rate      1 enrollments a minute (simulated)", block.get(2), "1 in 2 minutes, rounded");
        assertEquals("  errors    1× The SCEP server returned an invalid response (pkiStatus FAILURE)", block.get(3));
    }

    @Test
    void onATerminalTheLastBlockIsDrawnInPlace() {
        ManualClock clock = SimClock.manual(Instant.parse("2026-01-05T09:00:00Z"));
        StringWriter text = new StringWriter();
        LiveProgress p = new LiveProgress(new PrintWriter(text), true, clock, 1);
        p.stageEntered(A, Stage.POWER_ON);
        p.close();
        assertTrue(text.toString().startsWith("\r\033[2K  running "), text.toString());
        assertEquals(4, text.toString().split("\r\033\\[2K", -1).length - 1, "four lines, each cleared first");
    }

    @Test
    void errorKindsAreTheTextUpToItsDetails() {
        assertEquals("the MDM refused Authenticate",
                LiveProgress.kind("the MDM refused Authenticate: 403 io.mdmsim.enrollment.personal-blocked; ..."));
        assertEquals("Invalid Profile: The configuration for your iPhone could not be downloaded fr...",
                LiveProgress.kind("Invalid Profile: The configuration for your iPhone could not be downloaded from"
                        + " 127.0.0.1: 403 io.mdmsim.enrollment.platform-blocked (...)"), "at most 80 characters");
        assertEquals("(no reason)", LiveProgress.kind(null));
    }

    @Test
    void durationsAndLatenciesReadAsPeopleWriteThem() {
        assertEquals("1h02m03s", EndSummary.duration(Duration.ofSeconds(3723)));
        assertEquals("16m30s", EndSummary.duration(Duration.ofSeconds(990)));
        assertEquals("2.5s", EndSummary.duration(Duration.ofMillis(2500)));
        assertEquals("0ms", EndSummary.ms(0));
        assertEquals("250ms", EndSummary.ms(250));
        assertEquals("2.40s", EndSummary.ms(2400));
        assertEquals("18m00s", EndSummary.ms(18 * 60_000));
        assertEquals("awaiting-configuration", EndSummary.label(Stage.AWAITING_CONFIGURATION));
    }
}
