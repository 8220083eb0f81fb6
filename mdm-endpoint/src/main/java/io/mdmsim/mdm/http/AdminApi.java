package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.dep.DepTokenService;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.device.DeviceView;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.push.PushService;
import io.mdmsim.mdm.queue.CommandView;
import io.mdmsim.mdm.reference.DeviceLifecycle;
import io.mdmsim.mdm.reference.PortalView;
import io.mdmsim.mdm.reference.ReferenceMdmService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON admin API under {@code /admin} (docs/DESIGN.md "Wire contracts between the parts"): DEP tokens ({@link
 * DepAdminApi}), devices, commands (typed JSON or raw plist), push, declarations, the event stream ({@link EventsApi})
 * and the clock.
 */
public final class AdminApi {

    private final DepTokenService dep;
    private final DepAdminApi depApi;
    private final ReferenceMdmService mdm;
    private final DeviceRegistry registry;
    private final SimClock clock;
    private final PushService pushes;
    private final EventLog events;
    private final EventsApi eventsApi;

    public AdminApi(DepTokenService dep, ReferenceMdmService mdm, DeviceRegistry registry, SimClock clock,
            PushService pushes, EventLog events) {
        this.dep = requireNonNull(dep, "dep");
        this.depApi = new DepAdminApi(dep);
        this.mdm = requireNonNull(mdm, "mdm");
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        this.pushes = requireNonNull(pushes, "pushes");
        this.events = requireNonNull(events, "events");
        this.eventsApi = new EventsApi(events);
    }

    private volatile io.mdmsim.mdm.signin.SetupAssistantSignIn signIn;

    /** Who signed in in Setup Assistant, shown on the device view as {@code enrollmentUser}. */
    public AdminApi signIn(io.mdmsim.mdm.signin.SetupAssistantSignIn signIn) {
        this.signIn = signIn;
        return this;
    }

    /**
     * Hosts an uploaded token's {@code depUrl} may name besides loopback ones (the default DEP URL's and those the
     * server was told to allow): the DEP client must not be pointed at whatever a caller names.
     */
    public AdminApi allowDepHosts(java.util.Collection<String> hosts) {
        depApi.allowDepHosts(hosts);
        return this;
    }

    public void addRoutes(Router.Builder router) {
        depApi.addRoutes(router);
        router.get("/admin/devices", this::devices)
                .get("/admin/devices/{udid}", this::device)
                .post("/admin/devices/{udid}/commands", this::enqueue)
                .get("/admin/devices/{udid}/commands", this::history)
                .get("/admin/devices/{udid}/commands/{uuid}", this::command)
                .post("/admin/devices/{udid}/push", this::push)
                .get("/admin/declarations", r -> HttpResponse.json(200, declarationsJson()))
                .post("/admin/declarations", this::putDeclarations)
                .put("/admin/declarations", this::putDeclarations)
                .delete("/admin/declarations/{identifier}", this::deleteDeclaration)
                .get("/admin/events", eventsApi::events)
                .get("/admin/clock", r -> HttpResponse.json(200, clockJson()))
                .post("/admin/clock", this::moveClock);
    }

    // ---- devices --------------------------------------------------------------------------------------------------

    /**
     * The devices, each with its enrollment profile's name (dynamic groups); {@code ?enrollmentProfileName=NAME} keeps
     * those that enrolled with that profile (compared as Entra's {@code device.enrollmentProfileName -eq "NAME"}:
     * ignoring case).
     */
    private HttpResponse devices(HttpRequest request) {
        String group = request.queryParam("enrollmentProfileName");
        if (group != null && (group.isBlank() || group.length() > 256)) {
            throw HttpError.badRequest("enrollmentProfileName: " + (group.isBlank() ? "blank" : group.length()
                    + " characters") + " (expected: the name of an enrollment profile, at most 256 characters)");
        }
        List<AdminViews.ListedDevice> out = registry.views().stream()
                .flatMap(v -> registry.find(v.udid()).map(d -> AdminViews.ListedDevice.of(v, d)).stream())
                .filter(m -> group == null || group.equalsIgnoreCase(m.enrollmentProfileName()))
                .toList();
        return HttpResponse.json(200, out);
    }

