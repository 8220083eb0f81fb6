package io.mdmsim.device.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.device.TraceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trace whose file cannot be written for a while says so: a gap line with how many lines were lost and why. */
class TraceGapTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void linesThatCannotBeWrittenLeaveAGapLineNotASilentCut(@TempDir Path dir) throws Exception {
        TraceOptions options = new TraceOptions(dir, TraceOptions.Mode.ALL, 4096);
        Path file = options.file("F2LXK0PQGAP1");
        Files.createDirectories(file); // the trace's path is taken by a folder: appending fails
        Trace trace = Trace.open(options, "F2LXK0PQGAP1", new Trace.DeviceContextView() {
            @Override
            public String at() {
                return "2025-03-03T09:00:00Z";
            }

            @Override
            public String stage() {
                return "SCEP";
            }
        });
        String filler = "x".repeat(1000);
        for (int i = 0; i < 4; i++) {
            trace.event("filler", Map.of("i", i, "text", filler)); // the fourth passes 4 KiB: the append fails
        }
        Files.delete(file); // the path is free again
        trace.event("after", Map.of("text", "written"));
        trace.finish(new DeviceResult(new DeviceRef(0, "F2LXK0PQGAP1", "UDID"), Outcome.FAILED, Stage.SCEP,
                "test", Map.of(), Duration.ZERO));

        List<JsonNode> lines = Files.readAllLines(file).stream().map(TraceGapTest::parse).toList();
        assertEquals("gap", lines.getFirst().path("type").asText(), lines.toString());
        assertEquals(4, lines.getFirst().path("droppedLines").asInt(), lines.getFirst().toString());
        assertTrue(lines.getFirst().path("reason").asText().startsWith("cannot append to " + file), lines.toString());
        assertEquals("after", lines.get(1).path("event").asText());
        JsonNode result = lines.getLast();
        assertEquals("result", result.path("type").asText());
        assertEquals(4, result.path("droppedLines").asInt(), "the result says the trace is not whole");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
