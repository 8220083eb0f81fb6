package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.time.SimClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of Apple's Device Assignment ("DEP") web API (PROTOCOL.md §1) at any base URL: the fake ABM, depsim, or
 * mdmenrollment.apple.com. Holds one session: {@code GET /session} with an OAuth 1.0a header, then
 * {@code X-ADM-Auth-Session} on every call; a 401 or 403 re-authenticates once and retries (nanodep
 * {@code client/transport.go}); a new session token in any response replaces the old one. Not thread-safe.
 */
final class DepClient {

    /** X-Server-Protocol-Version sent (v3: org fields in /account; PROTOCOL.md §1.3). */
    static final String PROTOCOL_VERSION = "3";
    static final String USER_AGENT = "mdmsim-mdm/0.1";
    static final String JSON_UTF8 = "application/json;charset=UTF8";
    static final int ASSIGN_BATCH = 1000;

    private final HttpClient http;
    private final URI base;
    private final ServerToken token;
    private final SimClock clock;
    private final Ids ids;
    private final ObjectMapper json = new ObjectMapper();
    private String session;

    DepClient(HttpClient http, URI base, ServerToken token, SimClock clock, Ids ids) {
        this.http = requireNonNull(http, "http");
        String b = requireNonNull(base, "base").toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = requireNonNull(token, "token");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
    }

    /** {@code GET /session}: a new auth session token. */
    String authenticate() throws IOException, InterruptedException {
        URI uri = uri("/session");
        String nonce = HexFormat.of().formatHex(ids.bytes(16));
        String header = OAuth1.authorizationHeader("GET", uri, token, nonce, clock.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .header("Authorization", header)
                .header("Content-Type", JSON_UTF8)
                .header("User-Agent", USER_AGENT)
                .header("X-Server-Protocol-Version", PROTOCOL_VERSION)
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<byte[]> response = http.send(request, BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new DepException("GET /session", response.statusCode(), text(response.body()));
        }
        JsonNode body = parse("GET /session", response.body());
        String t = body.path("auth_session_token").asText(null);
        if (t == null || t.isEmpty()) {
            throw new DepException("GET /session: response has no auth_session_token: " + text(response.body()));
        }
        session = t;
        return t;
    }

    /** {@code GET /account}. */
    JsonNode account() throws IOException, InterruptedException {
        return call("GET", "/account", null);
    }

    /** One page of {@code POST /server/devices}. */
    JsonNode fetchDevices(String cursor, int limit) throws IOException, InterruptedException {
        Map<String, Object> req = new LinkedHashMap<>();
        if (cursor != null) {
            req.put("cursor", cursor);
        }
        req.put("limit", limit);
        return call("POST", "/server/devices", req);
    }

    /** A full fetch: every page until more_to_follow is false. Returns the devices and the last cursor. */
    FetchAll fetchAllDevices(int pageSize) throws IOException, InterruptedException {
        List<JsonNode> devices = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            JsonNode page = fetchDevices(cursor, pageSize);
            pages++;
            page.path("devices").forEach(devices::add);
            String next = page.path("cursor").asText(null);
            boolean more = page.path("more_to_follow").asBoolean(false);
            if (!more) {
                return new FetchAll(devices, next != null ? next : cursor, pages);
            }
            if (next == null || next.equals(cursor)) {
                throw new DepException("POST /server/devices: more_to_follow is true but the cursor did not advance ("
                        + next + ")");
            }
            cursor = next;
        }
    }

    record FetchAll(List<JsonNode> devices, String cursor, int pages) {}

    /** {@code POST /profile}: returns profile_uuid. */
    String defineProfile(Map<String, Object> profile) throws IOException, InterruptedException {
        JsonNode r = call("POST", "/profile", profile);
        String uuid = r.path("profile_uuid").asText(null);
        if (uuid == null || uuid.isEmpty()) {
            throw new DepException("POST /profile: response has no profile_uuid: " + r);
        }
        return uuid;
    }

    /**
     * {@code POST /profile/devices} in batches of {@link #ASSIGN_BATCH}; returns per-serial results
     * (SUCCESS, NOT_ACCESSIBLE, FAILED, THROTTLED).
     */
    Map<String, String> assignProfile(String profileUuid, List<String> serials) throws IOException, InterruptedException {
        Map<String, String> results = new LinkedHashMap<>();
        for (int from = 0; from < serials.size(); from += ASSIGN_BATCH) {
            List<String> batch = serials.subList(from, Math.min(serials.size(), from + ASSIGN_BATCH));
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("profile_uuid", profileUuid);
            req.put("devices", batch);
            JsonNode r = call("POST", "/profile/devices", req);
            r.path("devices").properties().forEach(e -> results.put(e.getKey(), e.getValue().asText()));
        }
        return results;
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        if (session == null) {
            authenticate();
        }
        HttpResponse<byte[]> response = send(method, path, body);
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            authenticate();
            response = send(method, path, body);
        }
        if (response.statusCode() != 200) {
            throw new DepException(method + " " + path, response.statusCode(), text(response.body()));
        }
        return parse(method + " " + path, response.body());
    }

    private HttpResponse<byte[]> send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("X-ADM-Auth-Session", session)
                .header("User-Agent", USER_AGENT)
                .header("X-Server-Protocol-Version", PROTOCOL_VERSION)
                .timeout(Duration.ofSeconds(120));
        if (body == null) {
            b.method(method, BodyPublishers.noBody());
        } else {
            b.header("Content-Type", JSON_UTF8).method(method, BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> response = http.send(b.build(), BodyHandlers.ofByteArray());
        response.headers().firstValue("X-ADM-Auth-Session").filter(s -> !s.isEmpty()).ifPresent(s -> session = s);
        return response;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode parse(String what, byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new DepException(what + ": response is not JSON: " + text(body));
        }
    }

    private static String text(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** A DEP call failed; the message names the call, the status and Apple's error code. */
    static final class DepException extends RuntimeException {
        DepException(String message) {
            super(message);
        }

        DepException(String call, int status, String body) {
            super(call + " answered " + status + (body.isEmpty() ? "" : " " + body));
        }
    }
}
