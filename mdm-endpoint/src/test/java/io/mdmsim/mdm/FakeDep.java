package io.mdmsim.mdm;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.OAuthParams;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny DEP API test double written from Apple's "Device assignment" and the ADS schemas (raw snake_case JSON, not the
 * core models), recording what the client did. It verifies the OAuth 1.0a header of GET /session, requires
 * X-ADM-Auth-Session elsewhere, and expires the first session once to exercise the client's re-authentication.
 */
final class FakeDep implements AutoCloseable {

    final ServerToken token;
    /** How many devices are assigned to the MDM server (visible to fetch and sync); tests may raise it. */
    final AtomicInteger deviceCount;
    final List<String> syncCursors = new CopyOnWriteArrayList<>();
    final HttpServer server;
    final AtomicInteger sessionsIssued = new AtomicInteger();
    final List<String> oauthFailures = new CopyOnWriteArrayList<>();
    final List<Integer> pageSizes = new CopyOnWriteArrayList<>();
    final List<JsonNode> profiles = new CopyOnWriteArrayList<>();
    final List<Integer> assignBatches = new CopyOnWriteArrayList<>();
    final Set<String> assigned = Collections.newSetFromMap(new ConcurrentHashMap<>());
    /** The body of the last POST /profile/devices. */
    final java.util.concurrent.atomic.AtomicReference<JsonNode> lastAssignment = new java.util.concurrent.atomic.AtomicReference<>();
    private final Set<String> liveSessions = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final AtomicBoolean expireFirstSession = new AtomicBoolean(true);

    FakeDep(ServerToken token, int deviceCount) {
        this.token = token;
        this.deviceCount = new AtomicInteger(deviceCount);
        Router router = Router.builder()
                .get("/session", this::session)
                .get("/account", authed(r -> json(Map.of("server_name", "mdmsim test MDM", "server_uuid", "SRV-1",
                        "admin_id", "admin@example.com", "org_name", "Example Org", "org_email", "it@example.com",
                        "org_phone", "+1 555 0100", "org_address", "1 Infinite Loop"))))
                .post("/server/devices", authed(this::fetch))
                .post("/devices/sync", authed(this::sync))
                .post("/profile", authed(this::defineProfile))
                .post("/profile/devices", authed(this::assign))
                .build();
        server = HttpServer.builder().name("fake-dep").router(router).build().start();
    }

    URI baseUri() {
        return server.baseUri();
    }

    /** A DEP server token named {@code id} (consumer key CK_id, access token AT_id) valid until June 2027. */
    static ServerToken token(String id) {
        return new ServerToken("CK_" + id, "CS_secret", "AT_" + id, "AS_secret", java.time.Instant.parse(
                "2027-06-01T08:00:00Z"));
    }

    static String serial(int i) {
        return String.format("F%011d", i);
    }

    private HttpResponse session(HttpRequest r) {
        String header = r.header("Authorization");
        if (header == null) {
            oauthFailures.add("no Authorization header");
            return HttpResponse.text(401, "UNAUTHORIZED");
        }
        OAuthParams p = OAuth1.parse(header);
        URI uri = URI.create(server.baseUri() + r.path());
        if (!p.consumerKey().equals(token.consumerKey()) || !p.token().equals(token.accessToken())
                || !OAuth1.verify(p, "GET", uri, token.consumerSecret(), token.accessSecret())) {
            oauthFailures.add("signature of " + header + " does not verify");
            return HttpResponse.text(401, "UNAUTHORIZED");
        }
        String s = "session-" + sessionsIssued.incrementAndGet();
        liveSessions.add(s);
        return json(Map.of("auth_session_token", s));
    }

    private io.mdmsim.core.http.Handler authed(io.mdmsim.core.http.Handler h) {
        return r -> {
            String s = r.header("X-ADM-Auth-Session");
            if (s == null || !liveSessions.contains(s)) {
                return HttpResponse.text(401, "UNAUTHORIZED");
            }
            if (r.header("User-Agent") == null) {
                return HttpResponse.text(400, "USER_AGENT_MISSING");
            }
            if (expireFirstSession.compareAndSet(true, false)) {
                liveSessions.remove(s);
                return HttpResponse.text(401, "UNAUTHORIZED");
            }
            return h.handle(r);
        };
    }

    private HttpResponse fetch(HttpRequest r) throws Exception {
        JsonNode req = Json.MAPPER.readTree(r.body());
        int limit = req.path("limit").asInt(100);
        int from = req.hasNonNull("cursor") ? Integer.parseInt(req.path("cursor").asText().substring(2)) : 0;
        pageSizes.add(limit);
        List<Map<String, Object>> devices = new ArrayList<>();
        return page(from, limit, null);
    }

    /** Delta sync: the devices assigned since the cursor, as op_type "added"; a cursor is required. */
    private HttpResponse sync(HttpRequest r) throws Exception {
        JsonNode req = Json.MAPPER.readTree(r.body());
        if (!req.hasNonNull("cursor")) {
            return HttpResponse.text(400, "CURSOR_REQUIRED");
        }
        String cursor = req.path("cursor").asText();
        syncCursors.add(cursor);
        return page(Integer.parseInt(cursor.substring(2)), req.path("limit").asInt(100), "added");
    }

    private HttpResponse page(int from, int limit, String opType) {
        List<Map<String, Object>> devices = new ArrayList<>();
        int total = deviceCount.get();
        int to = Math.min(total, from + limit);
        for (int i = from; i < to; i++) {
            Map<String, Object> d = new LinkedHashMap<>(Map.of("serial_number", serial(i), "model", "iPhone 15 Pro",
                    "description", "IPHONE 15 PRO", "color", "BLACK", "os", "iOS", "device_family", "iPhone",
                    "profile_status", "empty"));
            if (opType != null) {
                d.put("op_type", opType);
                d.put("op_date", "2025-06-01T08:00:00Z");
            }
            devices.add(d);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("devices", devices);
        out.put("cursor", "c-" + to);
        out.put("fetched_until", "2025-06-01T08:00:00Z");
        out.put("more_to_follow", to < total);
        return json(out);
    }

    private HttpResponse defineProfile(HttpRequest r) throws Exception {
        profiles.add(Json.MAPPER.readTree(r.body()));
        return json(Map.of("profile_uuid", "PROFILE-" + profiles.size(), "devices", Map.of()));
    }

    private HttpResponse assign(HttpRequest r) throws Exception {
        JsonNode req = Json.MAPPER.readTree(r.body());
        lastAssignment.set(req);
        Map<String, String> results = new LinkedHashMap<>();
        req.path("devices").forEach(d -> {
            results.put(d.asText(), "SUCCESS");
            assigned.add(d.asText());
        });
        assignBatches.add(results.size());
        return json(Map.of("profile_uuid", req.path("profile_uuid").asText(), "devices", results));
    }

    private static HttpResponse json(Object value) {
        return HttpResponse.ok(Json.write(value), "application/json;charset=UTF8");
    }

    @Override
    public void close() {
        server.close();
    }
}
