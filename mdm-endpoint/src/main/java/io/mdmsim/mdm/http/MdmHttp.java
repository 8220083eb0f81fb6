package io.mdmsim.mdm.http;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.mdm.enroll.EnrollmentRefusedException;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.enroll.ScepService;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.model.MachineInfo;
import io.mdmsim.mdm.service.CheckinReply;
import io.mdmsim.mdm.service.MdmRequest;
import io.mdmsim.mdm.service.MdmService;
import io.mdmsim.mdm.service.UnrecognizedDeviceException;
import io.mdmsim.mdm.signin.SetupAssistantSignIn;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The device-facing endpoints, as thin adapters: check the media type, read the body, dispatch to a service, map
 * errors to status codes. Paths and media types per docs/DESIGN.md "Wire contracts between the parts" and
 * docs/mdm-endpoint.md "Device endpoints". Every MalformedInputException ({@link BadInputException}, the core codecs'
 * exceptions) becomes 400 in the server's ErrorMapper ({@link MdmServer}).
 */
public final class MdmHttp {

    private static final System.Logger LOG = System.getLogger(MdmHttp.class.getName());

    static final String ASPEN_CONFIG = "application/x-apple-aspen-config";
    static final String CHECKIN_TYPE = "application/x-apple-aspen-mdm-checkin";
    static final String REPORT_TYPE = "application/x-apple-aspen-mdm";
    static final String PKI_MESSAGE = "application/x-pki-message";
    static final String DEVICE_INFO_HEADER = "x-apple-aspen-deviceinfo";

    /** What a MachineInfo POST may be labelled (observed: application/pkcs7-signature; Apple names none). */
    private static final List<String> MACHINE_INFO_TYPES = List.of("application/pkcs7-signature",
            "application/x-pkcs7-signature", "application/pkcs7-mime", "application/x-pkcs7-mime",
            "application/octet-stream");
    /** Reports come without a type from some clients (mdmb); plists may be labelled as XML. */
    private static final List<String> REPORT_TYPES = List.of(REPORT_TYPE, "application/xml", "text/xml",
            "application/x-plist", "application/octet-stream");

    private final EnrollmentService enrollment;
    private final ScepService scep;
    private final MdmService mdm;
    private final MdmIdentityVerifier identities;
    private final MdmConfig.ErrorBodyFormat errorFormat;
    private final EventLog events;
    private volatile SetupAssistantSignIn signIn;

    /** The user's sign-in in Setup Assistant (legacy or modern) for profiles with user affinity; none: no sign-in. */
    public MdmHttp signIn(SetupAssistantSignIn signIn) {
        this.signIn = signIn;
        return this;
    }

    public MdmHttp(EnrollmentService enrollment, ScepService scep, MdmService mdm, MdmIdentityVerifier identities,
            MdmConfig.ErrorBodyFormat errorFormat, EventLog events) {
        this.enrollment = requireNonNull(enrollment, "enrollment");
        this.scep = requireNonNull(scep, "scep");
        this.mdm = requireNonNull(mdm, "mdm");
        this.identities = requireNonNull(identities, "identities");
        this.errorFormat = requireNonNull(errorFormat, "errorFormat");
        this.events = requireNonNull(events, "events");
    }

    public void addRoutes(Router.Builder router) {
        router.post("/mdm/enroll", this::enroll)
                .get("/mdm/enroll", this::enrollGet)
                .post(SetupAssistantSignIn.FORM_PATH, this::enrollSignIn)
                .get("/scep", this::scepGet)
                .post("/scep", this::scepPost)
                .put("/mdm/checkin", this::checkin)
                .put("/mdm/connect", this::connect);
    }

    // ---- enrollment (Apple's "MachineInfo") -----------------------------------------------------------------------

    HttpResponse enroll(HttpRequest request) {
        requireType(request, MACHINE_INFO_TYPES, true, "a CMS-signed MachineInfo");
        return enrollVerified(() -> enrollment.verifyMachineInfo(request.body()), false, request);
    }

    /** OTA enrollment, or the web-view flow when the request carries {@code x-apple-aspen-deviceinfo}. */
    HttpResponse enrollGet(HttpRequest request) {
        String deviceInfo = request.header(DEVICE_INFO_HEADER);
        if (deviceInfo != null) {
            return enrollVerified(() -> enrollment.verifyDeviceInfoHeader(deviceInfo), true, request);
        }
        try {
            enrollment.checkOta(request.header("User-Agent"), request.queryParam("serial"), request.queryParam("imei"));
        } catch (EnrollmentRefusedException e) {
            LOG.log(INFO, "over-the-air enrollment refused: {0}", e.getMessage());
            enrollment.refused(null, e);
            return e.error().toResponse(errorFormat);
        }
        return HttpResponse.ok(enrollment.otaProfile(), ASPEN_CONFIG);
    }

