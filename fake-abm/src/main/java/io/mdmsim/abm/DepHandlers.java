package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Thin HTTP adapters for {@link DepService}: read headers and body, call the service, write JSON; a
 * {@link DepException} becomes Apple's status with the bare error code as body.
 */
final class DepHandlers {

    private static final System.Logger LOG = System.getLogger(DepHandlers.class.getName());

    /** What Apple's DEP service answers with (PROTOCOL.md §1). */
    static final String CONTENT_TYPE = "application/json;charset=UTF8";
    static final String SESSION_HEADER = "X-ADM-Auth-Session";
    static final String PROTOCOL_VERSION_HEADER = "X-Server-Protocol-Version";
    /** Not Apple's: what exactly was wrong with a refused request, for people reading traces. */
    static final String DETAIL_HEADER = "X-Mdmsim-Detail";

    private final DepService service;
    private final FakeAbmConfig.ErrorBodyStyle errorStyle;
    private final Supplier<URI> baseUri;

    DepHandlers(DepService service, FakeAbmConfig.ErrorBodyStyle errorStyle, Supplier<URI> baseUri) {
        this.service = requireNonNull(service, "service");
        this.errorStyle = requireNonNull(errorStyle, "errorStyle");
        this.baseUri = requireNonNull(baseUri, "baseUri");
    }

    void addRoutes(Router.Builder router) {
        router.get("/session", dep(r -> json(service.session(r.header("User-Agent"), r.header("Authorization"),
                signedUris(r)))));
        router.get("/account", dep(r -> json(service.account(call(r)))));
        router.post("/server/devices", dep(r -> json(service.fetchDevices(call(r), body(r)))));
        router.post("/devices/sync", dep(r -> json(service.syncDevices(call(r), body(r)))));
        router.post("/profile", dep(r -> json(service.defineProfile(call(r), body(r)))));
        router.get("/profile", dep(r -> json(service.profile(call(r), r.queryParam("profile_uuid")))));
        Handler assign = dep(r -> json(service.assignProfile(call(r), body(r))));
        router.post("/profile/devices", assign);
        router.put("/profile/devices", assign);
    }

    private Handler dep(Handler h) {
        return request -> {
            try {
                return h.handle(request);
            } catch (DepException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0} {1}: {2} {3}", request.method(), request.path(), e.status(), e.getMessage());
                return error(e);
            }
        };
    }

    private HttpResponse error(DepException e) {
        String body = switch (errorStyle) {
            case BARE -> e.code();
            case JSON_STRING -> Json.writeString(e.code());
            case JSON_OBJECT -> "{\"code\":" + Json.writeString(e.code()) + "}";
        };
        String contentType = errorStyle == FakeAbmConfig.ErrorBodyStyle.BARE ? "text/plain;charset=UTF8" : CONTENT_TYPE;
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
                JsonNode n = Json.MAPPER.readTree(bytes);
                return n == null ? Json.MAPPER.createObjectNode() : n;
            } catch (JsonProcessingException e) {
                throw DepException.badRequest("MALFORMED_REQUEST_BODY", "body is not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw DepException.badRequest("MALFORMED_REQUEST_BODY", "body is not JSON: " + e.getMessage());
            }
        }
    }
}
