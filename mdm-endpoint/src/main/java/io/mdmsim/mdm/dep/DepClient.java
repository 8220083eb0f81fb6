package io.mdmsim.mdm.dep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mdmsim.core.dep.AccountDetail;
import io.mdmsim.core.dep.AssignProfileRequest;
import io.mdmsim.core.dep.AssignProfileResponse;
import io.mdmsim.core.dep.DefineProfileResponse;
import io.mdmsim.core.dep.DepDevice;
import io.mdmsim.core.dep.DepProfile;
import io.mdmsim.core.dep.DeviceResult;
import io.mdmsim.core.dep.FetchDevicesRequest;
import io.mdmsim.core.dep.FetchDevicesResponse;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.dep.SessionResponse;
import io.mdmsim.core.dep.SyncDevicesRequest;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.time.SimClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of Apple's Device Assignment ("DEP") web API (Apple's "Device assignment") at any base URL: the fake ABM,
 * depsim, or mdmenrollment.apple.com. Holds one session: {@code GET /session} with an OAuth 1.0a header, then
 * {@code X-ADM-Auth-Session} on every call; a 401 or 403 re-authenticates once and retries (nanodep
 * {@code client/transport.go}); a new session token in any response replaces the old one. Not thread-safe.
 */
final class DepClient {

    /** X-Server-Protocol-Version sent (v3: org fields in /account). */
    static final String PROTOCOL_VERSION = "3";
    static final String USER_AGENT = "mdmsim-mdm/0.1";
    /** Exactly what Apple's depsim requires (as micromdm/nanodep records it). */
    static final String JSON_UTF8 = "application/json;charset=UTF8";
    /** The most serials one assign call may carry (Apple's "Assign a Profile"). */
    static final int ASSIGN_BATCH = 1000;

    private final HttpClient http;
    private final URI base;
    private final ServerToken token;
    private final SimClock clock;
    private String session;
    private int sessions;

    DepClient(HttpClient http, URI base, ServerToken token, SimClock clock) {
        this.http = requireNonNull(http, "http");
        String b = requireNonNull(base, "base").toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = requireNonNull(token, "token");
        this.clock = requireNonNull(clock, "clock");
    }

    /** {@code GET /session}: a new auth session token. */
    String authenticate() throws IOException, InterruptedException {
        URI uri = uri("/session");
        String nonce = io.mdmsim.core.security.Secrets.hex(16);
        String header = OAuth1.authorizationHeader("GET", uri, token, nonce, clock.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .header("Authorization", header)
                .header("Content-Type", JSON_UTF8)
                .header("User-Agent", USER_AGENT)
                .header("X-Server-Protocol-Version", PROTOCOL_VERSION)
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<byte[]> response = http.send(request, BodyHandlers.ofByteArray());
        if (response.statusCode() == 401) {
            Duration skew = skew(response);
            if (skew != null && skew.abs().compareTo(SKEW_TOLERANCE) > 0) {
                throw new ClockSkewException(base, skew, clock.now());
            }
        }
        if (response.statusCode() != 200) {
            throw new DepCallException("GET /session", response.statusCode(), text(response.body()));
        }
        SessionResponse s = parse("GET /session", response.body(), SessionResponse.class);
        if (s.authSessionToken() == null || s.authSessionToken().isEmpty()) {
            throw new DepCallException("GET /session: response has no auth_session_token: " + text(response.body()));
        }
        session = s.authSessionToken();
        sessions++;
        return session;
    }

    /** How many sessions this client opened (1 + re-authentications). */
    int sessions() {
        return sessions;
    }

    /** {@code GET /account}. */
    AccountDetail account() throws IOException, InterruptedException {
        return call("GET", "/account", null, AccountDetail.class);
    }

    /** One page of {@code POST /server/devices}. */
    FetchDevicesResponse fetchDevices(String cursor, int limit) throws IOException, InterruptedException {
        return call("POST", "/server/devices", new FetchDevicesRequest(cursor, limit), FetchDevicesResponse.class);
    }

    /** A full fetch: every page until more_to_follow is false. */
    FetchAll fetchAllDevices(int pageSize) throws IOException, InterruptedException {
        return fetchAllDevices(pageSize, n -> { });
    }

    /** Told the number of devices received so far after each page; may throw to abandon the fetch. */
    @FunctionalInterface
    interface PageListener {
        void page(int devicesSoFar);
    }

    /** A full fetch with a listener called after each page (progress, the sync deadline). */
    FetchAll fetchAllDevices(int pageSize, PageListener listener) throws IOException, InterruptedException {
        List<DepDevice> devices = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            FetchDevicesResponse page = fetchDevices(cursor, pageSize);
            pages++;
            devices.addAll(page.devices());
            listener.page(devices.size());
            if (!page.moreToFollow()) {
                return new FetchAll(devices, page.cursor(), pages);
            }
            if (page.cursor().equals(cursor)) {
                throw new DepCallException("POST /server/devices: more_to_follow is true but the cursor did not advance ("
                        + cursor + ")");
            }
            cursor = page.cursor();
        }
    }

