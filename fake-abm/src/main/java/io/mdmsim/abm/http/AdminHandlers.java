package io.mdmsim.abm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.admin.AdminService;
import io.mdmsim.abm.cloudconfig.CloudConfigService;
import io.mdmsim.abm.dep.DepAuth;
import io.mdmsim.abm.dep.DepMetrics;
import io.mdmsim.abm.http.AdminAnswers.ActivationLockCleared;
import io.mdmsim.abm.http.AdminAnswers.Added;
import io.mdmsim.abm.http.AdminAnswers.AnswerView;
import io.mdmsim.abm.http.AdminAnswers.Assigned;
import io.mdmsim.abm.http.AdminAnswers.CursorsExpired;
import io.mdmsim.abm.http.AdminAnswers.FaultView;
import io.mdmsim.abm.http.AdminAnswers.FaultsCleared;
import io.mdmsim.abm.http.AdminAnswers.Imported;
import io.mdmsim.abm.http.AdminAnswers.Released;
import io.mdmsim.abm.http.AdminAnswers.SessionsDropped;
import io.mdmsim.abm.http.AdminAnswers.SettingsView;
import io.mdmsim.abm.http.AdminAnswers.Unassigned;
import io.mdmsim.abm.settings.AbmSettings;
import io.mdmsim.abm.settings.Faults;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Thin HTTP adapters for {@link AdminService} (the ABM admin API under {@code /admin}), the runtime settings, the
 * faults, and {@link CloudConfigService} ({@code /cloudconfig}): JSON (or plist, or CSV) in and out. Refusals are
 * readable text with a 4xx status.
 *
 * <p>It is a little over 400 lines because it is the route table of the whole ABM admin API with one short adapter per
 * route; the work is in the services.
 */
public final class AdminHandlers {

    static final String P7M_CONTENT_TYPE = "application/pkcs7-mime; name=\"smime.p7m\"; smime-type=enveloped-data";

    private final AdminService admin;
    private final CloudConfigService cloudConfig;
    private final AbmSettings settings;
    private final Faults faults;
    private final DepAuth auth;
    private final DepMetrics metrics;

