package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.fasterxml.jackson.core.type.TypeReference;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The JSON admin API under {@code /admin} (CONTRACT.md B): DEP tokens, devices, commands, clock. */
final class AdminApi {

    private static final Pattern REQUEST_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9.]{0,99}");

    private final DepTokenService dep;
    private final ReferenceMdmService mdm;
    private final DeviceRegistry registry;
    private final SimClock clock;

    AdminApi(DepTokenService dep, ReferenceMdmService mdm, DeviceRegistry registry, SimClock clock) {
        this.dep = requireNonNull(dep, "dep");
        this.mdm = requireNonNull(mdm, "mdm");
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
    }

    void addRoutes(Router.Builder router) {
        router.get("/admin/dep/public-key", this::publicKey)
                .post("/admin/dep/tokens", this::uploadToken)
                .get("/admin/dep/tokens", r -> HttpResponse.json(200, dep.list()))
                .post("/admin/dep/tokens/{name}/sync", r -> HttpResponse.json(202, dep.syncNow(r.pathParam("name"))
                        .orElseThrow(() -> HttpError.notFound("DEP token " + r.pathParam("name")
                                + " is unknown (see GET /admin/dep/tokens)"))))
                .get("/admin/devices", this::devices)
                .post("/admin/devices/{udid}/commands", this::enqueue)
                .get("/admin/devices/{udid}/commands", this::history)
                .get("/admin/clock", r -> HttpResponse.json(200, Map.of("now", clock.now().toString(),
                        "mode", clock.describe())));
    }

    private HttpResponse publicKey(HttpRequest request) {
        return HttpResponse.ok(Pem.encode(dep.keyPair().certificate()).getBytes(StandardCharsets.US_ASCII),
                HttpResponse.TEXT_PLAIN);
    }

    private HttpResponse uploadToken(HttpRequest request) {
        String depUrl = request.queryParam("depUrl");
        URI url = null;
        if (depUrl != null && !depUrl.isEmpty()) {
            try {
                url = new URI(depUrl);
            } catch (URISyntaxException e) {
                throw HttpError.badRequest("depUrl: " + depUrl + " (expected: an absolute http(s) URL: " + e.getReason() + ")");
            }
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                throw HttpError.badRequest("depUrl: " + depUrl + " (expected: an absolute http(s) URL)");
            }
        }
        Map<String, Object> created = dep.upload(request.body(), request.queryParam("appleId"), url,
                request.queryParam("name"));
        return HttpResponse.json(202, created);
    }

    private HttpResponse devices(HttpRequest request) {
        List<Map<String, Object>> out = registry.views().stream().map(AdminApi::deviceJson).toList();
        return HttpResponse.json(200, out);
    }

    private static Map<String, Object> deviceJson(DeviceView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("udid", v.udid());
        m.put("serialNumber", v.serialNumber());
        m.put("productName", v.productName());
        m.put("osVersion", v.osVersion());
        m.put("buildVersion", v.buildVersion());
        m.put("deviceName", v.deviceName());
        m.put("enrollmentState", v.enrollmentState().name());
        m.put("awaitingConfiguration", v.awaitingConfiguration());
        m.put("authenticatedAt", str(v.authenticatedAt()));
        m.put("enrolledAt", str(v.enrolledAt()));
        m.put("configuredAt", str(v.configuredAt()));
        m.put("checkedOutAt", str(v.checkedOutAt()));
        m.put("lastSeenAt", str(v.lastSeenAt()));
        m.put("pendingCommands", v.pendingCommands());
        return m;
    }

    private HttpResponse enqueue(HttpRequest request) {
        String udid = request.pathParam("udid");
        Map<String, Object> body = Json.read(request.body(), new TypeReference<LinkedHashMap<String, Object>>() {});
        if (body == null) {
            throw HttpError.badRequest("body: null (expected: a JSON object {\"requestType\": \"...\", ...fields})");
        }
        Object rt = body.remove("requestType");
        if (!(rt instanceof String requestType) || !REQUEST_TYPE.matcher(requestType).matches()) {
            throw HttpError.badRequest("requestType: " + rt
                    + " (expected: a RequestType string such as DeviceInformation; ADM mdm/commands/*.yaml)");
        }
        NSDictionary fields = new NSDictionary();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            NSObject value;
            try {
                value = PlistJson.fromJson(e.getValue(), e.getKey());
            } catch (BadInputException ex) {
                throw HttpError.badRequest(ex.getMessage());
            }
            fields.put(e.getKey(), value);
        }
        String uuid = mdm.enqueue(udid, requestType, fields)
                .orElseThrow(() -> HttpError.notFound("device " + udid + " is unknown (see GET /admin/devices)"));
        return HttpResponse.json(201, Map.of("commandUuid", uuid));
    }

    private HttpResponse history(HttpRequest request) {
        String udid = request.pathParam("udid");
        List<CommandView> views = mdm.history(udid)
                .orElseThrow(() -> HttpError.notFound("device " + udid + " is unknown (see GET /admin/devices)"));
        return HttpResponse.json(200, views.stream().map(AdminApi::commandJson).toList());
    }

    private static Map<String, Object> commandJson(CommandView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commandUuid", v.commandUuid());
        m.put("requestType", v.requestType());
        m.put("state", v.state().name());
        m.put("status", v.status());
        m.put("result", v.result());
        m.put("queuedAt", str(v.queuedAt()));
        m.put("sentAt", str(v.sentAt()));
        m.put("completedAt", str(v.completedAt()));
        m.put("timesSent", v.timesSent());
        if (v.note() != null) {
            m.put("note", v.note());
        }
        return m;
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }
}
