package io.mdmsim.scenarios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.crypto.RsaEngines;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.CliRun;
import io.mdmsim.scenarios.cli.Main;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each benchmark runs with a tiny N and writes its JSON with every section a figure needs. Nothing here looks at a
 * time: speed is for BENCHMARKS.md, not for tests.
 */
class BenchSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"enroll", "enroll-ota", "commands", "idle-fleet", "abm-fetch", "dep-sync"};

    @TempDir
    Path dir;

    @Test
    void helpListsEveryBenchmark() {
        CliRun r = CliRun.run("bench", "--help");
        assertEquals(0, r.exit(), r.err());
        for (String name : NAMES) {
            assertTrue(r.out().contains("  " + name + " "), "bench --help lists " + name + ":\n" + r.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"enroll", "enroll-ota", "commands", "idle-fleet", "abm-fetch", "dep-sync"})
    void everyBenchmarkHasHelp(String name) {
        CliRun r = CliRun.run("bench", name, "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: mdmsim bench " + name) && r.out().contains("--json"), r.out());
    }

    @Test
    void enrollInOneJvm() throws IOException {
        JsonNode j = run("enroll", "--devices", "4", "--warmup", "2", "--key-pool", "2");
        assertEquals(4, j.path("throughput").path("operations").asInt());
        assertTrue(j.path("stages").has("SCEP") && j.path("stages").has("whole enrollment"), j.toString());
        assertTrue(j.path("cpu").path("parts").has("JVM (GC, JIT)"), j.toString());
        assertEquals(2, j.path("warmup").path("operations").asInt());
    }

    @Test
    void enrollSplitTimesEachServerProcess() throws IOException {
        JsonNode j = run("enroll", "--devices", "3", "--warmup", "0", "--key-pool", "2", "--split");
        assertEquals(3, j.path("throughput").path("operations").asInt());
        assertTrue(j.path("cpu").path("parts").has("MDM (process)")
                && j.path("cpu").path("parts").has("fake ABM (process)"), j.toString());
        assertTrue(j.path("memory").has("RSS MDM processMiB"), j.toString());
    }

    @Test
    void enrollOta() throws IOException {
        JsonNode j = run("enroll-ota", "--devices", "3", "--warmup", "1", "--key-pool", "2");
        assertEquals(3, j.path("throughput").path("operations").asInt());
        assertTrue(j.path("stages").has("TokenUpdate"), j.toString());
    }

    @Test
    void commandsArePushedAndAnswered() throws IOException {
        JsonNode j = run("commands", "--devices", "3", "--commands", "2", "--rounds", "1", "--warmup", "0",
                "--key-pool", "2");
        assertEquals(6, j.path("throughput").path("operations").asInt());
        assertEquals(0, j.path("throughput").path("failed").asInt());
        assertTrue(j.path("stages").has("enqueue → Acknowledged"), j.toString());
    }

    @Test
    void unsignedCommandsGoOverEachDevicesOwnTlsConnectionToAnMdmOfItsOwn() throws IOException {
        JsonNode j = run("commands", "--devices", "2", "--commands", "2", "--rounds", "1", "--warmup", "0",
                "--key-pool", "2", "--unsigned", "--split");
        assertEquals(4, j.path("throughput").path("operations").asInt());
        assertEquals(0, j.path("throughput").path("failed").asInt());
        assertTrue(j.path("options").path("unsigned").asBoolean(), j.toString());
    }

    @Test
    void idleFleetMeasuresHeapPerDevice() throws IOException {
        JsonNode j = run("idle-fleet", "--devices", "3", "--ota", "--hold", "1", "--key-pool", "2");
        assertEquals(3, j.path("throughput").path("operations").asInt());
        assertTrue(j.path("figures").has("heapPerLiveDeviceKiB") && j.path("figures").has("idleCpuMsPerDeviceMinute"),
                j.toString());
    }

    @Test
    void abmFetch() throws IOException {
        JsonNode j = run("abm-fetch", "--devices", "1500", "--rounds", "1", "--warmup", "0");
        assertEquals(1500, j.path("throughput").path("operations").asInt());
        assertEquals(2, j.path("stages").path("page").path("count").asInt());
    }

    @Test
    void depSync() throws IOException {
        JsonNode j = run("dep-sync", "--devices", "300", "--warmup", "50");
        assertEquals(300, j.path("throughput").path("operations").asInt());
        assertTrue(j.path("figures").has("syncs"), j.toString());
    }

    @Test
    void badCountsAreUsageErrorsSayingWhatWasExpected() {
        CliRun r = CliRun.run("bench", "enroll", "--devices", "0");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--devices: 0 (expected: 1..1000000)"), r.err());
        r = CliRun.run("bench", "dep-sync", "--split", "--clock-scale", "60");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--clock-scale needs one JVM"), r.err());
        r = CliRun.run("bench", "abm-fetch", "--page", "5000");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--page: 5000 (expected: 1..1000)"), r.err());
    }

    @Test
    void noBenchmarkNamedIsUsageError() {
        CliRun r = CliRun.run("bench");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("Missing a benchmark"), r.err());
    }

    /** Runs {@code mdmsim bench NAME ARGS --json FILE}: exit 0, a table, and the JSON's common sections. */
    private JsonNode run(String name, String... args) throws IOException {
        Path json = dir.resolve(name + ".json");
        List<String> all = new ArrayList<>(List.of("bench", name));
        all.addAll(List.of(args));
        all.addAll(List.of("--json", json.toString()));
        CliRun r = CliRun.run(all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("throughput") && r.out().contains("CPU total"), r.out());
        JsonNode j = JSON.readTree(json.toFile());
        assertEquals(name, j.path("benchmark").asText());
        for (String section : new String[] {"machine", "jvm", "throughput", "cpu", "gcDuringWindow", "memory"}) {
            assertTrue(j.has(section), name + " JSON has " + section + ": " + j);
        }
        assertTrue(j.path("jvm").path("gc").size() > 0 && j.path("machine").path("cpus").asInt() > 0, j.toString());
        // the RSA engine the figures were taken with, on the console and in the JSON
        assertEquals(RsaEngines.current().id(), j.path("rsa").path("engine").asText(), j.toString());
        assertTrue(r.out().contains("RSA engine: " + RsaEngines.current().id() + " ("), r.out());
        return j;
    }
}