    record FetchAll(List<DepDevice> devices, String cursor, int pages) {}

    /** One page of {@code POST /devices/sync}: what changed since the cursor (devices carry op_type). */
    FetchDevicesResponse syncDevices(String cursor, int limit) throws IOException, InterruptedException {
        return call("POST", "/devices/sync", new SyncDevicesRequest(requireNonNull(cursor, "cursor"), limit),
                FetchDevicesResponse.class);
    }

    /** A delta sync from {@code cursor}: every page until more_to_follow is false. */
    FetchAll syncAllDevices(String cursor, int pageSize) throws IOException, InterruptedException {
        return syncAllDevices(cursor, pageSize, n -> { });
    }

    /** A delta sync with a listener called after each page. */
    FetchAll syncAllDevices(String cursor, int pageSize, PageListener listener) throws IOException, InterruptedException {
        List<DepDevice> devices = new ArrayList<>();
        int pages = 0;
        while (true) {
            FetchDevicesResponse page = syncDevices(cursor, pageSize);
            pages++;
            devices.addAll(page.devices());
            listener.page(devices.size());
            if (!page.moreToFollow()) {
                return new FetchAll(devices, page.cursor(), pages);
            }
            if (page.cursor().equals(cursor)) {
                throw new DepCallException("POST /devices/sync: more_to_follow is true but the cursor did not advance ("
                        + cursor + ")");
            }
            cursor = page.cursor();
        }
    }

    /** {@code POST /profile}: returns profile_uuid. */
    String defineProfile(DepProfile profile) throws IOException, InterruptedException {
        DefineProfileResponse r = call("POST", "/profile", profile, DefineProfileResponse.class);
        if (r.profileUuid() == null || r.profileUuid().isEmpty()) {
            throw new DepCallException("POST /profile: response has no profile_uuid");
        }
        return r.profileUuid();
    }

    /** {@code POST /profile/devices} in batches of {@link #ASSIGN_BATCH}; the result of every serial. */
    Map<String, DeviceResult> assignProfile(String profileUuid, List<String> serials)
            throws IOException, InterruptedException {
        Map<String, DeviceResult> results = new LinkedHashMap<>();
        for (int from = 0; from < serials.size(); from += ASSIGN_BATCH) {
            List<String> batch = serials.subList(from, Math.min(serials.size(), from + ASSIGN_BATCH));
            AssignProfileResponse r = call("POST", "/profile/devices", new AssignProfileRequest(profileUuid, batch),
                    AssignProfileResponse.class);
            if (r.devices() != null) {
                results.putAll(r.devices());
            }
        }
        return results;
    }