    private HttpResponse enrollVerified(java.util.function.Supplier<MachineInfo> verify, boolean webView,
            HttpRequest request) {
        MachineInfo info = null;
        try {
            info = verify.get();
            enrollment.checkPolicy(info, webView, request.header("User-Agent"));
            SetupAssistantSignIn users = signIn;
            SetupAssistantSignIn.Need need = users == null ? SetupAssistantSignIn.Need.NONE : users.need(info, webView);
            if (need == SetupAssistantSignIn.Need.MODERN) {
                return HttpResponse.ok(users.page(info).getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
            }
            if (need == SetupAssistantSignIn.Need.LEGACY) {
                HttpResponse refused = signedIn(info, users.legacy(info, request.header("Authorization")), users);
                if (refused != null) {
                    return refused;
                }
            }
            return HttpResponse.ok(enrollment.profileFor(info), ASPEN_CONFIG);
        } catch (EnrollmentRefusedException e) {
            LOG.log(INFO, "enrollment refused: {0}", e.getMessage());
            enrollment.refused(info, e);
            return e.error().toResponse(errorFormat);
        }
    }

    /** Setup Assistant with modern authentication: the sign-in form, answered with the enrollment profile. */
    HttpResponse enrollSignIn(HttpRequest request) {
        SetupAssistantSignIn users = signIn;
        if (users == null) {
            throw HttpError.notFound("no Setup Assistant sign-in on this server");
        }
        SetupAssistantSignIn.FormResult r = users.form(request.body());
        if (r.info() == null) {
            return signInError(r.outcome());
        }
        HttpResponse refused = signedIn(r.info(), r.outcome(), users);
        return refused != null ? refused : HttpResponse.ok(enrollment.profileFor(r.info()), ASPEN_CONFIG);
    }

    /** Null when the user signed in; else the answer: 401 asks again, 403 is the licence refusal. */
    private HttpResponse signedIn(MachineInfo info, SetupAssistantSignIn.Outcome outcome, SetupAssistantSignIn users) {
        if (outcome.signedIn()) {
            events.emit("enroll.signin", info.udid(), "user", outcome.user(), "serialNumber", info.serial());
            return null;
        }
        if (outcome.licence() != null) {
            EnrollmentRefusedException e = new EnrollmentRefusedException(outcome.licence());
            LOG.log(INFO, "enrollment refused: {0}", e.getMessage());
            enrollment.refused(info, e);
            return outcome.licence().toResponse(errorFormat);
        }
        events.emit("enroll.signin", info.udid(), "httpStatus", outcome.status(), "reason", outcome.message());
        HttpResponse r = signInError(outcome);
        return outcome.status() == 401 ? r.withHeader("WWW-Authenticate", users.challenge()) : r;
    }

    private static HttpResponse signInError(SetupAssistantSignIn.Outcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", "io.mdmsim.enrollment.sign-in");
        body.put("message", outcome.message());
        return HttpResponse.json(outcome.status(), body);
    }

    // ---- SCEP (RFC 8894) ----------------------------------------------------------------------------------------

    HttpResponse scepGet(HttpRequest request) {
        String op = operation(request);
        return switch (op) {
            case "GetCACaps" -> HttpResponse.ok(scep.capabilities().getBytes(StandardCharsets.US_ASCII), "text/plain");
            case "GetCACert" -> {
                ScepService.CaCertificates certs = scep.caCertificates();
                yield HttpResponse.ok(certs.body(), certs.contentType());
            }
            case "PKIOperation" -> {
                String message = request.queryParam("message");
                if (message == null || message.isEmpty()) {
                    throw HttpError.badRequest("PKIOperation by GET needs the query parameter message "
                            + "(expected: base64 of the DER pkiMessage)");
                }
                byte[] der;
                try {
                    // A '+' decoded as a space by form-style query decoding is put back.
                    der = Base64.getMimeDecoder().decode(message.replace(' ', '+'));
                } catch (IllegalArgumentException e) {
                    throw HttpError.badRequest("PKIOperation message is not base64: " + e.getMessage());
                }
                yield pkiOperation(der);
            }
            default -> throw unknownOperation(op);
        };
    }

    HttpResponse scepPost(HttpRequest request) {
        String op = operation(request);
        if (!op.equals("PKIOperation")) {
            throw unknownOperation(op);
        }
        return pkiOperation(request.body());
    }

    private HttpResponse pkiOperation(byte[] der) {
        return HttpResponse.ok(scep.pkiOperation(der), PKI_MESSAGE);
    }

    private static String operation(HttpRequest request) {
        String op = request.queryParam("operation");
        if (op == null || op.isEmpty()) {
            throw HttpError.badRequest("missing query parameter operation (expected: GetCACaps, GetCACert or PKIOperation)");
        }
        return op;
    }

    private static HttpError unknownOperation(String op) {
        return HttpError.badRequest("operation: " + op + " (expected: GetCACaps, GetCACert or PKIOperation)");
    }

    // ---- check-in and commands (Apple's "Check-in") --------------------------------------------------------------

    HttpResponse checkin(HttpRequest request) {
        requireType(request, List.of(CHECKIN_TYPE), true, "a check-in plist");
        X509Certificate identity;
        try {
            identity = identities.verify(request.header(MdmIdentityVerifier.HEADER), request.body(),
                    request.peerCertificates());
        } catch (UnrecognizedDeviceException e) {
            return unverified(request, e);
        }
        CheckinMessage message = CheckinCodec.decode(request.body());
        try {
            CheckinReply reply = mdm.checkin(new MdmRequest(id(message), identity), message);
            return new HttpResponse(reply.status(), headers(reply.contentType()), reply.body());
        } catch (UnrecognizedDeviceException e) {
            return refused(request, e);
        }
    }

    HttpResponse connect(HttpRequest request) {
        String type = mediaType(request);
        if (CHECKIN_TYPE.equals(type)) {
            // CheckInURL defaults to ServerURL; route on the media type (nanomdm CheckinAndCommandHandler).
            return checkin(request);
        }
        requireType(request, REPORT_TYPES, true, "a command report plist");
        X509Certificate identity;
        try {
            identity = identities.verify(request.header(MdmIdentityVerifier.HEADER), request.body(),
                    request.peerCertificates());
        } catch (UnrecognizedDeviceException e) {
            return unverified(request, e);
        }
        CommandResult result = CommandResult.parse(request.body());
        String id = result.identity();
        try {
            Optional<Command> next = mdm.report(new MdmRequest(id, identity), result);
            return next.map(c -> HttpResponse.ok(c.toXml(), "application/xml"))
                    .orElseGet(() -> HttpResponse.empty(200));
        } catch (UnrecognizedDeviceException e) {
            return refused(request, e);
        }
    }

    private static String id(CheckinMessage message) {
        String id = message.identity();
        if (id == null) {
            throw HttpError.badRequest(message.messageType()
                    + " has neither UDID nor EnrollmentID (expected: one of them; ADM mdm/checkin)");
        }
        return id;
    }

    /** The media type without parameters, lower case; null when the request has none. */
    static String mediaType(HttpRequest request) {
        String type = request.header("Content-Type");
        if (type == null || type.isBlank()) {
            return null;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** 415 unless the request's media type is one of {@code allowed} (or absent, when {@code absentOk}). */
    private static void requireType(HttpRequest request, List<String> allowed, boolean absentOk, String what) {
        String type = mediaType(request);
        if (type == null ? absentOk : allowed.contains(type)) {
            return;
        }
        throw new HttpError(415, HttpResponse.TEXT_PLAIN, ("Content-Type: " + (type == null ? "none" : type)
                + " (expected: " + String.join(" or ", allowed) + " for " + what + ")")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        return h;
    }

    /** A request whose identity could not be verified (the services never saw it): logged, recorded, 403. */
    private HttpResponse unverified(HttpRequest request, UnrecognizedDeviceException e) {
        String udid = null;
        String messageType = null;
        try {
            com.dd.plist.NSDictionary d = io.mdmsim.core.plist.Plist.parseDictionary(request.body());
            udid = d.get("UDID") instanceof com.dd.plist.NSString s ? s.getContent() : null;
            messageType = d.get("MessageType") instanceof com.dd.plist.NSString s ? s.getContent() : null;
        } catch (RuntimeException notAPlist) {
            // The event still says what was refused and why.
        }
        events.emit(messageType != null ? "checkin" : "report", udid, "messageType", messageType,
                "httpStatus", 403, "reason", e.getMessage());
        return refused(request, e);
    }

    private HttpResponse refused(HttpRequest request, UnrecognizedDeviceException e) {
        LOG.log(INFO, "{0} {1} from {2}: device not recognised: {3}", request.method(), request.path(),
                request.remote(), e.getMessage());
        return unrecognized(e.getMessage(), null, errorFormat);
    }

    /** 403 with the body of ADM mdm/errors/unrecognized.device.yaml; description is for logs only. */
    public static HttpResponse unrecognized(String description, String message, MdmConfig.ErrorBodyFormat format) {
        LOG.log(DEBUG, "403 {0}", description);
        return DeviceError.unrecognized(description, message).toResponse(format);
    }
}
