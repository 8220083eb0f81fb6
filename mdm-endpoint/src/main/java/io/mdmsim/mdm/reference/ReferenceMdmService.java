package io.mdmsim.mdm.reference;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.DeclarativeManagement;
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
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.queue.CommandQueue.ReportOutcome;
import io.mdmsim.mdm.queue.CommandState;
import io.mdmsim.mdm.queue.CommandView;
import io.mdmsim.mdm.service.CheckinReply;
import io.mdmsim.mdm.service.MdmRequest;
import io.mdmsim.mdm.service.MdmService;
import io.mdmsim.mdm.service.UnrecognizedDeviceException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The reference MDM behaviour: enrollment state from check-ins (Authenticate, TokenUpdate, CheckOut), one command
 * queue per device with its reports, and the admin's commands. The await-configuration flow and what completed
 * commands change are {@link AwaitConfigurationFlow}'s; the other check-in requests (user channel, bootstrap token,
 * GetToken, declarative management) {@link CheckinRequests}'; Company Portal {@link CompanyPortalService}'s; the
 * profile snapshot, wipe and retire {@link DeviceLifecycle}'s.
 */
public final class ReferenceMdmService implements MdmService {

    private static final System.Logger LOG = System.getLogger(ReferenceMdmService.class.getName());

    /** The queries of the setup DeviceInformation (docs/DESIGN.md "Wire contracts between the parts"). */
    public static final List<String> SETUP_QUERIES = List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName", "Model",
            "ProductName", "SerialNumber", "UDID", "IMEI", "IsSupervised");

    private final DeviceRegistry registry;
    private final SimClock clock;
    private final Ids ids;
    private final DeclarationStore declarations;
    private final CheckinRequests requests;
    private final AwaitConfigurationFlow setup;

    public ReferenceMdmService(DeviceRegistry registry, SimClock clock, Ids ids) {
        this(registry, clock, ids, MdmConfig.UserAuthentication.DECLINE, new DeclarationStore(clock));
    }

    public ReferenceMdmService(DeviceRegistry registry, SimClock clock, Ids ids,
            MdmConfig.UserAuthentication userAuthentication, DeclarationStore declarations) {
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
        this.declarations = requireNonNull(declarations, "declarations");
        this.requests = new CheckinRequests(clock, userAuthentication, declarations);
        this.setup = new AwaitConfigurationFlow(ids, () -> portal, this::liveProfileOf);
    }

    // ---- check-in ---------------------------------------------------------------------------------------------

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        return switch (message) {
            case Authenticate a -> authenticate(request, a);
            case TokenUpdate t -> tokenUpdate(request, t);
            case CheckOut c -> checkOut(request);
            case UserAuthenticate u -> withDevice(request, "UserAuthenticate", d -> requests.userAuthenticate(d, u));
            case SetBootstrapToken s -> withDevice(request, "SetBootstrapToken", d -> requests.setBootstrapToken(d, s));
            case GetBootstrapToken g -> withDevice(request, "GetBootstrapToken", requests::getBootstrapToken);
            case GetToken g -> withDevice(request, "GetToken", d -> requests.getToken(d, g));
            case DeclarativeManagement dm -> withDevice(request, "DeclarativeManagement",
                    d -> requests.declarativeManagement(d, dm));
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
            if (t.awaitingConfiguration()) {
                setup.awaiting(d, now);
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

    // ---- command reports --------------------------------------------------------------------------------------

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        return withDevice(request, "a command report", d -> {
            Instant now = clock.now();
            boolean skipNotNow = false;
            CommandStatus status = result.status();
            switch (status) {
                case IDLE -> setup.applyNameTemplate(d, now);
                case NOT_NOW -> {
                    skipNotNow = true;
                    ReportOutcome o = d.commands.report(result.commandUuid(), CommandState.NOT_NOW, status.wire(), null, now);
                    CommandReports.logUnusual(d, result, o);
                }
                case ACKNOWLEDGED, ERROR, COMMAND_FORMAT_ERROR -> {
                    CommandState terminal = switch (status) {
                        case ACKNOWLEDGED -> CommandState.ACKNOWLEDGED;
                        case ERROR -> CommandState.ERROR;
                        default -> CommandState.COMMAND_FORMAT_ERROR;
                    };
                    ReportOutcome o = d.commands.report(result.commandUuid(), terminal, status.wire(),
                            CommandReports.resultJson(result), now);
                    CommandReports.logUnusual(d, result, o);
                    if (o == ReportOutcome.COMPLETED) {
                        setup.completed(d, d.commands.get(result.commandUuid()).orElseThrow(), result, now);
                    }
                }
            }
            return d.commands.next(skipNotNow, now).map(e -> Command.parse(e.plist()));
        });
    }

    /**
     * A configuration profile standing for a critical policy of the enrollment profile: one harmless restriction,
     * since devices refuse a profile without payloads (see {@link AwaitConfigurationFlow#policyProfile}).
     */
    public static byte[] policyProfile(String policy, String uuid, String payloadUuid) {
        return AwaitConfigurationFlow.policyProfile(policy, uuid, payloadUuid);
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
        AwaitConfigurationFlow.enqueue(d, c, now);
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

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }
}