    public AdminHandlers(AdminService admin, CloudConfigService cloudConfig, AbmSettings settings, Faults faults, DepAuth auth,
                         DepMetrics metrics) {
        this.admin = requireNonNull(admin, "admin");
        this.cloudConfig = requireNonNull(cloudConfig, "cloudConfig");
        this.settings = requireNonNull(settings, "settings");
        this.faults = requireNonNull(faults, "faults");
        this.auth = requireNonNull(auth, "auth");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    public void addRoutes(Router.Builder router) {
        router.post("/cloudconfig", r -> {
            Faults.Decision d = faults.decide("/cloudconfig");
            if (!d.latency().isZero()) {
                cloudConfig.delay(d.latency());
            }
            if (d.failure() != null) {
                HttpResponse failed = HttpResponse.text(d.failure().status(), d.failure().code());
                return d.failure().retryAfter() == null ? failed : failed.withHeader("Retry-After", d.failure().retryAfter());
            }
            try {
                return HttpResponse.ok(cloudConfig.cloudConfiguration(r.header("Content-Type"), r.body()), "application/xml");
            } catch (CloudConfigService.Refusal e) {
                return HttpResponse.text(e.status(), e.getMessage());
            }
        });

        // organizations
        router.get("/admin/organizations", admin(r -> HttpResponse.json(200, admin.organizations())));
        router.post("/admin/organizations", admin(r -> HttpResponse.json(201, admin.createOrganization(organization(object(r))))));
        router.get("/admin/organizations/{orgId}", admin(r -> HttpResponse.json(200, admin.organization(r.pathParam("orgId")))));
        router.post("/admin/organizations/{orgId}/terms", admin(r -> HttpResponse.json(200,
                admin.setTermsAccepted(r.pathParam("orgId"), bool(object(r), "accepted", true)))));

        // inventory
        router.get("/admin/devices", admin(r -> HttpResponse.json(200, admin.devices(new AbmState.DeviceFilter(
                r.queryParam("mdmServer"), r.queryParam("organization"), boolParam(r, "released"),
                Boolean.TRUE.equals(boolParam(r, "unassigned"))), intParam(r, "offset", 0), intParam(r, "limit", Integer.MAX_VALUE)))));
        router.post("/admin/devices", admin(r -> {
            JsonNode body = object(r);
            JsonNode count = body.get("count");
            if (count == null || !count.isIntegralNumber() || !count.canConvertToInt() || count.intValue() < 1
                    || count.intValue() > MAX_GENERATED_DEVICES) {
                throw HttpError.badRequest("count: " + count + " (expected: 1.." + MAX_GENERATED_DEVICES
                        + ", how many devices to generate, e.g. 100)");
            }
            List<String> serials = admin.generateDevices(count.intValue(), text(body, "organization"));
            return HttpResponse.json(201, new Added(serials.size(), serials));
        }));
        router.post("/admin/devices/import", admin(r ->
                HttpResponse.json(201, new Imported(admin.importDevices(r.body(), r.queryParam("organization"))))));
        router.get("/admin/devices/{serial}", admin(r -> HttpResponse.json(200, admin.device(r.pathParam("serial")))));
        router.delete("/admin/devices/{serial}/activation-lock", admin(r ->
                HttpResponse.json(200, new ActivationLockCleared(admin.clearActivationLock(r.pathParam("serial"))))));

        // MDM servers and tokens
        router.get("/admin/mdm-servers", admin(r -> HttpResponse.json(200, admin.servers())));
        router.post("/admin/mdm-servers", admin(r -> {
            JsonNode body = object(r);
            AdminService.AdminServer created = admin.createServer(text(body, "name"), text(body, "certificatePem"),
                    text(body, "organization"));
            return HttpResponse.json(201, created);
        }));
        router.get("/admin/mdm-servers/{name}", admin(r -> HttpResponse.json(200, admin.server(r.pathParam("name")))));
        // a GET reads the current token; only a POST issues a new one (which invalidates the old)
        router.get("/admin/mdm-servers/{name}/token", admin(r -> {
            String name = r.pathParam("name");
            byte[] p7m = admin.currentToken(name);
            if (p7m == null) {
                return HttpResponse.text(404, "MDM server " + name + " has no token yet (expected: POST"
                        + " /admin/mdm-servers/" + name + "/token to issue one)");
            }
            return p7m(name, p7m);
        }));
        router.post("/admin/mdm-servers/{name}/token", admin(r -> p7m(r.pathParam("name"),
                admin.downloadToken(r.pathParam("name")))));
        router.put("/admin/mdm-servers/{name}/pace", admin(r -> {
            JsonNode v = object(r).get("devicesPerMinute");
            int rate;
            if (v != null && v.isTextual() && v.textValue().equals("unlimited")) {
                rate = 0;
            } else if (v != null && v.isTextual() && v.textValue().equals("default")) {
                rate = -1;
            } else if (v != null && v.isIntegralNumber() && v.intValue() >= 0) {
                rate = v.intValue();
            } else {
                throw HttpError.badRequest("devicesPerMinute: " + v + " (expected: a number >= 0, \"unlimited\" or \"default\")");
            }
            return HttpResponse.json(200, admin.setPace(r.pathParam("name"), rate));
        }));

        // assignments
        router.post("/admin/assignments", admin(r -> {
            JsonNode body = object(r);
            JsonNode all = body.get("all");
            if (all != null && !all.isBoolean()) {
                throw HttpError.badRequest("all: " + all + " (expected: true or false)");
            }
            int n = admin.assign(text(body, "mdmServer"), strings(body, "serials"), strings(body, "orderNumbers"),
                    all != null && all.booleanValue(), instant(body, "migrationDeadline"));
            return HttpResponse.json(200, new Assigned(n));
        }));
        router.post("/admin/assignments/csv", admin(r ->
                HttpResponse.json(200, new Assigned(admin.assignCsv(r.requiredQueryParam("mdmServer"), r.body())))));
        router.post("/admin/unassignments", admin(r ->
                HttpResponse.json(200, new Unassigned(admin.unassign(strings(object(r), "serials"))))));
        router.post("/admin/releases", admin(r ->
                HttpResponse.json(200, new Released(admin.release(strings(object(r), "serials"))))));

        // clock and settings
        router.get("/admin/clock", admin(r -> HttpResponse.json(200, admin.clock())));
        router.get("/admin/dep/metrics", admin(r -> HttpResponse.json(200, metrics.report(
                instantParam(r, "from"), instantParam(r, "until"), durationParam(r, "step", Duration.ofMinutes(1))))));
        router.post("/admin/clock", admin(r -> {
            JsonNode body = object(r);
            return HttpResponse.json(200, admin.moveClock(text(body, "advance"), text(body, "set")));
        }));
        router.get("/admin/settings", admin(r -> HttpResponse.json(200, settingsJson(settings.get()))));
        router.put("/admin/settings", admin(r -> {
            settings.set(settings(object(r), settings.get()));
            return HttpResponse.json(200, settingsJson(settings.get()));
        }));

        // faults
        router.get("/admin/faults", admin(r -> HttpResponse.json(200, faults.list().stream().map(AdminHandlers::faultJson).toList())));
        router.post("/admin/faults", admin(r -> {
            Faults.EndpointFaults f = fault(object(r));
            faults.set(f);
            return HttpResponse.json(200, faultJson(f));
        }));
        router.delete("/admin/faults", admin(r -> {
            String endpoint = r.queryParam("endpoint");
            if (endpoint == null) {
                faults.clear();
            } else {
                faults.clear(endpoint);
            }
            return HttpResponse.json(200, new FaultsCleared(endpoint == null ? "*all*" : endpoint));
        }));
        router.post("/admin/faults/session-loss", admin(r -> {
            JsonNode body = object(r);
            String server = text(body, "mdmServer");
            if (server != null) {
                admin.server(server);
            }
            JsonNode status = body.get("status");
            int s = status == null ? 401 : status.asInt(-1);
            try {
                return HttpResponse.json(200, new SessionsDropped(auth.dropSessions(server, s)));
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest(e.getMessage());
            }
        }));
        router.post("/admin/faults/cursor-expiry", admin(r ->
                HttpResponse.json(200, new CursorsExpired(admin.expireCursors(text(object(r), "mdmServer"))))));
    }

    /** Devices one {@code POST /admin/devices} may generate (the command line's --devices allows as many). */
    static final int MAX_GENERATED_DEVICES = 1_000_000;

    private static HttpResponse p7m(String name, byte[] p7m) {
        return HttpResponse.ok(p7m, P7M_CONTENT_TYPE)
                .withHeader("Content-Disposition", "attachment; filename=\"" + fileName(name) + "_Token.p7m\"");
    }

    private static Handler admin(Handler h) {
        return request -> {
            try {
                return h.handle(request);
            } catch (AdminService.AdminError e) {
                return HttpResponse.text(e.status(), e.getMessage());
            } catch (IllegalArgumentException e) {
                return HttpResponse.text(400, e.getMessage());
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- bodies

    private FakeAbmConfig.Organization organization(JsonNode b) {
        FakeAbmConfig.Organization example = FakeAbmConfig.Organization.example();
        String name = text(b, "name");
        if (name == null || name.isBlank()) {
            throw HttpError.badRequest("name is required (the organization's name)");
        }
        String orgId = text(b, "orgId");
        return new FakeAbmConfig.Organization(name, or(text(b, "email"), example.email()), or(text(b, "phone"), example.phone()),
                or(text(b, "addressLine1"), example.addressLine1()), or(text(b, "city"), example.city()),
                or(text(b, "region"), example.region()), or(text(b, "zipCode"), example.zipCode()),
                or(text(b, "country"), example.country()), orgId != null ? orgId : admin.nextOrgId(),
                or(text(b, "orgType"), "org"), or(text(b, "orgVersion"), "v1"), or(text(b, "adminId"), example.adminId()));
    }

    private static AbmSettings.Values settings(JsonNode b, AbmSettings.Values old) {
        for (java.util.Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("errorBodyStyle", "sessionTtl", "sessionRotateEvery", "requestsPerSecond", "assignCooldown",
                    "maxDepBodyBytes").contains(field)) {
                throw HttpError.badRequest("unknown setting " + field + " (expected some of: errorBodyStyle, sessionTtl,"
                        + " sessionRotateEvery, requestsPerSecond, assignCooldown, maxDepBodyBytes)");
            }
        }
        FakeAbmConfig.ErrorBodyStyle style = old.errorBodyStyle();
        String s = text(b, "errorBodyStyle");
        if (s != null) {
            style = switch (s) {
                case "bare" -> FakeAbmConfig.ErrorBodyStyle.BARE;
                case "quoted" -> FakeAbmConfig.ErrorBodyStyle.JSON_STRING;
                case "json" -> FakeAbmConfig.ErrorBodyStyle.JSON_OBJECT;
                default -> throw HttpError.badRequest("errorBodyStyle: " + s + " (expected: bare, quoted or json)");
            };
        }
        Duration ttl = duration(b, "sessionTtl");
        Duration cooldown = duration(b, "assignCooldown");
        return new AbmSettings.Values(style, ttl != null ? ttl : old.sessionTtl(),
                number(b, "sessionRotateEvery", old.sessionRotateEvery()),
                b.has("requestsPerSecond") ? b.get("requestsPerSecond").asDouble(-1) : old.requestsPerSecond(),
                cooldown != null ? cooldown : old.assignCooldown(), number(b, "maxDepBodyBytes", old.maxDepBodyBytes()));
    }

    private static SettingsView settingsJson(AbmSettings.Values v) {
        return new SettingsView(switch (v.errorBodyStyle()) {
            case BARE -> "bare";
            case JSON_STRING -> "quoted";
            case JSON_OBJECT -> "json";
        }, v.sessionTtl().toString(), v.sessionRotateEvery(), v.requestsPerSecond(), v.assignCooldown().toString(),
                v.maxDepBodyBytes());
    }

    private static Faults.EndpointFaults fault(JsonNode b) {
        String endpoint = text(b, "endpoint");
        if (endpoint == null) {
            throw HttpError.badRequest("endpoint is required (e.g. \"/server/devices\", or \"*\" for all)");
        }
        Duration latency = duration(b, "latency");
        double rate = b.has("errorRate") ? b.get("errorRate").asDouble(-1) : 0;
        Faults.Answer error = b.has("error") ? answer(b.get("error")) : null;
        List<Faults.Answer> script = new ArrayList<>();
        JsonNode s = b.get("script");
        if (s != null) {
            if (!s.isArray()) {
                throw HttpError.badRequest("script: expected an array of answers");
            }
            s.forEach(a -> script.add(answer(a)));
        }
        return new Faults.EndpointFaults(endpoint, latency, rate, error, script);
    }

    /** {@code "503"}, {@code "T_C_NOT_SIGNED"}, {@code "pass"} or {@code {"status":429,"code":"…","retryAfter":"30"}}. */
    private static Faults.Answer answer(JsonNode a) {
        if (a.isTextual()) {
            return Faults.Answer.parse(a.textValue());
        }
        if (a.isIntegralNumber()) {
            return Faults.Answer.parse(Integer.toString(a.intValue()));
        }
        if (!a.isObject()) {
            throw HttpError.badRequest("fault answer " + a + " (expected: \"503\", \"T_C_NOT_SIGNED\", \"pass\" or an object)");
        }
        String code = text(a, "code");
        JsonNode st = a.get("status");
        int status = st != null ? st.asInt(-1) : code != null ? Faults.Answer.statusOf(code) : -1;
        JsonNode retry = a.get("retryAfter");
        return new Faults.Answer(status, code != null ? code : Faults.Answer.defaultCode(status),
                retry == null || retry.isNull() ? null : retry.asText(), false);
    }

    private static FaultView faultJson(Faults.EndpointFaults f) {
        return new FaultView(f.endpoint(), f.latency().toString(), f.errorRate(),
                f.error() == null ? null : answerJson(f.error()),
                f.script().stream().map(AdminHandlers::answerJson).toList());
    }

    /** "pass", or the status and code (and Retry-After) an endpoint answers. */
    private static Object answerJson(Faults.Answer a) {
        return a.pass() ? "pass" : new AnswerView(a.status(), a.code(), a.retryAfter());
    }

    private static JsonNode object(HttpRequest r) {
        JsonNode body = r.body().length == 0 ? Json.MAPPER.createObjectNode() : Json.readRequest(r, JsonNode.class);
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("body: expected a JSON object");
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw HttpError.badRequest(field + ": " + n + " (expected: a string)");
        }
        return n.textValue();
    }

    private static boolean bool(JsonNode body, String field, boolean dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw HttpError.badRequest(field + ": " + n + " (expected: true or false)");
        }
        return n.booleanValue();
    }

    private static int number(JsonNode body, String field, int dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber()) {
            throw HttpError.badRequest(field + ": " + n + " (expected: a whole number)");
        }
        return n.intValue();
    }

