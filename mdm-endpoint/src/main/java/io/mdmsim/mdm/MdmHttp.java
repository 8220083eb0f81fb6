package io.mdmsim.mdm;

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
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The device-facing endpoints, as thin adapters: read the body, dispatch to a service, map errors to status codes.
 * Paths and media types per CONTRACT.md B and PROTOCOL.md §3–7. {@link BadInputException} and the core codec
 * exceptions become 400 in the server's ErrorMapper ({@link MdmServer}).
 */
final class MdmHttp {

    private static final System.Logger LOG = System.getLogger(MdmHttp.class.getName());

    static final String ASPEN_CONFIG = "application/x-apple-aspen-config";
    static final String CHECKIN_TYPE = "application/x-apple-aspen-mdm-checkin";
    static final String PKI_MESSAGE = "application/x-pki-message";
    static final String UNRECOGNIZED_DEVICE = "com.apple.unrecognized.device";

    private final EnrollmentService enrollment;
    private final ScepService scep;
    private final MdmService mdm;
    private final MdmIdentityVerifier identities;

    MdmHttp(EnrollmentService enrollment, ScepService scep, MdmService mdm, MdmIdentityVerifier identities) {
        this.enrollment = requireNonNull(enrollment, "enrollment");
        this.scep = requireNonNull(scep, "scep");
        this.mdm = requireNonNull(mdm, "mdm");
        this.identities = requireNonNull(identities, "identities");
    }

    void addRoutes(Router.Builder router) {
        router.post("/mdm/enroll", this::enroll)
                .get("/mdm/enroll", this::enrollOta)
                .get("/scep", this::scepGet)
                .post("/scep", this::scepPost)
                .put("/mdm/checkin", this::checkin)
                .put("/mdm/connect", this::connect);
    }

    // ---- enrollment (PROTOCOL.md §3) ---------------------------------------------------------------------------

    HttpResponse enroll(HttpRequest request) {
        try {
            MachineInfo info = enrollment.verifyMachineInfo(request.body());
            return HttpResponse.ok(enrollment.profileFor(info), ASPEN_CONFIG);
        } catch (EnrollmentRefusedException e) {
            LOG.log(INFO, "enrollment refused: {0}", e.getMessage());
            return unrecognized(e.getMessage(), "This device is not allowed to enroll with this server.");
        }
    }

    HttpResponse enrollOta(HttpRequest request) {
        return HttpResponse.ok(enrollment.otaProfile(), ASPEN_CONFIG);
    }

    // ---- SCEP (PROTOCOL.md §5) ---------------------------------------------------------------------------------

    HttpResponse scepGet(HttpRequest request) {
        String op = operation(request);
        return switch (op) {
            case "GetCACaps" -> HttpResponse.ok(scep.capabilities().getBytes(StandardCharsets.US_ASCII), "text/plain");
            case "GetCACert" -> HttpResponse.ok(scep.caCertificate(), "application/x-x509-ca-cert");
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

    // ---- check-in and commands (PROTOCOL.md §6–7) --------------------------------------------------------------

    HttpResponse checkin(HttpRequest request) {
        X509Certificate identity;
        try {
            identity = identities.verify(request.header(MdmIdentityVerifier.HEADER), request.body(),
                    request.peerCertificates());
        } catch (UnrecognizedDeviceException e) {
            return refused(request, e);
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
        String type = request.header("Content-Type");
        if (type != null && type.regionMatches(true, 0, CHECKIN_TYPE, 0, CHECKIN_TYPE.length())) {
            // CheckInURL defaults to ServerURL; route on the media type (nanomdm CheckinAndCommandHandler).
            return checkin(request);
        }
        X509Certificate identity;
        try {
            identity = identities.verify(request.header(MdmIdentityVerifier.HEADER), request.body(),
                    request.peerCertificates());
        } catch (UnrecognizedDeviceException e) {
            return refused(request, e);
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

    private static Map<String, String> headers(String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        return h;
    }

    private static HttpResponse refused(HttpRequest request, UnrecognizedDeviceException e) {
        LOG.log(INFO, "{0} {1} from {2}: device not recognised: {3}", request.method(), request.path(),
                request.remote(), e.getMessage());
        return unrecognized(e.getMessage(), null);
    }

    /** 403 with the JSON body of ADM mdm/errors/unrecognized.device.yaml; description is for logs only. */
    static HttpResponse unrecognized(String description, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", UNRECOGNIZED_DEVICE);
        body.put("description", description);
        if (message != null) {
            body.put("message", message);
        }
        LOG.log(DEBUG, "403 {0}", description);
        return HttpResponse.json(403, body);
    }
}
