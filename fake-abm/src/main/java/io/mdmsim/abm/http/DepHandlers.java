package io.mdmsim.abm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.dep.DepAuth;
import io.mdmsim.abm.dep.DepException;
import io.mdmsim.abm.dep.DepService;
import io.mdmsim.abm.dep.RateLimiter;
import io.mdmsim.abm.settings.AbmSettings;
import io.mdmsim.abm.settings.Faults;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.time.SimClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thin HTTP adapters for {@link DepService}: read headers and body, call the service, write JSON; a
 * {@link DepException} becomes Apple's status with the error code as body (bare, or quoted or JSON per the
 * settings). Around every endpoint, in this order: the injected {@link Faults} (latency, scripted or random errors),
 * the optional request rate limit (429 + Retry-After), the body size cap, then the call; a rotated session token goes
 * out in {@code X-ADM-Auth-Session} on whatever the call answers.
 */
public final class DepHandlers {

    private static final System.Logger LOG = System.getLogger(DepHandlers.class.getName());

    /** What Apple's DEP service answers with (Apple's "Device assignment" endpoint pages). */
    static final String CONTENT_TYPE = "application/json;charset=UTF8";
    static final String SESSION_HEADER = "X-ADM-Auth-Session";
    static final String PROTOCOL_VERSION_HEADER = "X-Server-Protocol-Version";
    /** Not Apple's: what exactly was wrong with a refused request, for people reading traces. */
    public static final String DETAIL_HEADER = "X-Mdmsim-Detail";

    private static final Pattern CONSUMER_KEY = Pattern.compile("oauth_consumer_key=\"([^\"]*)\"");

    /** An endpoint that needs a session. */
    @FunctionalInterface
    interface Authed {
        Object handle(DepService.Caller caller, HttpRequest request);
    }

    private final DepService service;
    private final DepAuth auth;
    private final Supplier<AbmSettings.Values> settings;
    private final Faults faults;
    private final RateLimiter limiter;
    private final SimClock clock;
    private final Supplier<URI> baseUri;

    public DepHandlers(DepService service, DepAuth auth, Supplier<AbmSettings.Values> settings, Faults faults,
            RateLimiter limiter, SimClock clock, Supplier<URI> baseUri) {
        this.service = requireNonNull(service, "service");
        this.auth = requireNonNull(auth, "auth");
        this.settings = requireNonNull(settings, "settings");
        this.faults = requireNonNull(faults, "faults");
        this.limiter = requireNonNull(limiter, "limiter");
        this.clock = requireNonNull(clock, "clock");
        this.baseUri = requireNonNull(baseUri, "baseUri");
    }

    public void addRoutes(Router.Builder router) {
        router.get("/session", dep("/session", r -> json(service.session(r.header("User-Agent"),
                r.header("Authorization"), signedUris(r)))));
        router.get("/account", authed("/account", (c, r) -> service.account(c)));
        router.post("/server/devices", authed("/server/devices", (c, r) -> service.fetchDevices(c, body(r))));
        router.post("/devices/sync", authed("/devices/sync", (c, r) -> service.syncDevices(c, body(r))));
        router.post("/devices", authed("/devices", (c, r) -> service.deviceDetails(c, body(r))));
        router.post("/devices/disown", authed("/devices/disown", (c, r) -> service.disown(c, body(r))));
        router.post("/device/activationlock", authed("/device/activationlock", (c, r) -> service.activationLock(c, body(r))));
        router.post("/profile", authed("/profile", (c, r) -> service.defineProfile(c, body(r))));
        router.get("/profile", authed("/profile", (c, r) -> service.profile(c, r.queryParam("profile_uuid"))));
        Handler assign = authed("/profile/devices", (c, r) -> service.assignProfile(c, body(r)));
        router.post("/profile/devices", assign);
        router.put("/profile/devices", assign);
        router.delete("/profile/devices", authed("/profile/devices", (c, r) -> service.clearProfile(c, body(r))));
    }

    /** An endpoint behind a session: authorizes, calls, and hands out a rotated session token. */
    private Handler authed(String endpoint, Authed h) {
        return dep(endpoint, r -> {
            DepService.Caller caller = service.authorize(call(r));
            HttpResponse response;
            try {
                response = json(h.handle(caller, r));
            } catch (DepException e) {
                response = error(e, r);
            }
            return caller.rotatedSession() == null ? response : response.withHeader(SESSION_HEADER, caller.rotatedSession());
        });
    }

