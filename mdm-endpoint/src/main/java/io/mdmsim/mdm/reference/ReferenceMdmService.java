package io.mdmsim.mdm.reference;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.DeclarativeManagement;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.protocol.GetBootstrapToken;
import io.mdmsim.core.protocol.GetToken;
import io.mdmsim.core.protocol.SetBootstrapToken;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.protocol.UserAuthenticate;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.declarative.DeclarationStore;
import io.mdmsim.mdm.dep.DepTokenService;
import io.mdmsim.mdm.device.DeviceRecord.SetupFlow;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.device.EnrollmentState;
import io.mdmsim.mdm.device.PortalState;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.model.PlistJson;
import io.mdmsim.mdm.queue.CommandQueue.ReportOutcome;
import io.mdmsim.mdm.queue.CommandQueue;
import io.mdmsim.mdm.queue.CommandState;
import io.mdmsim.mdm.queue.CommandView;
import io.mdmsim.mdm.service.CheckinReply;
import io.mdmsim.mdm.service.MdmRequest;
import io.mdmsim.mdm.service.MdmService;
import io.mdmsim.mdm.service.UnrecognizedDeviceException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference MDM behaviour of the walking skeleton: enrollment state from check-ins, one command queue per device,
 * and the await-configuration flow (Apple's "Token Update", AwaitingConfiguration): TokenUpdate with
 * AwaitingConfiguration queues DeviceInformation; once that completes, DeviceConfigured; its acknowledgement makes the
 * device CONFIGURED.
 */
public final class ReferenceMdmService implements MdmService {

    private static final System.Logger LOG = System.getLogger(ReferenceMdmService.class.getName());

    /** The queries of the setup DeviceInformation (docs/DESIGN.md "Wire contracts between the parts"). */
    public static final List<String> SETUP_QUERIES = List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName", "Model",
            "ProductName", "SerialNumber", "UDID", "IMEI", "IsSupervised");

    private static final String DEVICE_INFORMATION = "DeviceInformation";
    private static final String DEVICE_CONFIGURED = "DeviceConfigured";

    /** GetToken services (ADM gettoken.yaml TokenServiceType). */
    static final String MAID = "com.apple.maid";
    static final String WATCH_PAIRING = "com.apple.watch.pairing";

    private final DeviceRegistry registry;
    private final SimClock clock;
    private final Ids ids;
    private final MdmConfig.UserAuthentication userAuthentication;
    private final DeclarationStore declarations;

    public ReferenceMdmService(DeviceRegistry registry, SimClock clock, Ids ids) {
        this(registry, clock, ids, MdmConfig.UserAuthentication.DECLINE, new DeclarationStore(clock));
    }

    public ReferenceMdmService(DeviceRegistry registry, SimClock clock, Ids ids,
            MdmConfig.UserAuthentication userAuthentication, DeclarationStore declarations) {
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
        this.userAuthentication = requireNonNull(userAuthentication, "userAuthentication");
        this.declarations = requireNonNull(declarations, "declarations");
    }

    // ---- check-in ---------------------------------------------------------------------------------------------

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        return switch (message) {
            case Authenticate a -> authenticate(request, a);
            case TokenUpdate t -> tokenUpdate(request, t);
            case CheckOut c -> checkOut(request);
            case UserAuthenticate u -> withDevice(request, "UserAuthenticate", d -> userAuthenticate(d, u));
            case SetBootstrapToken s -> withDevice(request, "SetBootstrapToken", d -> {
                byte[] token = s.bootstrapToken();
                d.bootstrapToken = token == null || token.length == 0 ? null : token.clone();
                return CheckinReply.ok();
            });
            case GetBootstrapToken g -> withDevice(request, "GetBootstrapToken", d -> {
                NSDictionary reply = new NSDictionary();
                reply.put("BootstrapToken", new NSData(d.bootstrapToken == null ? new byte[0] : d.bootstrapToken));
                return CheckinReply.plist(reply);
            });
            case GetToken g -> withDevice(request, "GetToken", d -> getToken(d, g));
            case DeclarativeManagement dm -> withDevice(request, "DeclarativeManagement",
                    d -> declarativeManagement(d, dm));
        };
    }

    private CheckinReply authenticate(MdmRequest request, Authenticate a) {
        DeviceRecord d = registry.getOrCreate(request.enrollmentId());
        Instant now = clock.now();
        d.lock();
        try {
            if (d.authenticatedAt != null) {
                int canceled = d.commands.cancelPending("device authenticated again (new enrollment)", now);
                LOG.log(INFO, "{0} re-enrolls (was {1}); {2} pending commands canceled", d.id, d.state, canceled);
            }
            d.state = EnrollmentState.ENROLLING;
            d.topic = a.topic();
            d.serialNumber = firstNonNull(a.serialNumber(), d.serialNumber);
            d.productName = firstNonNull(a.productName(), d.productName);
            d.osVersion = firstNonNull(a.osVersion(), d.osVersion);
            d.buildVersion = firstNonNull(a.buildVersion(), d.buildVersion);
            d.imei = firstNonNull(a.imei(), d.imei);
            d.meid = firstNonNull(a.meid(), d.meid);
            d.deviceName = firstNonNull(a.deviceName(), d.deviceName);
            d.model = firstNonNull(a.model(), d.model);
            d.modelName = firstNonNull(a.modelName(), d.modelName);
            d.awaitingConfiguration = false;
            d.pushToken = null;
            d.pushMagic = null;
            d.unlockToken = null;
            d.bootstrapToken = null;
            d.identityFingerprint = Certificates.sha256Fingerprint(request.identity());
            d.authenticatedAt = now;
            d.enrolledAt = null;
            d.configuredAt = null;
            d.checkedOutAt = null;
            d.lastSeenAt = now;
            d.setupFlow = SetupFlow.NONE;
            d.setupCommandUuid = null;
            d.queryResponses.clear();
            d.pushUnregisteredAt = null;
            d.users.clear();
            d.digestNonces.clear();
            d.declarativeStatus = null;
            d.declarativeStatusAt = null;
            // lifecycle: the profile the device enrolls with, kept for this enrollment (edits need a factory reset)
            DeviceLifecycle.authenticated(d, d.serialNumber == null ? null : profileRefs.apply(d.serialNumber), now,
                    lifecycleEvents);
            d.portal = new PortalState(); // portal: Company Portal and Single App Mode start over
        } finally {
            d.unlock();
        }
        LOG.log(DEBUG, "{0} Authenticate (serial {1})", request.enrollmentId(), a.serialNumber());
        return CheckinReply.ok();
    }

    private volatile java.util.function.Function<String, io.mdmsim.mdm.management.EnrollmentProfile> profiles =
            serial -> null;

    /** Where the enrollment profile of a serial comes from (the DEP tokens' profiles). */
    public void profileLookup(java.util.function.Function<String, io.mdmsim.mdm.management.EnrollmentProfile> lookup) {
        this.profiles = java.util.Objects.requireNonNull(lookup, "lookup");
    }

    // ---- portal (docs/mdm-endpoint.md "Company Portal and Single App Mode"): Company Portal, Single App Mode, critical apps; see CompanyPortalService ----
    private volatile CompanyPortalService portal;

    /** Company Portal, Single App Mode and critical apps as device-licensed VPP apps (none without). */
    public void companyPortal(CompanyPortalService service) {
        this.portal = service;
    }
    // ---- end portal ----

    // ---- lifecycle: profile snapshot (begin) ----
    private volatile java.util.function.Function<String, DepTokenService.ProfileRef> profileRefs = serial -> {
        io.mdmsim.mdm.management.EnrollmentProfile p = profiles.apply(serial);
        return p == null ? null : new DepTokenService.ProfileRef(null, null, 1, p);
    };
    private volatile EventLog lifecycleEvents;
    private volatile java.util.function.Consumer<String> onCheckedOut = serial -> { };

    /** Called with the serial number of each device that checks out (retired, or management removed). */
    public void onCheckedOut(java.util.function.Consumer<String> hook) {
        this.onCheckedOut = requireNonNull(hook, "hook");
    }


    /** Where the enrollment profile of a serial comes from, with its token, UUID and revision (the snapshot). */
    public void profileRefLookup(java.util.function.Function<String, DepTokenService.ProfileRef> lookup) {
        this.profileRefs = java.util.Objects.requireNonNull(lookup, "lookup");
    }

    public void lifecycleEvents(EventLog events) {
        this.lifecycleEvents = events;
    }

    /** The profile the device enrolled with (its snapshot at Authenticate), not the live one: edits need a wipe. */
    private io.mdmsim.mdm.management.EnrollmentProfile profileOf(DeviceRecord d) {
        return DeviceLifecycle.snapshot(d);
    }

    /** The live profile of the device's serial: only the device name template is read live (the seeds). */
    private io.mdmsim.mdm.management.EnrollmentProfile liveProfileOf(DeviceRecord d) {
        return d.serialNumber == null ? null : profiles.apply(d.serialNumber);
    }

    /** Shared iPad settings and the cellular data plan of the enrolled-with profile, once enrolled. */
    private void queueEnrollmentSettings(DeviceRecord d, Instant now) {
        EnrollmentSettings.Plan plan = EnrollmentSettings.plan(profileOf(d), d.productName, d.osVersion,
                d.imei != null || d.meid != null, ids::uuid);
        for (Command c : plan.commands()) {
            enqueue(d, c, now);
        }
        EventLog events = lifecycleEvents;
        if (events != null && (!plan.commands().isEmpty() || !plan.skipped().isEmpty())) {
            events.emit("device.enrollment-settings", d.id, "queued", plan.commands().stream()
                    .map(c -> c.requestType() + " " + c.commandUuid()).toList(), "skipped", plan.skipped());
        }
    }
    // ---- lifecycle: profile snapshot (end) ----

    /**
     * The device name template (seeds: applied at enrollment and at each check-in, the one setting that changes
     * without a factory reset): queues Settings DeviceName when the device's name differs from the template's.
     */
    private void applyNameTemplate(DeviceRecord d, Instant now) {
        io.mdmsim.mdm.management.EnrollmentProfile p = liveProfileOf(d);
        String type = d.productName == null ? null : d.productName.replaceAll("[0-9,]+$", "");
        String name = p == null ? null : p.deviceName(type, d.serialNumber);
        if (name == null || name.equals(d.deviceName) || name.equals(d.nameRefused) || d.nameCommandUuid != null) {
            return;
        }
        String uuid = ids.uuid();
        enqueue(d, Commands.settings(uuid, List.of(Commands.Setting.deviceName(name))), now);
        d.templateName = name;
        d.nameCommandUuid = uuid;
    }

    private CheckinReply tokenUpdate(MdmRequest request, TokenUpdate t) {
        return withDevice(request, "TokenUpdate", d -> {
            if (t.userId() != null) {
                DeviceRecord.UserChannel old = d.users.get(t.userId());
                d.users.put(t.userId(), new DeviceRecord.UserChannel(t.userId(), t.userShortName(), t.userLongName(),
                        old != null && old.authenticated(), true));
                LOG.log(DEBUG, "{0} TokenUpdate for user channel {1}", d.id, t.userId());
                return CheckinReply.ok();
            }
            Instant now = clock.now();
            d.pushUnregisteredAt = null;
            d.topic = firstNonNull(t.topic(), d.topic);
            d.pushToken = t.token() == null ? null : t.token().clone();
            d.pushMagic = t.pushMagic();
            if (t.unlockToken() != null) {
                d.unlockToken = t.unlockToken().clone();
            }
            boolean justEnrolled = d.state == EnrollmentState.ENROLLING;
            if (justEnrolled) {
                d.state = EnrollmentState.ENROLLED;
                d.enrolledAt = now;
                LOG.log(DEBUG, "{0} enrolled (AwaitingConfiguration={1})", d.id, t.awaitingConfiguration());
            }
            d.awaitingConfiguration = t.awaitingConfiguration();
            if (t.awaitingConfiguration() && d.setupFlow == SetupFlow.NONE) {
                String uuid = ids.uuid();
                enqueue(d, Commands.deviceInformation(uuid, SETUP_QUERIES), now);
                d.setupFlow = SetupFlow.INFORMATION_QUEUED;
                d.setupCommandUuid = uuid;
            }
            if (justEnrolled) {
                queueEnrollmentSettings(d, now); // lifecycle
            }
            if (justEnrolled && portal != null) { // portal: without await configuration, Company Portal comes now
                portal.enrolled(d, profileOf(d), t.awaitingConfiguration(), now);
            }
            return CheckinReply.ok();
        });
    }

    private CheckinReply checkOut(MdmRequest request) {
        Optional<DeviceRecord> found = registry.find(request.enrollmentId());
        if (found.isEmpty()) {
            LOG.log(DEBUG, "CheckOut from unknown enrollment {0} ignored", request.enrollmentId());
            return CheckinReply.ok();
        }
        DeviceRecord d = found.get();
        Instant now = clock.now();
        d.lock();
        try {
            d.state = EnrollmentState.CHECKED_OUT;
            d.checkedOutAt = now;
            d.lastSeenAt = now;
            d.awaitingConfiguration = false;
            d.commands.cancelPending("device checked out", now);
            DeviceLifecycle.checkedOut(d, now, lifecycleEvents); // lifecycle: retired when a retire was asked for
        } finally {
            d.unlock();
        }
        if (d.serialNumber != null) {
            onCheckedOut.accept(d.serialNumber); // the enrollment policy gives its licences back
        }
        return CheckinReply.ok();
    }

    /**
     * UserAuthenticate (ADM userauthenticate.yaml; nanomdm service/nanomdm/ua.go): declined with 410, or a digest
     * exchange: the first request gets {@code DigestChallenge}, the second must answer it in DigestResponse.
     */
    private CheckinReply userAuthenticate(DeviceRecord d, UserAuthenticate u) {
        if (userAuthentication == MdmConfig.UserAuthentication.DECLINE) {
            return CheckinReply.status(410, "user channels are declined by this server (userAuthentication=DECLINE)");
        }
        if (u.digestResponse() == null) {
            String nonce = io.mdmsim.core.security.Secrets.hex(16);
            d.digestNonces.put(u.userId(), nonce);
            NSDictionary reply = new NSDictionary();
            reply.put("DigestChallenge", "Digest realm=\"mdmsim\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=MD5");
            return CheckinReply.plist(reply);
        }
        String nonce = d.digestNonces.get(u.userId());
        if (nonce == null) {
            return CheckinReply.status(410, "DigestResponse for user " + u.userId()
                    + " without a DigestChallenge (expected: a first UserAuthenticate without DigestResponse)");
        }
        if (!u.digestResponse().contains("nonce=\"" + nonce + "\"")) {
            return CheckinReply.status(410, "DigestResponse for user " + u.userId()
                    + " does not answer the challenge (expected: nonce=\"" + nonce + "\")");
        }
        d.digestNonces.remove(u.userId());
        DeviceRecord.UserChannel old = d.users.get(u.userId());
        d.users.put(u.userId(), new DeviceRecord.UserChannel(u.userId(), old == null ? null : old.shortName(),
                old == null ? null : old.longName(), true, old != null && old.hasToken()));
        return CheckinReply.ok();
    }

    /** GetToken (ADM gettoken.yaml): a token for the service, {@code {TokenData: <data>}}. */
    private CheckinReply getToken(DeviceRecord d, GetToken g) {
        String service = g.tokenServiceType();
        switch (service) {
            case MAID -> { }
            case WATCH_PAIRING -> {
                GetToken.TokenParameters p = g.tokenParameters();
                if (p == null || p.securityToken() == null || p.phoneUdid() == null || p.watchUdid() == null) {
                    throw new BadInputException("GetToken " + WATCH_PAIRING + " needs TokenParameters with"
                            + " SecurityToken, PhoneUDID and WatchUDID (ADM gettoken.yaml)");
                }
            }
            default -> throw new BadInputException("GetToken TokenServiceType: " + service + " (expected: " + MAID
                    + " or " + WATCH_PAIRING + ")");
        }
        String token = "mdmsim:" + service + ":" + d.id + ":" + io.mdmsim.core.security.Secrets.hex(8);
        NSDictionary reply = new NSDictionary();
        reply.put("TokenData", new NSData(token.getBytes(StandardCharsets.UTF_8)));
        return CheckinReply.plist(reply);
    }

    /**
     * DeclarativeManagement (ADM declarativemanagement.yaml, declarative/protocol/*.yaml): {@code tokens},
     * {@code declaration-items}, {@code declaration/<kind>/<identifier>} from the {@link DeclarationStore};
     * {@code status} reports are stored.
     */
    private CheckinReply declarativeManagement(DeviceRecord d, DeclarativeManagement dm) {
        String endpoint = dm.endpoint();
        if (endpoint.equals("tokens")) {
            return CheckinReply.json(io.mdmsim.core.http.Json.write(declarations.tokens()));
        }
        if (endpoint.equals("declaration-items")) {
            return CheckinReply.json(io.mdmsim.core.http.Json.write(declarations.items()));
        }
        if (endpoint.equals("status")) {
            d.declarativeStatus = statusReport(dm.data());
            d.declarativeStatusAt = clock.now();
            return CheckinReply.ok();
        }
        String[] parts = endpoint.split("/", -1);
        if (parts.length == 3 && parts[0].equals("declaration") && !parts[2].isEmpty()) {
            DeclarationStore.Kind kind = DeclarationStore.Kind.ofSegment(parts[1]).orElseThrow(() ->
                    new BadInputException("DeclarativeManagement Endpoint: " + endpoint + " (expected the kind to be"
                            + " activation, configuration, asset or management)"));
            return declarations.get(kind, parts[2])
                    .map(decl -> CheckinReply.json(io.mdmsim.core.http.Json.write(decl.json())))
                    .orElseGet(() -> CheckinReply.status(404, "no " + kind.segment + " declaration '" + parts[2]
                            + "' on this server (see the declaration-items endpoint)"));
        }
        throw new BadInputException("DeclarativeManagement Endpoint: " + endpoint + " (expected: tokens,"
                + " declaration-items, status or declaration/<kind>/<identifier>)");
    }

    /** A status report (ADM declarative/protocol/statusreport.yaml): JSON with StatusItems and Errors. */
    private static Object statusReport(byte[] data) {
        if (data == null || data.length == 0) {
            throw new BadInputException("DeclarativeManagement status without Data (expected: the JSON status"
                    + " report, ADM declarative/protocol/statusreport.yaml)");
        }
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = io.mdmsim.core.http.Json.MAPPER.readTree(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException("DeclarativeManagement status Data is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadInputException("DeclarativeManagement status Data is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject() || !json.path("StatusItems").isObject() || !json.path("Errors").isArray()) {
            throw new BadInputException("DeclarativeManagement status report lacks StatusItems (object) or Errors"
                    + " (array) (ADM declarative/protocol/statusreport.yaml)");
        }
        return io.mdmsim.core.http.Json.MAPPER.convertValue(json, Object.class);
    }

    // ---- command reports --------------------------------------------------------------------------------------

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        return withDevice(request, "a command report", d -> {
            Instant now = clock.now();
            boolean skipNotNow = false;
            CommandStatus status = result.status();
            switch (status) {
                case IDLE -> applyNameTemplate(d, now);
                case NOT_NOW -> {
                    skipNotNow = true;
                    ReportOutcome o = d.commands.report(result.commandUuid(), CommandState.NOT_NOW, status.wire(), null, now);
                    logUnusual(d, result, o);
                }
                case ACKNOWLEDGED, ERROR, COMMAND_FORMAT_ERROR -> {
                    CommandState terminal = switch (status) {
                        case ACKNOWLEDGED -> CommandState.ACKNOWLEDGED;
                        case ERROR -> CommandState.ERROR;
                        default -> CommandState.COMMAND_FORMAT_ERROR;
                    };
                    ReportOutcome o = d.commands.report(result.commandUuid(), terminal, status.wire(),
                            resultJson(result), now);
                    logUnusual(d, result, o);
                    if (o == ReportOutcome.COMPLETED) {
                        completed(d, d.commands.get(result.commandUuid()).orElseThrow(), result, now);
                    }
                }
            }
            return d.commands.next(skipNotNow, now).map(e -> Command.parse(e.plist()));
        });
    }

    private void completed(DeviceRecord d, CommandQueue.Entry e, CommandResult result, Instant now) {
        boolean acknowledged = e.state() == CommandState.ACKNOWLEDGED;
        if (portal != null) {
            portal.completed(d, e, result, now); // portal: Company Portal, Single App Mode
        }
        if (DEVICE_INFORMATION.equals(e.requestType()) && acknowledged) {
            NSObject qr = result.body() == null ? null : result.body().get("QueryResponses");
            if (qr instanceof NSDictionary answers) {
                answers.forEach((k, v) -> d.queryResponses.put(k, PlistJson.toJson(v)));
                d.deviceName = stringOr(answers, "DeviceName", d.deviceName);
                d.osVersion = stringOr(answers, "OSVersion", d.osVersion);
                d.buildVersion = stringOr(answers, "BuildVersion", d.buildVersion);
                d.productName = stringOr(answers, "ProductName", d.productName);
                d.serialNumber = stringOr(answers, "SerialNumber", d.serialNumber);
                d.modelName = stringOr(answers, "ModelName", d.modelName);
                d.model = stringOr(answers, "Model", d.model);
            }
        }
        if (d.setupFlow == SetupFlow.INFORMATION_QUEUED && e.commandUuid().equals(d.setupCommandUuid)) {
            if (!acknowledged) {
                LOG.log(WARNING, "{0} answered the setup DeviceInformation with {1}; sending DeviceConfigured anyway",
                        d.id, e.state());
            }
            applyNameTemplate(d, now);
            io.mdmsim.mdm.management.EnrollmentProfile p = profileOf(d);
            // outside the seeds' supported cases the device is not held: critical items follow DeviceConfigured
            String unsupported = AwaitSupport.unsupported(p, d.osVersion);
            List<Command> afterConfigured = new java.util.ArrayList<>();
            if (p != null) {
                List<String> apps = p.criticalApps() == null ? List.of() : p.criticalApps();
                if (portal != null && unsupported == null) { // portal: iOS < 16 installs no app before DeviceConfigured
                    apps = portal.criticalAppsToHold(d, p, apps);
                }
                for (String app : apps) {
                    String uuid = ids.uuid();
                    critical(d, CompanyPortalService.criticalApp(uuid, app), "app " + app, unsupported,
                            afterConfigured, now);
                }
                for (String policy : p.criticalPolicies() == null ? List.<String>of() : p.criticalPolicies()) {
                    String uuid = ids.uuid();
                    critical(d, Commands.installProfile(uuid, policyProfile(policy, uuid, ids.uuid())),
                            "policy " + policy, unsupported, afterConfigured, now);
                }
            }
            if (portal != null) {
                portal.setupAdditions(d, p, now); // portal: Company Portal, Single App Mode
                portal.notHeld(d, unsupported);
            }
            if (d.pendingCritical.isEmpty()) {
                queueConfigured(d, now);
                afterConfigured.forEach(c -> enqueue(d, c, now));
            } else {
                d.setupFlow = SetupFlow.CRITICAL_QUEUED;
            }
        } else if (d.setupFlow == SetupFlow.CRITICAL_QUEUED && d.pendingCritical.containsKey(e.commandUuid())) {
            if (acknowledged) {
                d.pendingCritical.remove(e.commandUuid());
                if (d.pendingCritical.isEmpty()) {
                    queueConfigured(d, now);
                }
            } else {
                LOG.log(WARNING, "{0} answered critical {1} with {2}; it stays at Awaiting final configuration",
                        d.id, d.pendingCritical.get(e.commandUuid()), e.state());
            }
        }
        if (e.commandUuid().equals(d.nameCommandUuid)) {
            if (acknowledged) {
                d.deviceName = d.templateName;
            } else {
                d.nameRefused = d.templateName;
            }
            d.nameCommandUuid = null;
        }
        if (DEVICE_CONFIGURED.equals(e.requestType())) {
            if (acknowledged) {
                d.state = EnrollmentState.CONFIGURED;
                d.configuredAt = now;
                d.awaitingConfiguration = false;
                d.setupFlow = SetupFlow.DONE;
                LOG.log(DEBUG, "{0} configured", d.id);
                if (portal != null) {
                    portal.configured(d, now); // portal: critical apps of iOS < 16 follow DeviceConfigured
                }
            } else {
                LOG.log(WARNING, "{0} answered DeviceConfigured with {1}; it stays awaiting configuration", d.id, e.state());
            }
        }
    }

    /** A critical policy or app: holds DeviceConfigured where the locked experience is supported, else follows it. */
    private static void critical(DeviceRecord d, Command c, String what, String unsupported, List<Command> after,
            Instant now) {
        if (unsupported != null) {
            after.add(c);
        } else {
            enqueue(d, c, now);
            d.pendingCritical.put(c.commandUuid(), what);
        }
    }

    private void queueConfigured(DeviceRecord d, Instant now) {
        String uuid = ids.uuid();
        enqueue(d, Commands.deviceConfigured(uuid), now);
        d.setupFlow = SetupFlow.CONFIGURED_QUEUED;
        d.setupCommandUuid = uuid;
    }

    /**
     * A configuration profile standing for a critical policy of the enrollment profile. Devices refuse a profile
     * without payloads (MCProfileErrorDomain 1005), so it holds one harmless restriction (ADM
     * com.apple.applicationaccess.yaml: forceEncryptedBackup, iOS 4+, no supervision needed).
     */
    public static byte[] policyProfile(String policy, String uuid, String payloadUuid) {
        String identifier = "io.mdmsim.policy." + policy.replaceAll("[^A-Za-z0-9.-]", "-");
        Map<String, Object> restriction = io.mdmsim.mdm.management.ConfigurationProfiles.payload(
                "com.apple.applicationaccess", identifier + ".restrictions", payloadUuid, policy + " (restrictions)");
        restriction.put("forceEncryptedBackup", true);
        return io.mdmsim.mdm.management.ConfigurationProfiles.xml(identifier, uuid, policy, List.of(restriction));
    }

    private static void logUnusual(DeviceRecord d, CommandResult r, ReportOutcome o) {
        switch (o) {
            case UNKNOWN -> LOG.log(WARNING, "{0} reported {1} for unknown CommandUUID {2}; ignored", d.id,
                    r.status().wire(), r.commandUuid());
            case CONFLICTING -> LOG.log(WARNING, "{0} reported {1} for command {2} that already ended as {3}; ignored",
                    d.id, r.status().wire(), r.commandUuid(), d.commands.get(r.commandUuid()).orElseThrow().state());
            case REPEATED, LATE -> LOG.log(DEBUG, "{0} repeated {1} for command {2}", d.id, r.status().wire(),
                    r.commandUuid());
            default -> { }
        }
    }

    private static Object resultJson(CommandResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (r.body() != null) {
            for (Map.Entry<String, NSObject> e : r.body().entrySet()) {
                switch (e.getKey()) {
                    case "UDID", "EnrollmentID", "Status", "CommandUUID", "ErrorChain" -> { }
                    default -> out.put(e.getKey(), PlistJson.toJson(e.getValue()));
                }
            }
        }
        if (r.errorChain() != null && !r.errorChain().isEmpty()) {
            List<Map<String, Object>> chain = r.errorChain().stream().map(ReferenceMdmService::errorJson).toList();
            out.put("ErrorChain", chain);
        }
        return out.isEmpty() ? null : out;
    }

    private static Map<String, Object> errorJson(ErrorChainItem i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ErrorCode", i.errorCode());
        m.put("ErrorDomain", i.errorDomain());
        m.put("LocalizedDescription", i.localizedDescription());
        m.put("USEnglishDescription", i.usEnglishDescription());
        return m;
    }

    // ---- admin -----------------------------------------------------------------------------------------------

    /** Queues a command built by the admin API; empty if the device is unknown. */
    public Optional<String> enqueue(String enrollmentId, String requestType, NSDictionary fields) {
        return enqueue(enrollmentId, Commands.raw(ids.uuid(), requestType, fields));
    }

    /**
     * Queues {@code command} for the device; empty if the device is unknown.
     *
     * @throws IllegalArgumentException if its CommandUUID was used before for this device
     */
    public Optional<String> enqueue(String enrollmentId, Command command) {
        Optional<DeviceRecord> found = registry.find(enrollmentId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DeviceRecord d = found.get();
        d.lock();
        try {
            enqueue(d, command, clock.now());
        } finally {
            d.unlock();
        }
        return Optional.of(command.commandUuid());
    }

    /** A fresh CommandUUID from the server's seeded generator. */
    public String newCommandUuid() {
        return ids.uuid();
    }

    public DeclarationStore declarations() {
        return declarations;
    }

    public Optional<List<CommandView>> history(String enrollmentId) {
        return registry.find(enrollmentId).map(d -> d.read(r -> r.commands.history()));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void enqueue(DeviceRecord d, Command c, Instant now) {
        d.commands.enqueue(c.commandUuid(), c.requestType(), c.toXml(), now);
    }

    private interface DeviceAction<T> {
        T apply(DeviceRecord d);
    }

    /** Runs {@code action} under the lock of a known, not checked-out device; otherwise the device must unenroll. */
    private <T> T withDevice(MdmRequest request, String what, DeviceAction<T> action) {
        DeviceRecord d = known(request, what);
        d.lock();
        try {
            if (d.state == EnrollmentState.CHECKED_OUT) {
                throw new UnrecognizedDeviceException("enrollment " + d.id + " checked out; " + what
                        + " refused (expected: a new enrollment starting with Authenticate)");
            }
            d.lastSeenAt = clock.now();
            return action.apply(d);
        } finally {
            d.unlock();
        }
    }

    private DeviceRecord known(MdmRequest request, String what) {
        return registry.find(request.enrollmentId()).orElseThrow(() -> new UnrecognizedDeviceException(
                "enrollment " + request.enrollmentId() + " is unknown; " + what
                        + " refused (expected: an Authenticate check-in first)"));
    }

    private static String stringOr(NSDictionary d, String key, String fallback) {
        NSObject v = d.get(key);
        return v instanceof com.dd.plist.NSString s ? s.getContent() : fallback;
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }
}
