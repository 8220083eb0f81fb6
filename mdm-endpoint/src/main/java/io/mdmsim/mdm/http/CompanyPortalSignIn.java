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
 * that UDID. The user's licence comes from the {@link LicenseGate} (D.4). 200 {@code {"registered": true,
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

    private final DeviceRegistry registry;
    private final MdmIdentityVerifier identities;
    private final IdentityBindings bindings;
    private final CompanyPortalService portal;
    private final PushService pushes;
    private final LicenseGate licenses;
    private final MdmConfig.ErrorBodyFormat errorFormat;
    private final EventLog events;
    private final SimClock clock;

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
    }

    HttpResponse signIn(HttpRequest request) {
        byte[] body = request.body();
        if (body.length > MAX_BODY) {
            return refuse(request, null, 413, TOO_LARGE, "the sign-in body is " + body.length + " bytes (expected: at"
                    + " most " + MAX_BODY + " bytes of JSON {\"UDID\": ..., \"UserName\": ...})");
        }
        String type = MdmHttp.mediaType(request);
        if (type != null && !type.equals("application/json")) {
            return refuse(request, null, 415, MEDIA_TYPE, "Content-Type: " + type
                    + " (expected: application/json with {\"UDID\": ..., \"UserName\": ...})");
        }
        String signature = request.header(MdmIdentityVerifier.HEADER);
        if ((signature == null || signature.isBlank()) && request.peerCertificates().isEmpty()) {
            return refuse(request, null, 401, UNSIGNED, "no " + MdmIdentityVerifier.HEADER + " header (expected: "
                    + MdmIdentityVerifier.HEADER + " = base64 detached CMS signature over the body by the device's MDM"
                    + " identity, as on its check-ins)");
        }
        X509Certificate signer;
        try {
            signer = identities.verify(signature, body, request.peerCertificates());
        } catch (UnrecognizedDeviceException e) {
            return refuse(request, null, 403, BAD_SIGNATURE, e.getMessage() + " (expected: " + MdmIdentityVerifier.HEADER
                    + " = base64 detached CMS signature over this body by the device's MDM identity)");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return refuse(request, null, 400, BAD_REQUEST, "the body is not JSON: " + e.getOriginalMessage()
                    + " (expected: {\"UDID\": ..., \"UserName\": ...})");
        } catch (IOException e) {
            return refuse(request, null, 400, BAD_REQUEST, "the body is not JSON: " + e.getMessage()
                    + " (expected: {\"UDID\": ..., \"UserName\": ...})");
        }
        if (json == null || json.isMissingNode()) {
            return refuse(request, null, 400, BAD_REQUEST, "the body is empty (expected: a JSON object {\"UDID\":"
                    + " ..., \"UserName\": ...})");
        }
        if (!json.isObject()) {
            return refuse(request, null, 400, BAD_REQUEST, "the body is a JSON "
                    + json.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: a JSON object {\"UDID\":"
                    + " ..., \"UserName\": ...})");
        }
        String problem = field(json, "UDID", "the device's UDID");
        if (problem == null) {
            problem = field(json, "UserName", "the user who signed in, e.g. user@example.com");
        }
        String udid = json.path("UDID").isTextual() ? json.path("UDID").asText() : null;
        if (problem != null) {
            return refuse(request, udid, 400, BAD_REQUEST, problem);
        }
        String user = json.path("UserName").asText();
        Optional<DeviceRecord> found = registry.find(udid);
        if (found.isEmpty()) {
            return refuse(request, udid, 404, UNKNOWN_DEVICE, "device " + udid + " is not enrolled with this server"
                    + " (expected: the UDID of an enrolled device; see GET /admin/devices)");
        }
        DeviceRecord d = found.get();
        String fingerprint = Certificates.sha256Fingerprint(signer);
        Optional<String> bound = bindings.boundTo(signer);
        boolean ours;
        boolean checkedOut;
        d.lock();
        try {
            ours = fingerprint.equals(d.identityFingerprint) || bound.map(udid::equals).orElse(false);
            checkedOut = d.state == EnrollmentState.CHECKED_OUT;
        } finally {
            d.unlock();
        }
        if (!ours) {
            return refuse(request, udid, 403, NOT_THE_DEVICE, "the body is signed by '"
                    + signer.getSubjectX500Principal().getName() + "'" + bound.map(b -> ", the identity of " + b)
                    .orElse("") + ", not by the MDM identity of " + udid + " (expected: the device signs its own"
                    + " sign-in)");
        }
        if (checkedOut) {
            return refuse(request, udid, 409, CHECKED_OUT, "device " + udid + " checked out (its management was"
                    + " removed); a Company Portal sign-in needs an enrolled device (expected: enroll it again first)");
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
        d.lock();
        try {
            d.lastSeenAt = clock.now();
            lifted = portal.signedIn(d, user, clock.now());
        } finally {
            d.unlock();
        }
        if (lifted && pushes != null) {
            pushes.push(udid, "Single App Mode lifted after the Company Portal sign-in of " + user);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("registered", true);
        answer.put("singleAppModeLifted", lifted);
        return HttpResponse.json(200, answer);
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