    private HttpResponse device(HttpRequest request) {
        DeviceRecord d = known(request.pathParam("udid"));
        DeviceView v = d.view();
        io.mdmsim.mdm.signin.SetupAssistantSignIn users = signIn;
        var setup = users == null ? java.util.Optional.<io.mdmsim.mdm.signin.SetupAssistantSignIn.SignedIn>empty()
                : users.signedIn(d.id);
        List<String> scopeTags = dep.scopeTagsOf(d.read(DeviceLifecycle::enrollmentToken));
        return HttpResponse.json(200, d.read(r -> new AdminViews.DeviceDetail(AdminViews.DeviceFields.of(v),
                v.hasBootstrapToken(), v.users(), AdminViews.str(v.declarativeStatusAt()), v.queryResponses(),
                r.declarativeStatus, DeviceLifecycle.view(r), DeviceLifecycle.enrollmentProfileName(r),
                PortalView.of(r), setup.orElse(null),
                PortalView.Registration.of(r, setup.map(s -> s.user()).orElse(null), setup.map(s -> s.via()).orElse(null)),
                scopeTags)));
    }

    // ---- commands -------------------------------------------------------------------------------------------------

    /**
     * Queues a command: typed JSON ({@link CommandJson}) or, with an XML/plist Content-Type, a raw command plist.
     * Pushes the device unless {@code ?push=false}.
     */
    private HttpResponse enqueue(HttpRequest request) {
        String udid = request.pathParam("udid");
        known(udid);
        String type = request.header("Content-Type");
        String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        Command command;
        try {
            if (media.equals("application/xml") || media.equals("text/xml") || media.equals("application/x-plist")) {
                command = CommandJson.bindPlist(mdm.newCommandUuid(), request.body());
            } else if (media.isEmpty() || media.equals("application/json")) {
                Map<String, Object> body = Json.read(request.body(),
                        new TypeReference<LinkedHashMap<String, Object>>() {});
                if (body == null) {
                    throw HttpError.badRequest("body: null (expected: a JSON object {\"requestType\": \"...\", ...})");
                }
                command = CommandJson.bind(mdm.newCommandUuid(), body,
                        () -> Json.write(mdm.declarations().tokens().get("SyncTokens")));
            } else {
                throw new HttpError(415, HttpResponse.TEXT_PLAIN, ("Content-Type: " + type + " (expected:"
                        + " application/json for a typed command, or application/xml for a raw command plist)")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (BadInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        try {
            mdm.enqueue(udid, command).orElseThrow(() -> unknown(udid));
        } catch (IllegalArgumentException e) {
            throw HttpError.conflict(e.getMessage());
        }
        events.emit("command", udid, "event", "queued", "commandUuid", command.commandUuid(),
                "requestType", command.requestType());
        String pushed = "false".equals(request.queryParam("push")) ? null
                : pushWord(pushes.push(udid, "command " + command.requestType() + " queued"));
        AdminViews.QueuedCommand out = new AdminViews.QueuedCommand(command.commandUuid(), command.requestType(), pushed);
        return HttpResponse.json(201, out);
    }

    private HttpResponse history(HttpRequest request) {
        String udid = request.pathParam("udid");
        List<CommandView> views = mdm.history(udid).orElseThrow(() -> unknown(udid));
        return HttpResponse.json(200, views.stream().map(AdminViews.CommandEntry::of).toList());
    }

    private HttpResponse command(HttpRequest request) {
        String udid = request.pathParam("udid");
        String uuid = request.pathParam("uuid");
        List<CommandView> views = mdm.history(udid).orElseThrow(() -> unknown(udid));
        return views.stream().filter(v -> v.commandUuid().equals(uuid)).findFirst()
                .map(v -> HttpResponse.json(200, AdminViews.CommandEntry.of(v)))
                .orElseThrow(() -> HttpError.notFound("command " + uuid + " was never queued for " + udid
                        + " (see GET /admin/devices/" + udid + "/commands)"));
    }

    private HttpResponse push(HttpRequest request) {
        String udid = request.pathParam("udid");
        PushService.Outcome o = pushes.push(udid, "asked for by the admin API");
        return switch (o) {
            case QUEUED -> HttpResponse.json(202, new AdminViews.Pushed(udid, pushWord(o)));
            case UNKNOWN_DEVICE -> throw unknown(udid);
            case OFF -> throw HttpError.conflict("pushes are off: no APNs URL is configured (mdmsim mdm --apns-url)");
            case NO_TOKEN -> throw HttpError.conflict("device " + udid + " has no push token (expected: a TokenUpdate"
                    + " check-in first; a checked-out device has none)");
            case UNREGISTERED -> throw HttpError.conflict("APNs said the push token of " + udid + " is unregistered"
                    + " (410); pushes resume after its next TokenUpdate");
        };
    }

    private static String pushWord(PushService.Outcome o) {
        return o.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    // ---- declarations ---------------------------------------------------------------------------------------------

    private List<Object> declarationsJson() {
        return mdm.declarations().all().stream().map(d -> (Object) d.json()).toList();
    }

    /** One declaration object, or an array of them; answers with the declaration set and its new token. */
    private HttpResponse putDeclarations(HttpRequest request) {
        JsonNode body = Json.readRequest(request, JsonNode.class);
        if (body == null) {
            throw HttpError.badRequest("body: null (expected: a declaration {\"Type\", \"Identifier\", \"Payload\"}"
                    + " or an array of them)");
        }
        try {
            if (body.isArray()) {
                body.forEach(mdm.declarations()::put);
            } else {
                mdm.declarations().put(body);
            }
        } catch (BadInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return HttpResponse.json(200, new AdminViews.Declarations(declarationsJson(),
                mdm.declarations().tokens().get("SyncTokens")));
    }

    private HttpResponse deleteDeclaration(HttpRequest request) {
        String id = request.pathParam("identifier");
        if (!mdm.declarations().remove(id)) {
            throw HttpError.notFound("declaration " + id + " is unknown (see GET /admin/declarations)");
        }
        return HttpResponse.empty(204);
    }

    // ---- clock ----------------------------------------------------------------------------------------------------

    private AdminViews.ClockView clockJson() {
        return new AdminViews.ClockView(clock.now().toString(), clock.describe());
    }

    /** Moves a manual clock: {@code {"advance": "PT16M"}} or {@code {"set": "2025-06-01T12:00:00Z"}}. */
    private HttpResponse moveClock(HttpRequest request) {
        if (!(clock instanceof ManualClock manual)) {
            throw HttpError.conflict("the clock is " + clock.describe() + "; only a manual clock can be moved"
                    + " (mdmsim mdm --clock manual)");
        }
        JsonNode body = Json.readRequest(request, JsonNode.class);
        String advance = body == null ? null : body.path("advance").asText(null);
        String set = body == null ? null : body.path("set").asText(null);
        if ((advance == null) == (set == null)) {
            throw HttpError.badRequest("give either \"advance\": \"PT10M\" or \"set\": \"2025-06-01T12:00:00Z\"");
        }
        try {
            if (advance != null) {
                Duration d = Duration.parse(advance);
                if (d.isNegative()) {
                    throw HttpError.badRequest("advance: " + advance + " (expected: a positive duration)");
                }
                manual.advance(d);
            } else {
                manual.set(Instant.parse(set));
            }
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest("cannot parse " + e.getParsedString()
                    + " (expected: ISO-8601, e.g. PT10M or 2025-06-01T12:00:00Z)");
        }
        return HttpResponse.json(200, clockJson());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private DeviceRecord known(String udid) {
        return registry.find(udid).orElseThrow(() -> unknown(udid));
    }

    private static HttpError unknown(String udid) {
        return HttpError.notFound("device " + udid + " is unknown (see GET /admin/devices)");
    }
}
