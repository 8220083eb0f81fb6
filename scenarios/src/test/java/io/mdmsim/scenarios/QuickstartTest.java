package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end, over real sockets on loopback: fake ABM, MDM endpoint and virtual iPhones in one
 * JVM, meeting only on the wire (DEP token and sync, cloud configuration, MachineInfo, SCEP, check-in, commands) —
 * the built-in quickstart scenario, run by the scenario runner.
 */
class QuickstartTest {

    @TempDir
    Path dir;

    @Test
    void everyDeviceEnrollsEndToEndAndTheReportFolderIsWrittenWithOut() throws Exception {
        Path out = dir.resolve("report");
        CliRun r = CliRun.run("quickstart", "--devices", "5", "--seed", "42", "--concurrency", "5", "--out",
                out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("mdmsim run: scenario quickstart, seed 42, clock wall"), r.out());
        assertTrue(r.out().contains("token token-1 (MDM Server): 5 devices synced")
                || r.out().contains("(MDM server MDM Server): 5 devices synced"), r.out());
        assertTrue(r.out().contains("✓ every device enrolled") && r.out().contains("observed 1 (5 of 5)"), r.out());
        for (String stage : new String[] {"cloud-config", "machine-info", "scep", "authenticate", "token-update",
                "awaiting-configuration"}) {
            assertTrue(r.out().contains("  " + stage + " "), "summary names stage " + stage + ":\n" + r.out());
        }
        assertTrue(Files.isRegularFile(out.resolve("report.json")));
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"scenario\" : \"quickstart\""));
    }

    @Test
    void printShowsTheBuiltInScenarioAndBadOptionsAreUsageErrors() {
        CliRun p = CliRun.run("quickstart", "--print");
        assertEquals(0, p.exit());
        assertTrue(p.out().contains("name: quickstart") && p.out().contains("threshold: rate == 1"), p.out());
        CliRun bad = CliRun.run("quickstart", "--devices", "0");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--devices: 0 (expected: 1..10000)"), bad.err());
    }
}