    private static Duration duration(JsonNode body, String field) {
        String s = text(body, field);
        if (s == null) {
            return null;
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest(field + ": " + s + " (expected: an ISO-8601 duration such as PT2S or PT5M)");
        }
    }

    private static Instant instant(JsonNode body, String field) {
        String s = text(body, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest(field + ": " + s + " (expected: an ISO-8601 instant such as 2025-07-01T00:00:00Z)");
        }
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw HttpError.badRequest(field + ": expected an array of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw HttpError.badRequest(field + ": contains " + item + " (expected: strings)");
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static Boolean boolParam(HttpRequest r, String name) {
        String v = r.queryParam(name);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw HttpError.badRequest(name + "=" + v + " (expected: true or false)");
        };
    }

    private static Instant instantParam(HttpRequest r, String name) {
        String v = r.queryParam(name);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest(name + "=" + v + " (expected: an ISO-8601 instant, e.g. 2025-03-01T09:00:00Z)");
        }
    }

    private static Duration durationParam(HttpRequest r, String name, Duration dflt) {
        String v = r.queryParam(name);
        try {
            return v == null ? dflt : Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest(name + "=" + v + " (expected: an ISO-8601 duration, e.g. PT1M)");
        }
    }

    private static int intParam(HttpRequest r, String name, int dflt) {
        String v = r.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + "=" + v + " (expected: a whole number)");
        }
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }

    private static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
