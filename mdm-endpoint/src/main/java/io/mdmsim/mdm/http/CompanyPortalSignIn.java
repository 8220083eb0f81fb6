package io.mdmsim.mdm.http;

import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.device.EnrollmentState;
import io.mdmsim.mdm.enroll.IdentityBindings;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.policy.LicenseGate;
import io.mdmsim.mdm.push.PushService;
import io.mdmsim.mdm.reference.CompanyPortalService;
import io.mdmsim.mdm.service.UnrecognizedDeviceException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /companyportal/signin} (docs/mdm-endpoint.md "Company Portal and Single App Mode"): Company Portal registers its user's sign-in. Body JSON
 * {@code {"UDID": ..., "UserName": ...}}, header {@code Mdm-Signature} = base64 detached CMS signature over the body by
 * the device's MDM identity (checked as for a check-in, {@link MdmIdentityVerifier}), which must be the identity of
 * that UDID. The user's licence comes from the {@link LicenseGate}. 200 {@code {"registered": true,
 * "singleAppModeLifted": bool}}; a device locked in Single App Mode gets RemoveProfile and a push.
 * <p>
 * Errors, each JSON {@code {"code", "message"}} saying what was wrong and what was expected: 413 body over
 * {@value #MAX_BODY} bytes, 415 not JSON, 401 no signature, 403 a signature that does not verify or is not the
 * device's, 400 bad JSON or a missing/blank UDID or UserName, 404 unknown UDID, 409 checked-out device, 403
 * io.mdmsim.license.user-unlicensed (the licence gate's error body).
 */
public final class CompanyPortalSignIn {

    private static final System.Logger LOG = System.getLogger(CompanyPortalSignIn.class.getName());

    /** A sign-in is two short strings; anything larger is not one. */
    static final int MAX_BODY = 16 * 1024;
    static final int MAX_FIELD = 1024;

    static final String BAD_REQUEST = "io.mdmsim.companyportal.bad-request";
    static final String TOO_LARGE = "io.mdmsim.companyportal.body-too-large";
    static final String MEDIA_TYPE = "io.mdmsim.companyportal.unsupported-media-type";
    static final String UNSIGNED = "io.mdmsim.companyportal.unsigned";
    static final String BAD_SIGNATURE = "io.mdmsim.companyportal.bad-signature";
    static final String NOT_THE_DEVICE = "io.mdmsim.companyportal.wrong-identity";
    static final String UNKNOWN_DEVICE = "io.mdmsim.companyportal.unknown-device";
    static final String CHECKED_OUT = "io.mdmsim.companyportal.checked-out";
    static final String USERLESS = "io.mdmsim.companyportal.userless";
    static final String ACTION_UNAVAILABLE = "io.mdmsim.companyportal.action-unavailable";
    /** Company Portal's self-service actions (Remove Device, Factory Reset). */
    public static final String ACTIONS_PATH = "/companyportal/actions";

    private final DeviceRegistry registry;
    private final MdmIdentityVerifier identities;
    private final IdentityBindings bindings;
    private final CompanyPortalService portal;
    private final PushService pushes;
    private final LicenseGate licenses;
    private final MdmConfig.ErrorBodyFormat errorFormat;
    private final EventLog events;
    private final SimClock clock;
    private volatile io.mdmsim.mdm.reference.DeviceLifecycle lifecycle;

    public CompanyPortalSignIn(DeviceRegistry registry, MdmIdentityVerifier identities, IdentityBindings bindings,
            CompanyPortalService portal, PushService pushes, LicenseGate licenses, MdmConfig.ErrorBodyFormat errorFormat,
            EventLog events, SimClock clock) {
        this.registry = requireNonNull(registry, "registry");
        this.identities = requireNonNull(identities, "identities");
        this.bindings = requireNonNull(bindings, "bindings");
        this.portal = requireNonNull(portal, "portal");
        this.pushes = pushes;
        this.licenses = requireNonNull(licenses, "licenses");
        this.errorFormat = requireNonNull(errorFormat, "errorFormat");
        this.events = requireNonNull(events, "events");
        this.clock = requireNonNull(clock, "clock");
    }

    public void addRoutes(Router.Builder router) {
        router.post(CompanyPortalService.SIGN_IN_PATH, this::signIn);
        router.post(ACTIONS_PATH, this::action);
    }

    /** Who may ask Company Portal's self-service actions of non-ADE devices (retire, wipe); null: none. */
    public CompanyPortalSignIn lifecycle(io.mdmsim.mdm.reference.DeviceLifecycle lifecycle) {
        this.lifecycle = lifecycle;
        return this;
    }

    /** A request signed by an enrolled device for itself: its record and JSON, or the refusal to send. */
    private record Verified(DeviceRecord device, JsonNode json, HttpResponse refusal) {}

    /**
     * The checks every Company Portal request passes: size, type, signature, JSON object with the string fields
     * {@code fields} (name, what it is), a known device signed by its own identity, not checked out.
     */
    private Verified verify(HttpRequest request, String shape, String[][] fields) {
        byte[] body = request.body();
        if (body.length > MAX_BODY) {
            return refusal(request, null, 413, TOO_LARGE, "the body is " + body.length + " bytes (expected: at"
                    + " most " + MAX_BODY + " bytes of JSON " + shape + ")");
        }
        String type = MdmHttp.mediaType(request);
        if (type != null && !type.equals("application/json")) {
            return refusal(request, null, 415, MEDIA_TYPE, "Content-Type: " + type
                    + " (expected: application/json with " + shape + ")");
        }
        String signature = request.header(MdmIdentityVerifier.HEADER);
        if ((signature == null || signature.isBlank()) && request.peerCertificates().isEmpty()) {
            return refusal(request, null, 401, UNSIGNED, "no " + MdmIdentityVerifier.HEADER + " header (expected: "
                    + MdmIdentityVerifier.HEADER + " = base64 detached CMS signature over the body by the device's MDM"
                    + " identity, as on its check-ins)");
        }
        X509Certificate signer;
        try {
            signer = identities.verify(signature, body, request.peerCertificates());
        } catch (UnrecognizedDeviceException e) {
            return refusal(request, null, 403, BAD_SIGNATURE, e.getMessage() + " (expected: "
                    + MdmIdentityVerifier.HEADER + " = base64 detached CMS signature over this body by the device's MDM"
                    + " identity)");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return refusal(request, null, 400, BAD_REQUEST, "the body is not JSON: " + e.getOriginalMessage()
                    + " (expected: " + shape + ")");
        } catch (IOException e) {
            return refusal(request, null, 400, BAD_REQUEST, "the body is not JSON: " + e.getMessage()
                    + " (expected: " + shape + ")");
        }
        if (json == null || json.isMissingNode()) {
            return refusal(request, null, 400, BAD_REQUEST, "the body is empty (expected: a JSON object " + shape + ")");
        }
        if (!json.isObject()) {
            return refusal(request, null, 400, BAD_REQUEST, "the body is a JSON "
                    + json.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: a JSON object " + shape + ")");
        }
        String udid = json.path("UDID").isTextual() ? json.path("UDID").asText() : null;
        for (String[] f : fields) {
            String problem = field(json, f[0], f[1]);
            if (problem != null) {
                return refusal(request, udid, 400, BAD_REQUEST, problem);
            }
        }
        Optional<DeviceRecord> found = registry.find(udid);
        if (found.isEmpty()) {
            return refusal(request, udid, 404, UNKNOWN_DEVICE, "device " + udid + " is not enrolled with this server"
                    + " (expected: the UDID of an enrolled device; see GET /admin/devices)");
        }
        DeviceRecord d = found.get();
        String fingerprint = Certificates.sha256Fingerprint(signer);
        Optional<String> bound = bindings.boundTo(signer);
        boolean ours = d.read(r -> fingerprint.equals(r.identityFingerprint));
        boolean checkedOut = d.read(r -> r.state == EnrollmentState.CHECKED_OUT);
        if (!ours) {
            return refusal(request, udid, 403, NOT_THE_DEVICE, "the body is signed by '"
                    + signer.getSubjectX500Principal().getName() + "'" + bound.map(b -> ", the identity of " + b)
                    .orElse("") + ", not by the MDM identity of " + udid + " (expected: the device signs its own"
                    + " request)");
        }
        if (checkedOut) {
            return refusal(request, udid, 409, CHECKED_OUT, "device " + udid + " checked out (its management was"
                    + " removed); Company Portal needs an enrolled device (expected: enroll it again first)");
        }
        return new Verified(d, json, null);
    }

    private static final String SIGN_IN_SHAPE = "{\"UDID\": ..., \"UserName\": ...}";

    HttpResponse signIn(HttpRequest request) {
        Verified v = verify(request, SIGN_IN_SHAPE, new String[][] {{"UDID", "the device's UDID"},
                {"UserName", "the user who signed in, e.g. user@example.com"}});
        if (v.refusal() != null) {
            return v.refusal();
        }
        DeviceRecord d = v.device();
        String udid = d.id;
        String user = v.json().path("UserName").asText();
        String userless = d.read(CompanyPortalService::userlessRefusal);
        String key = d.read(r -> r.serialNumber != null ? r.serialNumber : udid);
        if (userless != null) {
            return refuse(request, udid, 409, USERLESS, userless);
        }
        Optional<DeviceError> unlicensed = licenses.claimUserLicense(user, udid);
        if (unlicensed.isPresent()) {
            DeviceError e = unlicensed.get();
            events.emit("company-portal-signin", udid, "user", user, "httpStatus", 403, "code", e.code(),
                    "reason", e.message() != null ? e.message() : e.description());
            LOG.log(INFO, "Company Portal sign-in of {0} on {1} refused: {2}", user, udid, e.code());
            return e.toResponse(errorFormat);
        }
        boolean lifted;
        String primaryUser;
        boolean ade;
        d.lock();
        try {
            d.lastSeenAt = clock.now();
            lifted = portal.signedIn(d, user, clock.now());
            primaryUser = d.portal.primaryUser;
            ade = CompanyPortalService.automatedEnrollment(d);
        } finally {
            d.unlock();
        }
        if (user.equals(primaryUser)) {
            licenses.usedByLicensedUser(key, user); // a licensed user uses it: no device licence needed
        }
        if (lifted && pushes != null) {
            pushes.push(udid, "Single App Mode lifted after the Company Portal sign-in of " + user);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("registered", true);
        answer.put("singleAppModeLifted", lifted);
        answer.put("primaryUser", primaryUser);
        answer.put("selfService", selfService(ade));
        return HttpResponse.json(200, answer);
    }

    /** The self-service actions Company Portal offers on this device: none on an ADE device (seeds). */
    private static Map<String, Object> selfService(boolean ade) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("removeDevice", !ade);
        m.put("factoryReset", !ade);
        if (ade) {
            m.put("reason", ADE_ACTIONS);
        }
        return m;
    }

    static final String ADE_ACTIONS = "the Remove Device and Factory Reset options in the Company Portal app remain"
            + " unavailable on devices enrolled through automated device enrollment, regardless of locked enrollment";

    /**
     * {@code POST /companyportal/actions} {"UDID", "Action": "RemoveDevice"|"FactoryReset"}: Company Portal's
     * self-service actions. Refused (403) on a device enrolled through automated device enrollment; on another device
     * RemoveDevice retires it (RemoveProfile of the enrollment profile) and FactoryReset wipes it (EraseDevice).
     */
    HttpResponse action(HttpRequest request) {
        Verified v = verify(request, "{\"UDID\": ..., \"Action\": \"RemoveDevice\" or \"FactoryReset\"}",
                new String[][] {{"UDID", "the device's UDID"}, {"Action", "RemoveDevice or FactoryReset"}});
        if (v.refusal() != null) {
            return v.refusal();
        }
        DeviceRecord d = v.device();
        String action = v.json().path("Action").asText();
        if (!action.equals("RemoveDevice") && !action.equals("FactoryReset")) {
            return refuse(request, d.id, 400, BAD_REQUEST, "Action: " + action
                    + " (expected: RemoveDevice or FactoryReset)");
        }
        boolean ade = d.read(CompanyPortalService::automatedEnrollment);
        if (ade) {
            return refuse(request, d.id, 403, ACTION_UNAVAILABLE, action + " refused for device " + d.id + ": "
                    + ADE_ACTIONS);
        }
        io.mdmsim.mdm.reference.DeviceLifecycle l = lifecycle;
        if (l == null) {
            return refuse(request, d.id, 403, ACTION_UNAVAILABLE, action + " is not offered by this server");
        }
        io.mdmsim.mdm.reference.DeviceLifecycle.Requested done = action.equals("RemoveDevice") ? l.retire(d.id)
                : l.wipe(d.id);
        events.emit("company-portal-action", d.id, "action", action, "commandUuid", done.commandUuid());
        return HttpResponse.json(202, done);
    }

    private Verified refusal(HttpRequest request, String udid, int status, String code, String message) {
        return new Verified(null, null, refuse(request, udid, status, code, message));
    }

    /** What is wrong with a required string field, null when it is fine. */
    private static String field(JsonNode json, String name, String what) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) {
            return name + " is missing (expected: " + what + ", a JSON string)";
        }
        if (!v.isTextual()) {
            return name + " is a JSON " + v.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: " + what
                    + ", a JSON string)";
        }
        if (v.asText().isBlank()) {
            return name + " is blank (expected: " + what + ")";
        }
        if (v.asText().length() > MAX_FIELD) {
            return name + " is " + v.asText().length() + " characters (expected: at most " + MAX_FIELD + ")";
        }
        return null;
    }

    private HttpResponse refuse(HttpRequest request, String udid, int status, String code, String message) {
        events.emit("company-portal-signin", udid, "httpStatus", status, "code", code, "reason", message);
        LOG.log(INFO, "{0} {1} from {2}: {3} {4}", request.method(), request.path(), request.remote(), status, message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        return HttpResponse.json(status, body);
    }
}
