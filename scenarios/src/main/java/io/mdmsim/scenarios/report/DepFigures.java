package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The DEP side of a run from the fake ABM's {@code GET /admin/dep/metrics} (docs/fake-abm.md) into a
 * {@link RunRecorder}: per MDM server and bucket, devices made visible and devices fetched by the MDM. Ask with the
 * recorder's start and interval so the buckets are the report's intervals.
 */
public final class DepFigures {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    private DepFigures() { }

    /** The admin API path that asks for the buckets of a recorder's intervals, from its start to now. */
    public static String query(RunRecorder recorder) {
        return "/admin/dep/metrics?from=" + URLEncoder.encode(recorder.start().toString(), StandardCharsets.UTF_8)
                + "&step=" + recorder.interval();
    }

    /** Adds the figures of a metrics answer to the recorder; an IllegalArgumentException names what is malformed. */
    public static void record(JsonNode metrics, RunRecorder recorder) {
        requireNonNull(metrics, "metrics");
        requireNonNull(recorder, "recorder");
        JsonNode servers = metrics.path("servers");
        if (!servers.isArray()) {
            throw new IllegalArgumentException("DEP metrics: servers is " + servers.getNodeType()
                    + " (expected: an array, as GET /admin/dep/metrics answers)");
        }
        for (JsonNode server : servers) {
            String name = server.path("name").asText(null);
            if (name == null) {
                throw new IllegalArgumentException("DEP metrics: a server without a name (expected: name)");
            }
            for (JsonNode b : server.path("buckets")) {
                Instant start;
                try {
                    start = Instant.parse(b.path("start").asText());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("DEP metrics: " + name + ": bucket start "
                            + b.path("start") + " (expected: an ISO-8601 instant)");
                }
                long visible = b.path("visible").asLong(-1);
                long fetched = b.path("fetched").asLong(-1);
                if (visible < 0 || fetched < 0) {
                    throw new IllegalArgumentException("DEP metrics: " + name + " at " + start + ": visible "
                            + b.path("visible") + ", fetched " + b.path("fetched") + " (expected: counts >= 0)");
                }
                recorder.dep(name, start, visible, fetched);
            }
        }
    }

    /**
     * Asks a fake ABM (base URL, e.g. {@code http://127.0.0.1:8400}) for the figures of the recorder's run so far and
     * records them. {@code bearerToken} is the admin API's token, null when it has none.
     */
    public static void fetchAndRecord(URI abmBase, String bearerToken, RunRecorder recorder)
            throws IOException, InterruptedException {
        requireNonNull(abmBase, "abmBase");
        HttpRequest.Builder request = HttpRequest.newBuilder(abmBase.resolve(query(recorder)))
                .timeout(Duration.ofSeconds(30)).GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + request.build().uri() + ": " + r.statusCode() + " " + r.body());
            }
            record(JSON.readTree(r.body()), recorder);
        }
    }
}
