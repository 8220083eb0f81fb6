package io.mdmsim.abm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.apns.ApnsPush;
import io.mdmsim.abm.apns.ApnsReason;
import io.mdmsim.abm.apns.ApnsService;
import io.mdmsim.abm.apns.DeviceApiError;
import io.mdmsim.abm.apns.DeviceSignature;
import io.mdmsim.core.http.EventStream;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Thin HTTP adapters for {@link ApnsService}: the provider API ({@code /3/device/<token>}, Apple's JSON errors), the
 * device side ({@code /apns/v1/...}, readable text errors) and the admin routes ({@code /admin/apns/...}).
 */
public final class ApnsHandlers {

    private static final System.Logger LOG = System.getLogger(ApnsHandlers.class.getName());
    static final String PROVIDER_PREFIX = "/3/device";

    private final ApnsService apns;
    private final DeviceSignature devices;

    public ApnsHandlers(ApnsService apns, DeviceSignature devices) {
        this.apns = requireNonNull(apns, "apns");
        this.devices = requireNonNull(devices, "devices");
    }

    /** Everything the APNs listener serves: the provider API for any path outside /apns/ and /admin/. */
    public Handler handler() {
        Router.Builder b = Router.builder();
        addDeviceRoutes(b);
        addAdminRoutes(b);
        Router router = b.build();
        return request -> {
            String path = request.path();
            if (path.startsWith("/apns/") || path.startsWith("/admin/")) {
                return router.handle(request);
            }
            return provider(request);
        };
    }

    // ------------------------------------------------------------------------------------------- provider API

    HttpResponse provider(HttpRequest request) {
        String path = request.path();
        String rawToken = null;
        boolean devicePath = false;
        if (path.equals(PROVIDER_PREFIX) || path.equals(PROVIDER_PREFIX + "/")) {
            devicePath = true;
            rawToken = "";
        } else if (path.startsWith(PROVIDER_PREFIX + "/") && path.indexOf('/', PROVIDER_PREFIX.length() + 1) < 0) {
            devicePath = true;
            rawToken = path.substring(PROVIDER_PREFIX.length() + 1);
        }
        String requestedId = request.header("apns-id");
        try {
            if (!devicePath) {
                throw new ApnsPush.Rejection(ApnsReason.BAD_PATH, "no provider API at " + path
                        + " (expected: POST /3/device/<token>)");
            }
            if (!request.method().equals("POST")) {
                throw new ApnsPush.Rejection(ApnsReason.METHOD_NOT_ALLOWED, request.method() + " " + path
                        + " (expected: POST)");
            }
            ApnsPush push = ApnsPush.parse(rawToken, request, apns::newApnsId);
            requestedId = push.apnsId();
            apns.checkProvider(request.peerCertificates(), push.topic());
            apns.push(push);
            return HttpResponse.empty(200).withHeader("apns-id", push.apnsId());
        } catch (ApnsPush.Rejection r) {
            apns.countRejected();
            String id = requestedId != null && !requestedId.isEmpty() && r.reason() != ApnsReason.BAD_MESSAGE_ID
                    && r.reason() != ApnsReason.DUPLICATE_HEADERS ? requestedId : apns.newApnsId().toString();
            LOG.log(Level.DEBUG, () -> "fake APNs: " + request.method() + " " + path + " -> " + r.reason().status()
                    + " " + r.getMessage());
            return rejection(r).withHeader("apns-id", id);
        }
    }

    /** Apple's error body: the reason, and for 410 the time (ms) the token stopped being valid. */
    private record ErrorBody(String reason, @JsonInclude(JsonInclude.Include.NON_NULL) Long timestamp) {
    }

    /** {@code POST /apns/v1/connections}: the new connection's id. */
    private record OpenedConnection(String connection) {
    }

    /** Apple's error response: status, {@code {"reason":...}} (and timestamp for 410), our detail in a header. */
    static HttpResponse rejection(ApnsPush.Rejection r) {
        return HttpResponse.of(r.reason().status(), Json.write(new ErrorBody(r.reason().wire(), r.timestamp())),
                        "application/json")
                .withHeader("X-Mdmsim-Detail", headerSafe(r.detail()));
    }

    private static String headerSafe(String s) {
        String ascii = s.replaceAll("[^\\x20-\\x7e]", "?");
        return ascii.length() > 500 ? ascii.substring(0, 500) : ascii;
    }

    // ------------------------------------------------------------------------------------------- device side

    void addDeviceRoutes(Router.Builder router) {
        router.post("/apns/v1/tokens", device(r -> {
            JsonNode body = object(r);
            String deviceId = text(body, "deviceId", true);
            String topic = text(body, "topic", false);
            apns.checkTokenRequest(deviceId, topic);
            devices.requireDevice(deviceId, r.header(DeviceSignature.HEADER), r.body());
            return HttpResponse.json(201, apns.issueToken(deviceId, topic));
        }));
        router.get("/apns/v1/tokens/{token}", device(r -> HttpResponse.json(200,
                apns.tokenStatus(r.pathParam("token"), r.header(ApnsService.KEY_HEADER)))));
        router.delete("/apns/v1/tokens/{token}", device(r -> {
            apns.releaseToken(r.pathParam("token"), r.header(ApnsService.KEY_HEADER));
            return HttpResponse.empty(204);
        }));
        router.post("/apns/v1/connections", device(r -> {
            JsonNode body = r.body().length == 0 ? Json.MAPPER.createObjectNode() : object(r);
            String id = apns.openConnection(tokenKeys(body, "tokens"));
            return HttpResponse.json(201, new OpenedConnection(id));
        }));
        router.get("/apns/v1/connections/{id}/events", device(r -> {
            String id = r.pathParam("id");
            apns.checkAttachable(id); // refuse with a status while one can still be sent
            return EventStream.response(events -> {
                try {
                    apns.attach(id, events);
                } catch (DeviceApiError e) { // lost a race with another GET or the connection's end
                    events.comment("error: " + e.getMessage().replaceAll("[\r\n]", " "));
                    events.close();
                }
            });
        }));
        router.delete("/apns/v1/connections/{id}", device(r -> {
            apns.closeConnection(r.pathParam("id"));
            return HttpResponse.empty(204);
        }));
        router.put("/apns/v1/connections/{id}/tokens/{token}", device(r -> {
            apns.online(r.pathParam("id"), r.pathParam("token"), r.header(ApnsService.KEY_HEADER));
            return HttpResponse.empty(204);
        }));
        router.delete("/apns/v1/connections/{id}/tokens/{token}", device(r -> {
            apns.offline(r.pathParam("id"), r.pathParam("token"));
            return HttpResponse.empty(204);
        }));
    }

    // ------------------------------------------------------------------------------------------------ admin

    /** {@code /admin/apns/...}; also mounted on the ABM listener next to the rest of the admin API. */
    public void addAdminRoutes(Router.Builder router) {
        router.get("/admin/apns/stats", device(r -> HttpResponse.json(200, apns.stats())));
        router.get("/admin/apns/providers", device(r -> HttpResponse.json(200, apns.providers())));
        router.get("/admin/apns/faults", device(r -> HttpResponse.json(200, apns.faults())));
        router.post("/admin/apns/faults", device(r -> {
            JsonNode body = object(r);
            String wire = text(body, "reason", true);
            ApnsReason reason = ApnsReason.fromWire(wire);
            if (reason == null) {
                throw HttpError.badRequest("reason: '" + wire + "' (expected: an APNs reason such as "
                        + "TooManyRequests, InternalServerError, ServiceUnavailable, Shutdown)");
            }
            JsonNode count = body.get("count");
            JsonNode rate = body.get("rate");
            if ((count == null) == (rate == null)) {
                throw HttpError.badRequest("expected exactly one of count (the next n pushes) or rate (0..1)");
            }
            if (count != null) {
                if (!count.canConvertToInt() || !count.isIntegralNumber() || count.intValue() < 1
                        || count.intValue() > 100_000) {
                    throw HttpError.badRequest("count: " + count + " (expected: 1..100000)");
                }
                apns.scriptFault(reason, count.intValue());
            } else {
                if (!rate.isNumber() || rate.doubleValue() < 0 || rate.doubleValue() > 1) {
                    throw HttpError.badRequest("rate: " + rate + " (expected: a number 0..1)");
                }
                apns.faultRate(reason, rate.doubleValue());
            }
            return HttpResponse.json(200, apns.faults());
        }));
        router.delete("/admin/apns/faults", device(r -> {
            apns.clearFaults();
            return HttpResponse.empty(204);
        }));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Handler device(Handler h) {
        return request -> {
            try {
                return h.handle(request);
            } catch (DeviceApiError e) {
                return HttpResponse.text(e.status(), e.getMessage());
            }
        };
    }

    private static JsonNode object(HttpRequest r) {
        JsonNode body = Json.read(r.body(), JsonNode.class);
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("body: expected a JSON object");
        }
        return body;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw HttpError.badRequest(field + ": missing (expected: a string)");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw HttpError.badRequest(field + ": " + v + " (expected: a string)");
        }
        return v.textValue();
    }

    /** {@code "tokens": [{"token": "<64 hex>", "key": "<the token's key>"}, ...]}. */
    private static List<ApnsService.TokenKey> tokenKeys(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw HttpError.badRequest(field + ": " + abbreviate(v) + " (expected: an array of {\"token\", \"key\"})");
        }
        List<ApnsService.TokenKey> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isObject() || !e.path("token").isTextual() || !e.path("key").isTextual()) {
                throw HttpError.badRequest(field + ": element " + abbreviate(e)
                        + " (expected: {\"token\": \"<64 hex digits>\", \"key\": \"<the token's key>\"})");
            }
            out.add(new ApnsService.TokenKey(e.get("token").textValue(), e.get("key").textValue()));
        }
        return out;
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
