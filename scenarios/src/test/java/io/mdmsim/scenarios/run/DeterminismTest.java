package io.mdmsim.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.scenarios.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same scenario, same seed, manual clock: the same report.json every run, except the one key of wall-clock figures
 * ({@code wallClock}) and the versions of mdmsim and Java (the environment, not the run). The expected report is a
 * golden file; after a deliberate change, run with {@code -Dgolden.update=true} to write it again and review the diff.
 */
class DeterminismTest {

    private static final Path SCENARIO = Path.of("src/test/resources/golden/determinism.yaml");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/determinism.report.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path dir;

    @Test
    void twoRunsGiveTheGoldenReport() throws IOException {
        String first = run("first");
        String second = run("second");
        assertEquals(first, second, "two runs of the same scenario and seed");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, first);
        }
        assertEquals(Files.readString(GOLDEN), first, "the golden report (" + GOLDEN + ")");
    }

    private String run(String name) throws IOException {
        Path out = dir.resolve(name);
        CliRun r = CliRun.run("run", SCENARIO.toString(), "--out", out.toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
        ObjectNode report = (ObjectNode) JSON.readTree(out.resolve("report.json").toFile());
        report.remove("wallClock");
        report.remove("versions");
        return JSON.writeValueAsString(report) + "\n";
    }
}