    private <T> T call(String method, String path, Object body, Class<T> type) throws IOException, InterruptedException {
        if (session == null) {
            authenticate();
        }
        HttpResponse<byte[]> response = send(method, path, body);
        for (int attempt = 0; attempt < MAX_THROTTLE_RETRIES && throttled(response); attempt++) {
            // 429 with Retry-After, or Apple's THROTTLED code: wait on the SimClock, then try again
            Duration wait = retryAfter(response);
            throttledWaits++;
            clock.sleep(wait);
            response = send(method, path, body);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            authenticate();
            response = send(method, path, body);
        }
        if (response.statusCode() != 200) {
            throw new DepCallException(method + " " + path, response.statusCode(), text(response.body()));
        }
        return parse(method + " " + path, response.body(), type);
    }

    static final int MAX_THROTTLE_RETRIES = 5;
    private int throttledWaits;

    /** How often this client waited because ABM throttled it. */
    int throttledWaits() {
        return throttledWaits;
    }

    private static boolean throttled(HttpResponse<byte[]> response) {
        return response.statusCode() == 429 || (response.statusCode() == 400
                && new String(response.body(), StandardCharsets.UTF_8).contains("THROTTLED"));
    }

    private static Duration retryAfter(HttpResponse<byte[]> response) {
        String header = response.headers().firstValue("Retry-After").orElse("").strip();
        try {
            long seconds = Long.parseLong(header);
            return Duration.ofSeconds(Math.max(1, Math.min(seconds, 3600)));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(60);
        }
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
            b.header("Content-Type", JSON_UTF8).method(method, BodyPublishers.ofByteArray(Json.write(body)));
        }
        HttpResponse<byte[]> response = http.send(b.build(), BodyHandlers.ofByteArray());
        response.headers().firstValue("X-ADM-Auth-Session").filter(s -> !s.isEmpty()).ifPresent(s -> session = s);
        return response;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static <T> T parse(String call, byte[] body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new DepCallException(call + ": unexpected response " + Json.describe(e) + ": " + text(body));
        } catch (IOException | RuntimeException e) {
            throw new DepCallException(call + ": unexpected response (" + e.getMessage() + "): " + text(body));
        }
    }

    private static String text(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** A DEP call failed; the message names the call, the status and Apple's error code. */
    /**
     * The DEP API's clock ({@code Date} of its answer) minus ours, or null without a readable {@code Date}. Apple's
     * service refuses OAuth timestamps more than a few minutes off, and so does the fake ABM.
     */
    private Duration skew(HttpResponse<byte[]> response) {
        try {
            return response.headers().firstValue("Date")
                    .map(d -> Duration.between(clock.now(), java.time.ZonedDateTime.parse(d,
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()))
                    .orElse(null);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** More than this between the DEP API's clock and ours explains a refused OAuth timestamp (Apple allows 5 min). */
    static final Duration SKEW_TOLERANCE = Duration.ofMinutes(4);

    /** {@code GET /session} was refused and the DEP API's clock is far from ours: the parts do not share a clock. */
    static final class ClockSkewException extends DepCallException {
        final Duration skew;

        ClockSkewException(URI base, Duration skew, java.time.Instant ours) {
            super("DEP API " + base + " refuses our OAuth timestamp: clock skew of " + words(skew.abs())
                    + " (its clock says " + ours.plus(skew).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + ", ours " + ours.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "; it accepts 5 minutes)."
                    + " Parts that talk to each other must share a clock: start them with the same --clock");
            this.skew = skew;
        }

        private static String words(Duration d) {
            long minutes = d.toMinutes();
            if (minutes < 120) {
                return minutes + " minutes";
            }
            return d.toHours() + " hours" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " minutes");
        }
    }

    static class DepCallException extends RuntimeException {
        DepCallException(String message) {
            super(message);
        }

        DepCallException(String call, int status, String body) {
            super(call + " answered " + status + (body.isEmpty() ? "" : " " + body));
        }
    }
}
