package io.mdmsim.device;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.http.HttpError;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.HttpResponse;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A small Apple cloud-configuration service plus MDM server, built from simulator-core only, for driving devices
 * through every stage and injecting failures. Not a reference MDM: just strict enough to check what devices send
 * (signatures, chains, challenges, plists) and record it for assertions.
 */
final class FakeAppleAndMdm implements AutoCloseable {

    enum ScepMode { SUCCESS, FAILURE }

    static final String TOPIC = "com.apple.mgmt.External.5f1c7a04-7c5e-4c8e-9d0b-2a7f6a1b9c3d";
    static final List<String> QUERIES = List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName", "Model",
            "ProductName", "SerialNumber", "UDID", "IMEI", "DeviceCapacity", "NoSuchQuery");

    final SimPki pki;
    final SimClock clock;
    private final HttpServer server;

    // knobs (set before a run)
    volatile Set<String> unassignedSerials = Set.of();
    volatile boolean awaitDeviceConfigured = true;
    volatile byte[] machineInfoRefusal;          // JSON body of a 403, null to accept
    volatile UnaryOperator<NSDictionary> profileEditor = UnaryOperator.identity();
    volatile ScepMode scepMode = ScepMode.SUCCESS;
    volatile int scepPendingReplies;              // PENDING answers before the mode applies
    volatile String scepCaps = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation";
    volatile int checkinRefusalStatus;            // 0 = accept
    volatile int connectRefusalStatus;            // 0 = accept reports on ServerURL
    /** Commands sent (in order) after a TokenUpdate with AwaitingConfiguration; a byte[] is sent as is. */
    volatile List<Object> script = List.of("DeviceInformation", "DeviceConfigured");

    // Setup Assistant knobs (devsa)
    volatile List<String> skipSetup = List.of("Siri", "Diagnostics");
    volatile boolean isMultiUser;
    volatile boolean offerConfigurationUrl = true;   // ConfigurationURL in the record
    volatile boolean offerConfigurationWebUrl;       // ConfigurationWebURL (<base>/web/enroll) in the record
    volatile boolean requireBasicAuth;               // MachineInfo POST answers 401 until Basic credentials come
    volatile boolean webAsksSecondFactor;            // the web sign-in asks for a one-time code
    volatile String password = "mdmsim-password";
    volatile String mfaCode = "123456";
    volatile Duration challengeTtl;                  // null: challenges never expire
    volatile boolean holdDeviceConfigured;           // DeviceConfigured stays queued while true
    volatile java.util.function.Function<HttpRequest, HttpResponse> webEnrollOverride; // answers GET /web/enroll
    /** Scripts for the next TokenUpdates with AwaitingConfiguration, one each; {@link #script} when empty. */
    final Deque<List<Object>> nextScripts = new java.util.concurrent.ConcurrentLinkedDeque<>();

    // what was seen (devsa)
    final List<String> basicAuthorizations = new CopyOnWriteArrayList<>();
    final List<String> webRequests = new CopyOnWriteArrayList<>();
    final List<NSDictionary> webDeviceInfos = new CopyOnWriteArrayList<>();
    final List<String> scepFailures = new CopyOnWriteArrayList<>();

    // what was seen
    final List<NSDictionary> cloudConfigRequests = new CopyOnWriteArrayList<>();
    final List<NSDictionary> machineInfos = new CopyOnWriteArrayList<>();
    final List<CheckinMessage> checkins = new CopyOnWriteArrayList<>();
    final List<CommandResult> reports = new CopyOnWriteArrayList<>();
    final List<PkiMessage> scepRequests = new CopyOnWriteArrayList<>();
    final List<String> scepMethods = new CopyOnWriteArrayList<>();
    final AtomicInteger unsignedRequests = new AtomicInteger();
    private final Map<String, String> challenges = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> challengeMinted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pendingByTransaction = new ConcurrentHashMap<>();
    private final Map<String, Deque<Queued>> queues = new ConcurrentHashMap<>();
    private final Map<String, X509Certificate> issuedByUdid = new ConcurrentHashMap<>();
    /** Challenges for SCEP payloads of profiles installed later (InstallProfile), and what they got. */
    private final Set<String> extraChallenges = ConcurrentHashMap.newKeySet();
    /** A challenge any device may use (an OTA profile's static challenge); the identity goes to the CSR's CN. */
    volatile String staticChallenge;
    /** Served at GET /ota/profile as application/x-apple-aspen-config; null: 404. */
    volatile byte[] otaProfile;
    /** The User-Agent of every GET /ota/profile. */
    final List<String> otaUserAgents = new CopyOnWriteArrayList<>();
    final List<X509Certificate> extraIssued = new CopyOnWriteArrayList<>();
    /** DeclarativeManagement check-in answers by Endpoint ("tokens", "declaration-items", "declaration/..."). */
    volatile Map<String, byte[]> declarative = Map.of();
    final List<io.mdmsim.core.protocol.DeclarativeManagement> declarativeCheckins = new CopyOnWriteArrayList<>();

    // enrollment policy (devpol)
    volatile boolean isSupervised = true;          // the record's IsSupervised
    volatile boolean isMdmUnremovable = true;      // the record's IsMDMUnremovable (locked enrollment)
    /** Company Portal sign-in answer: status and JSON body; 200 with singleAppModeLifted queues the RemoveProfile. */
    volatile int companyPortalStatus = 200;
    volatile String companyPortalBody = "{\"registered\": true, \"singleAppModeLifted\": true}";
    /** Company Portal sign-ins seen: the JSON body, after the signature and the signer's binding were checked. */
    final List<String> companyPortalSignIns = new CopyOnWriteArrayList<>();

    FakeAppleAndMdm(SimPki pki, SimClock clock) {
        this.pki = pki;
        this.clock = clock;
        Router router = Router.builder()
                .post("/cloudconfig", this::cloudConfig)
                .post("/mdm/enroll", this::enroll)
                .get("/scep", this::scep)
                .post("/scep", this::scep)
                .put("/mdm/checkin", this::checkin)
                .put("/mdm/connect", this::connect)
                .get("/web/enroll", this::webEnroll)
                .post("/web/login", this::webLogin)
                .post("/web/mfa", this::webMfa)
                .get("/web/profile", this::webProfile)
                .post("/companyportal/signin", this::companyPortalSignIn)
                .get("/ota/blocked", r -> HttpResponse.of(403, ("{\"code\":\"io.mdmsim.enrollment.personal-blocked\","
                        + "\"message\":\"personally owned iPads are blocked\"}").getBytes(StandardCharsets.UTF_8),
                        "application/json"))
                .get("/ota/profile", r -> {
                    otaUserAgents.add(String.valueOf(r.header("User-Agent")));
                    byte[] p = otaProfile;
                    return p == null ? HttpResponse.text(404, "no OTA profile")
                            : HttpResponse.ok(p, "application/x-apple-aspen-config");
                })
                .build();
        this.server = HttpServer.builder().name("fake-apple-and-mdm").router(router).build().start();
    }

    URI cloudConfigUrl() {
        return URI.create(server.baseUri() + "/cloudconfig");
    }

    URI base() {
        return server.baseUri();
    }

    List<TokenUpdate> tokenUpdates() {
        return checkins.stream().filter(TokenUpdate.class::isInstance).map(TokenUpdate.class::cast).toList();
    }

    List<CommandResult> reportsWithStatus(CommandStatus status) {
        return reports.stream().filter(r -> r.status() == status).toList();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- Apple: cloud configuration --------------------------------------------------------------------------

    private HttpResponse cloudConfig(HttpRequest request) {
        requireType(request, "application/pkcs7-signature");
        SignedContent signed = Cms.verifyAttached(request.body(), "cloud configuration request");
        CertificateChains.verify(signed.signer(), signed.certificates(), List.of(pki.root().certificate()), clock.now());
        NSDictionary facts = Plist.parseDictionary(signed.content());
        cloudConfigRequests.add(facts);
        String serial = string(facts, "SerialNumber");
        if (unassignedSerials.contains(serial)) {
            return HttpResponse.text(404, "serial " + serial
                    + " is not assigned to an MDM server with an enrollment profile");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        if (offerConfigurationUrl) {
            record.put("ConfigurationURL", server.baseUri() + "/mdm/enroll");
        }
        if (offerConfigurationWebUrl) {
            record.put("ConfigurationWebURL", server.baseUri() + "/web/enroll");
        }
        record.put("IsSupervised", isSupervised);
        record.put("IsMandatory", true);
        record.put("IsMDMUnremovable", isMdmUnremovable);
        record.put("AwaitDeviceConfigured", awaitDeviceConfigured);
        record.put("IsMultiUser", isMultiUser);
        record.put("SkipSetup", skipSetup);
        record.put("AnchorCertificates", List.of(Certificates.der(pki.root().certificate())));
        record.put("OrganizationName", "Fake Org");
        record.put("MDMProtocolVersion", 1);
        return HttpResponse.ok(Plist.toXml(Plist.wrap(record)), "application/xml");
    }

    // ---- MDM: enrollment ---------------------------------------------------------------------------------------

    private HttpResponse enroll(HttpRequest request) {
        requireType(request, "application/pkcs7-signature");
        SignedContent signed = Cms.verifyAttached(request.body(), "MachineInfo signature");
        CertificateChains.verify(signed.signer(), signed.certificates(), List.of(pki.root().certificate()), clock.now());
        NSDictionary info = Plist.parseDictionary(signed.content());
        machineInfos.add(info);
        if (machineInfoRefusal != null) {
            return HttpResponse.of(403, machineInfoRefusal, "application/json");
        }
        if (requireBasicAuth) {
            String auth = request.header("Authorization");
            if (auth == null) {
                return HttpResponse.text(401, "sign in").withHeader("WWW-Authenticate", "Basic realm=\"Fake MDM\"");
            }
            String decoded = new String(Base64.getDecoder().decode(auth.substring("Basic ".length())),
                    StandardCharsets.UTF_8);
            basicAuthorizations.add(decoded);
            if (!decoded.endsWith(":" + password)) {
                return HttpResponse.text(401, "wrong password").withHeader("WWW-Authenticate", "Basic realm=\"x\"");
            }
        }
        return enrollmentProfile(string(info, "UDID"));
    }

    private HttpResponse enrollmentProfile(String udid) {
        String challenge = UUID.randomUUID().toString();
        challenges.put(challenge, udid);
        challengeMinted.put(challenge, clock.now());
        String scepUuid = UUID.randomUUID().toString().toUpperCase();
        Map<String, Object> scep = new LinkedHashMap<>();
        scep.put("URL", server.baseUri() + "/scep");
        scep.put("Name", "fake");
        scep.put("Subject", List.of(List.of(List.of("CN", udid)), List.of(List.of("O", "Fake Org"))));
        scep.put("Challenge", challenge);
        scep.put("Keysize", 2048);
        scep.put("Key Type", "RSA");
        scep.put("Key Usage", 5);
        scep.put("Retries", 3);
        scep.put("RetryDelay", 10);
        Map<String, Object> mdm = new LinkedHashMap<>();
        mdm.put("IdentityCertificateUUID", scepUuid);
        mdm.put("Topic", TOPIC);
        mdm.put("ServerURL", server.baseUri() + "/mdm/connect");
        mdm.put("CheckInURL", server.baseUri() + "/mdm/checkin");
        mdm.put("SignMessage", true);
        mdm.put("AccessRights", 8191);
        mdm.put("CheckOutWhenRemoved", true);
        mdm.put("ServerCapabilities", List.of("com.apple.mdm.per-user-connections"));
        List<Object> content = List.of(
                payload("com.apple.security.root", UUID.randomUUID().toString(),
                        Map.of("PayloadContent", Certificates.der(pki.scepCa().certificate()))),
                payload("com.apple.security.scep", scepUuid, Map.of("PayloadContent", scep)),
                payload("com.apple.mdm", UUID.randomUUID().toString(), mdm));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", "com.example.fake.enroll");
        top.put("PayloadUUID", UUID.randomUUID().toString());
        top.put("PayloadDisplayName", "Fake MDM");
        top.put("PayloadContent", content);
        NSDictionary profile = profileEditor.apply((NSDictionary) Plist.wrap(top));
        return HttpResponse.ok(Plist.toXml(profile), "application/x-apple-aspen-config");
    }

    private static Map<String, Object> payload(String type, String uuid, Map<String, Object> fields) {
        Map<String, Object> p = new LinkedHashMap<>(fields);
        p.put("PayloadType", type);
        p.put("PayloadVersion", 1);
        p.put("PayloadIdentifier", "com.example.fake." + type);
        p.put("PayloadUUID", uuid);
        return p;
    }

    // ---- SCEP -------------------------------------------------------------------------------------------------

    private HttpResponse scep(HttpRequest request) {
        String op = request.requiredQueryParam("operation");
        switch (op) {
            case "GetCACaps":
                return HttpResponse.ok(scepCaps.getBytes(StandardCharsets.US_ASCII), "text/plain");
            case "GetCACert":
                return HttpResponse.ok(Certificates.der(pki.scepCa().certificate()), "application/x-x509-ca-cert");
            case "PKIOperation":
                break;
            default:
                throw HttpError.badRequest("operation: " + op + " (expected: GetCACaps, GetCACert or PKIOperation)");
        }
        scepMethods.add(request.method());
        byte[] der = request.method().equals("POST") ? request.body()
                : Base64.getDecoder().decode(request.requiredQueryParam("message"));
        PkiMessage req = Scep.parse(der);
        scepRequests.add(req);
        CertificateAuthority ca = pki.scepCa();
        int pending = pendingByTransaction.computeIfAbsent(req.transactionId(), t -> new AtomicInteger())
                .getAndIncrement();
        byte[] reply;
        if (pending < scepPendingReplies) {
            reply = Scep.certRepPending(req, ca.identity());
        } else if (scepMode == ScepMode.FAILURE) {
            reply = Scep.certRepFailure(req, FailInfo.BAD_REQUEST, ca.identity());
        } else {
            PKCS10CertificationRequest csr = Scep.requestCsr(req, ca.identity());
            String challenge = String.valueOf(Scep.challengePassword(csr));
            String udid = challenges.remove(challenge);
            if (udid == null && challenge.equals(staticChallenge)) {
                udid = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(csr.getSubject()
                        .getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN)[0].getFirst().getValue());
                challengeMinted.put(challenge, clock.now());
            }
            if (udid == null && extraChallenges.remove(challenge)) {
                X509Certificate issued = ca.issue(csr, clock.now().minus(Duration.ofMinutes(5)), Duration.ofDays(365));
                extraIssued.add(issued);
                return HttpResponse.ok(Scep.certRepSuccess(req, List.of(issued, ca.certificate()), ca.identity()),
                        "application/x-pki-message");
            }
            java.time.Instant minted = challengeMinted.remove(challenge);
            Duration ttl = challengeTtl;
            if (udid != null && ttl != null && Duration.between(minted, clock.now()).compareTo(ttl) > 0) {
                scepFailures.add("challenge expired " + Duration.between(minted, clock.now()));
                udid = null;
            }
            if (udid == null) {
                reply = Scep.certRepFailure(req, FailInfo.BAD_REQUEST, ca.identity());
            } else {
                X509Certificate issued = ca.issue(csr, clock.now().minus(Duration.ofMinutes(5)), Duration.ofDays(365));
                issuedByUdid.put(udid, issued);
                reply = Scep.certRepSuccess(req, List.of(issued, ca.certificate()), ca.identity());
            }
        }
        return HttpResponse.ok(reply, "application/x-pki-message");
    }

    // ---- MDM: check-in and commands ----------------------------------------------------------------------------

    private HttpResponse checkin(HttpRequest request) {
        requireType(request, "application/x-apple-aspen-mdm-checkin");
        X509Certificate signer = verifySignature(request);
        CheckinMessage m = CheckinCodec.decode(request.body());
        bind(signer, m.udid());
        checkins.add(m);
        if (checkinRefusalStatus != 0) {
            return HttpResponse.of(checkinRefusalStatus,
                    "{\"code\":\"com.apple.unrecognized.device\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        }
        if (m instanceof io.mdmsim.core.protocol.DeclarativeManagement dm) {
            declarativeCheckins.add(dm);
            if (dm.endpoint().equals("status")) {
                return HttpResponse.empty(200);
            }
            byte[] answer = declarative.get(dm.endpoint());
            return answer == null ? HttpResponse.text(404, "no declarative answer for " + dm.endpoint())
                    : HttpResponse.ok(answer, "application/json");
        }
        if (m instanceof TokenUpdate t && t.awaitingConfiguration()) {
            Deque<Queued> q = new java.util.concurrent.ConcurrentLinkedDeque<>();
            List<Object> steps = nextScripts.isEmpty() ? script : nextScripts.poll();
            for (Object step : steps) {
                q.add(switch (step) {
                    case byte[] raw -> new Queued(null, raw);
                    case String s when s.equals("DeviceInformation") -> new Queued(s,
                            Commands.deviceInformation(UUID.randomUUID().toString(), QUERIES).toXml());
                    case String s when s.equals("DeviceConfigured") -> new Queued(s,
                            Commands.deviceConfigured(UUID.randomUUID().toString()).toXml());
                    case String other -> new Queued(other,
                            Commands.raw(UUID.randomUUID().toString(), other, Map.of()).toXml());
                    default -> throw new IllegalStateException("script step " + step);
                });
            }
            queues.put(t.udid(), q);
        }
        return HttpResponse.empty(200);
    }

    /** Queues a command for a device; it goes out on the device's next connection to ServerURL. */
    void enqueue(String udid, byte[] command) {
        queues.computeIfAbsent(udid, u -> new java.util.concurrent.ConcurrentLinkedDeque<>()).add(new Queued(null, command));
    }

    /** A one-time SCEP challenge for a profile the MDM installs later (its SCEP payload). */
    String mintChallenge() {
        String c = UUID.randomUUID().toString();
        extraChallenges.add(c);
        return c;
    }

    // a lock, not synchronized: a monitor would pin the virtual threads the server runs handlers on; only the queue
    // step holds it, the signature check runs outside
    private HttpResponse connect(HttpRequest request) {
        if (connectRefusalStatus != 0) {
            return HttpResponse.of(connectRefusalStatus, "{\"code\":\"com.apple.unrecognized.device\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
        }
        X509Certificate signer = verifySignature(request);
        CommandResult result = CommandResult.parse(request.body());
        bind(signer, result.udid());
        connectLock.lock();
        try {
            reports.add(result);
            Deque<Queued> q = queues.get(result.udid());
            Queued head = q == null ? null : q.peek();
            if (head == null || holdDeviceConfigured && "DeviceConfigured".equals(head.requestType())) {
                return HttpResponse.empty(200);
            }
            q.poll();
            return HttpResponse.ok(head.plist(), "application/xml");
        } finally {
            connectLock.unlock();
        }
    }

    private final java.util.concurrent.locks.ReentrantLock connectLock = new java.util.concurrent.locks.ReentrantLock();

    private record Queued(String requestType, byte[] plist) {
    }

    // ---- Company Portal (docs/mdm-endpoint.md "Company Portal and Single App Mode") ------------------------------------------------------------------------

    static final String SINGLE_APP_MODE_PROFILE = "io.mdmsim.singleappmode";

    private HttpResponse companyPortalSignIn(HttpRequest request) {
        requireType(request, "application/json");
        X509Certificate signer = verifySignature(request);
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.body());
        } catch (java.io.IOException e) {
            throw HttpError.badRequest("not JSON");
        }
        String udid = body.path("UDID").asText();
        bind(signer, udid);
        companyPortalSignIns.add(request.bodyText());
        if (companyPortalStatus == 200 && companyPortalBody.contains("\"singleAppModeLifted\": true")) {
            enqueue(udid, Commands.raw(UUID.randomUUID().toString(), "RemoveProfile",
                    Map.of("Identifier", SINGLE_APP_MODE_PROFILE)).toXml());
        }
        return HttpResponse.of(companyPortalStatus, companyPortalBody.getBytes(StandardCharsets.UTF_8),
                "application/json");
    }

    /** Company Portal as the reference MDM installs it: device license, ServiceURL on this server. */
    byte[] installCompanyPortal(boolean withServiceUrl) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("iTunesStoreID", 719171358L);
        fields.put("ManagementFlags", 1);
        fields.put("Options", Map.of("PurchaseMethod", 1));
        if (withServiceUrl) {
            fields.put("Configuration", Map.of("ServiceURL", server.baseUri() + "/companyportal/signin"));
        }
        return Commands.raw(UUID.randomUUID().toString(), "InstallApplication", fields).toXml();
    }

    /** The Single App Mode profile the reference MDM installs: one com.apple.app.lock payload for {@code app}. */
    static byte[] singleAppMode(String app) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", SINGLE_APP_MODE_PROFILE);
        top.put("PayloadUUID", UUID.randomUUID().toString());
        top.put("PayloadContent", List.of(payload("com.apple.app.lock", UUID.randomUUID().toString(),
                Map.of("App", Map.of("Identifier", app)))));
        return Commands.raw(UUID.randomUUID().toString(), "InstallProfile",
                Map.of("Payload", Plist.toXml(Plist.wrap(top)))).toXml();
    }

    static byte[] removeProfile(String identifier) {
        return Commands.raw(UUID.randomUUID().toString(), "RemoveProfile", Map.of("Identifier", identifier)).toXml();
    }

    // ---- modern authentication: a web sign-in that ends with the enrollment profile (devsa) ------------------

    private final Map<String, String> webSessions = new ConcurrentHashMap<>(); // session -> UDID
    private final Set<String> webSignedIn = ConcurrentHashMap.newKeySet();

    private HttpResponse webEnroll(HttpRequest request) {
        webRequests.add("GET /web/enroll");
        if (webEnrollOverride != null) {
            return webEnrollOverride.apply(request);
        }
        String header = request.header("x-apple-aspen-deviceinfo");
        if (header == null) {
            return HttpResponse.text(400, "x-apple-aspen-deviceinfo missing");
        }
        SignedContent signed = Cms.verifyAttached(Base64.getDecoder().decode(header), "device info");
        CertificateChains.verify(signed.signer(), signed.certificates(), List.of(pki.root().certificate()), clock.now());
        NSDictionary info = Plist.parseDictionary(signed.content());
        webDeviceInfos.add(info);
        String session = UUID.randomUUID().toString();
        webSessions.put(session, string(info, "UDID"));
        return html("""
                <html><body><h1>Sign in</h1>
                <form method="post" action="/web/login">
                  <input type="hidden" name="flow" value="abc&amp;def">
                  <input type="email" name="username">
                  <input type="password" name="password">
                  <input type="submit" value="Sign in">
                </form></body></html>""").withHeader("Set-Cookie", "session=" + session + "; Path=/; HttpOnly");
    }

    private HttpResponse webLogin(HttpRequest request) {
        Map<String, String> form = form(request);
        webRequests.add("POST /web/login " + form);
        String session = session(request);
        if (!"abc&def".equals(form.get("flow")) || !password.equals(form.get("password"))
                || form.getOrDefault("username", "").isEmpty()) {
            return HttpResponse.text(403, "sign-in refused");
        }
        if (webAsksSecondFactor) {
            return html("""
                    <form method="post" action="mfa"><input type="text" name="otc" autocomplete="one-time-code">
                    <button type="submit">Verify</button></form>""");
        }
        webSignedIn.add(session);
        return HttpResponse.empty(302).withHeader("Location", "/web/profile");
    }

    private HttpResponse webMfa(HttpRequest request) {
        Map<String, String> form = form(request);
        webRequests.add("POST /web/mfa " + form);
        if (!mfaCode.equals(form.get("otc"))) {
            return HttpResponse.text(403, "wrong code");
        }
        webSignedIn.add(session(request));
        return HttpResponse.empty(303).withHeader("Location", server.baseUri() + "/web/profile");
    }

    private HttpResponse webProfile(HttpRequest request) {
        webRequests.add("GET /web/profile");
        String session = session(request);
        if (!webSignedIn.remove(session)) {
            return HttpResponse.text(403, "not signed in");
        }
        return enrollmentProfile(webSessions.get(session));
    }

    private String session(HttpRequest request) {
        String cookie = request.header("Cookie");
        if (cookie == null || !cookie.contains("session=")) {
            throw HttpError.forbidden("no session cookie");
        }
        String session = cookie.substring(cookie.indexOf("session=") + 8).split(";")[0].strip();
        if (!webSessions.containsKey(session)) {
            throw HttpError.forbidden("unknown session");
        }
        return session;
    }

    private static Map<String, String> form(HttpRequest request) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : request.bodyText().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static HttpResponse html(String body) {
        return HttpResponse.ok(body.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    private X509Certificate verifySignature(HttpRequest request) {
        String header = request.header("Mdm-Signature");
        if (header == null) {
            unsignedRequests.incrementAndGet();
            throw HttpError.badRequest("Mdm-Signature header missing (expected: SignMessage is true)");
        }
        SignedContent sc = Cms.verifyDetached(Base64.getDecoder().decode(header), request.body(), "Mdm-Signature");
        CertificateChains.verify(sc.signer(), sc.certificates(), List.of(pki.scepCa().certificate()), clock.now());
        return sc.signer();
    }

    private void bind(X509Certificate signer, String udid) {
        X509Certificate issued = issuedByUdid.get(udid);
        if (issued == null || !issued.equals(signer)) {
            throw HttpError.forbidden("signer is not the identity issued to " + udid);
        }
    }

    private static void requireType(HttpRequest request, String type) {
        String ct = request.header("Content-Type");
        if (ct == null || !ct.startsWith(type)) {
            throw HttpError.badRequest("Content-Type: " + ct + " (expected: " + type + ")");
        }
    }

    private static String string(NSDictionary d, String key) {
        if (d.objectForKey(key) instanceof NSString s) {
            return s.getContent();
        }
        throw HttpError.badRequest(key + " missing");
    }

    static byte[] commandWithoutRequestType(String uuid) {
        NSDictionary inner = new NSDictionary();
        inner.put("Queries", new com.dd.plist.NSArray(new NSString("UDID")));
        NSDictionary env = new NSDictionary();
        env.put("CommandUUID", uuid);
        env.put("Command", inner);
        return Plist.toXml(env);
    }
}
