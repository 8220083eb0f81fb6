package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A device trace as written by a fleet with {@link TraceOptions} (JSON lines: {@code device}, then {@code http} and
 * {@code event} lines, then {@code result}), read back for replay and comparison.
 *
 * @param header the first line: the device and the fleet settings of its run
 * @param lines  every other line, in order
 */
public record DeviceTrace(Path file, JsonNode header, List<JsonNode> lines) {

    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;
    public static final int FORMAT = 1;

    /** One HTTP exchange of the trace: what was asked and what came back (status -1: no answer, see error). */
    public record Exchange(int seq, String stage, String method, URI url, int status, String error) {
        /** "PUT /mdm/checkin -> 200" */
        public String describe() {
            return method + " " + url.getPath() + " -> " + (status < 0 ? "no answer (" + error + ")" : status);
        }
    }

    public DeviceTrace {
        requireNonNull(file, "file");
        requireNonNull(header, "header");
        lines = Collections.unmodifiableList(new ArrayList<>(lines));
    }

    /** Reads a trace file; an IllegalArgumentException names the file and line that is not a trace. */
    public static DeviceTrace read(Path file) throws IOException {
        requireNonNull(file, "file");
        List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty (expected: a device trace, JSON lines)");
        }
        JsonNode header = parse(file, 1, text.getFirst());
        if (!"device".equals(header.path("type").asText()) || header.path("format").asInt(-1) != FORMAT) {
            throw new IllegalArgumentException(file + ":1: type " + shown(header.path("type")) + ", format "
                    + shown(header.path("format")) + " (expected: the \"device\" line of trace format " + FORMAT + ")");
        }
        for (String key : List.of("serialNumber", "productType", "model", "osVersion", "buildVersion", "seed",
                "cloudConfigUrl")) {
            if (!header.hasNonNull(key)) {
                throw new IllegalArgumentException(file + ":1: " + key + " is missing (expected in a device line)");
            }
        }
        List<JsonNode> lines = new ArrayList<>();
        for (int i = 1; i < text.size(); i++) {
            if (!text.get(i).isBlank()) {
                lines.add(parse(file, i + 1, text.get(i)));
            }
        }
        return new DeviceTrace(file, header, lines);
    }

    private static String shown(JsonNode n) {
        return n.isMissingNode() ? "missing" : n.toString();
    }

    private static JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + ":" + line + ": not a JSON object (expected: a trace line)");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + line + ": not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** The device as the factory made it. */
    public DeviceSpec spec() {
        return new DeviceSpec(header.get("serialNumber").asText(), header.get("productType").asText(),
                header.get("model").asText(), header.get("osVersion").asText(), header.get("buildVersion").asText());
    }

    public long seed() {
        return header.get("seed").asLong();
    }

    public URI cloudConfigUrl() {
        return URI.create(header.get("cloudConfigUrl").asText());
    }

    public String udid() {
        return header.path("udid").asText(null);
    }

    /** The device's knobs as recorded; the defaults for a trace that names none. */
    public Behaviour behaviour() {
        return BehaviourJson.fromJson(header.get("behaviour"));
    }

    public String language() {
        return header.path("language").asText("en");
    }

    /** The HTTP exchanges, in order. */
    public List<Exchange> exchanges() {
        List<Exchange> out = new ArrayList<>();
        for (JsonNode n : lines) {
            if ("http".equals(n.path("type").asText())) {
                JsonNode req = n.path("request");
                out.add(new Exchange(n.path("seq").asInt(), n.path("stage").asText(), req.path("method").asText(),
                        URI.create(req.path("url").asText()), n.path("response").path("status").asInt(-1),
                        n.path("error").asText(null)));
            }
        }
        return out;
    }

    /** The lines of a type ("event", "http"), in order. */
    public List<JsonNode> linesOf(String type) {
        return lines.stream().filter(n -> type.equals(n.path("type").asText())).toList();
    }

    /** The result line, or null when the trace ends without one (a process that was killed). */
    public JsonNode result() {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if ("result".equals(lines.get(i).path("type").asText())) {
                return lines.get(i);
            }
        }
        return null;
    }

    /** "ENROLLED", "FAILED at SCEP: ..." or "no result (the trace ends early)". */
    public String outcome() {
        JsonNode r = result();
        if (r == null) {
            return "no result (the trace ends early)";
        }
        String outcome = r.path("outcome").asText();
        return outcome.equals("ENROLLED") ? outcome
                : outcome + " at " + r.path("stage").asText() + ": " + r.path("reason").asText();
    }
}