    /**
     * Faults, rate limit, body cap and error mapping around one endpoint; every answer carries a {@code Date} header
     * from this ABM's clock, as Apple's does, so a client can tell a clock skew from a bad signature.
     */
    private Handler dep(String endpoint, Handler h) {
        Handler inner = undated(endpoint, h);
        return request -> inner.handle(request).withHeader("Date",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.now().atOffset(ZoneOffset.UTC)));
    }

    private Handler undated(String endpoint, Handler h) {
        return request -> {
            try {
                Faults.Decision decision = faults.decide(endpoint);
                if (!decision.latency().isZero()) {
                    clock.sleep(decision.latency());
                }
                if (decision.failure() != null) {
                    Faults.Answer a = decision.failure();
                    HttpResponse r = error(new DepException(a.status(), a.code(), "injected fault on " + endpoint), request);
                    return a.retryAfter() == null ? r : r.withHeader("Retry-After", a.retryAfter());
                }
                AbmSettings.Values s = settings.get();
                if (s.requestsPerSecond() > 0) {
                    long waitNanos = limiter.acquire(rateKey(request), s.requestsPerSecond(), clock.now());
                    if (waitNanos > 0) {
                        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
                        return error(new DepException(429, "TOO_MANY_REQUESTS", "more than " + s.requestsPerSecond()
                                + " requests a second for this MDM server"), request)
                                .withHeader("Retry-After", Long.toString(seconds));
                    }
                }
                if (request.body().length > s.maxDepBodyBytes()) {
                    // Apple documents no answer for this; 413 is HTTP's, the code the one Apple uses for bad bodies
                    throw new DepException(413, "MALFORMED_REQUEST_BODY", "body of " + request.body().length
                            + " bytes (expected: at most " + s.maxDepBodyBytes() + ")");
                }
                return h.handle(request);
            } catch (DepException e) {
                return error(e, request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return error(new DepException(503, "SERVICE_UNAVAILABLE", "interrupted while delaying the answer"), request);
            }
        };
    }

    /** The MDM server a request counts against: by its session, or by the consumer key it signs /session with. */
    private String rateKey(HttpRequest r) {
        String server = auth.serverOf(r.header(SESSION_HEADER));
        if (server != null) {
            return "server:" + server;
        }
        String authorization = r.header("Authorization");
        if (authorization != null) {
            Matcher m = CONSUMER_KEY.matcher(authorization);
            if (m.find()) {
                return "key:" + m.group(1);
            }
        }
        return "anonymous";
    }

    private HttpResponse error(DepException e, HttpRequest request) {
        LOG.log(System.Logger.Level.DEBUG, "{0} {1}: {2} {3}", request.method(), request.path(), e.status(), e.getMessage());
        FakeAbmConfig.ErrorBodyStyle style = settings.get().errorBodyStyle();
        String body = switch (style) {
            case BARE -> e.code();
            case JSON_STRING -> Json.writeString(e.code());
            case JSON_OBJECT -> "{\"code\":" + Json.writeString(e.code()) + "}";
        };
        String contentType = style == FakeAbmConfig.ErrorBodyStyle.BARE ? "text/plain;charset=UTF8" : CONTENT_TYPE;
        return HttpResponse.of(e.status(), body.getBytes(StandardCharsets.UTF_8), contentType)
                .withHeader(DETAIL_HEADER, headerSafe(e.detail()));
    }

    private static DepService.Call call(HttpRequest r) {
        return new DepService.Call(r.header(SESSION_HEADER), r.header("User-Agent"), protocolVersion(r.header(PROTOCOL_VERSION_HEADER)));
    }

    /**
     * The body as JSON, parsed only when the service asks for it (after authorization). An empty body reads as
     * {@code {}}.
     */
    private static Supplier<JsonNode> body(HttpRequest r) {
        return new LazyJson(r.body());
    }

    private static HttpResponse json(Object value) {
        return HttpResponse.of(200, Json.write(value), CONTENT_TYPE);
    }

    /** A missing or unreadable version header means version 1, the original response shape. */
    static int protocolVersion(String header) {
        if (header == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(header.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The URLs the client may have signed: this server's base URL and the Host it addressed, over http or https. */
    private List<URI> signedUris(HttpRequest r) {
        Set<URI> uris = new LinkedHashSet<>();
        uris.add(baseUri.get().resolve(r.path()));
        String host = r.header("Host");
        if (host != null && !host.isBlank()) {
            try {
                uris.add(URI.create("http://" + host + r.path()));
                uris.add(URI.create("https://" + host + r.path()));
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.DEBUG, "unusable Host header {0}", host);
            }
        }
        return List.copyOf(uris);
    }

    static String headerSafe(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : c == '…' ? '.' : '?');
        }
        return b.toString();
    }

    /** Parses on first use, so authorization runs before a malformed body is noticed. */
    private record LazyJson(byte[] bytes) implements Supplier<JsonNode> {
        @Override
        public JsonNode get() {
            if (bytes.length == 0) {
                return Json.MAPPER.createObjectNode();
            }
            try {
                JsonNode n = Json.STRICT.readTree(bytes);
                return n == null ? Json.MAPPER.createObjectNode() : n;
            } catch (JsonProcessingException e) {
                throw DepException.badRequest("MALFORMED_REQUEST_BODY", "body is not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw DepException.badRequest("MALFORMED_REQUEST_BODY", "body is not JSON: " + e.getMessage());
            }
        }
    }
}
