package io.mdmsim.mdm;

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
import io.mdmsim.mdm.CommandQueue.ReportOutcome;
import io.mdmsim.mdm.DeviceRecord.SetupFlow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference MDM behaviour of the walking skeleton: enrollment state from check-ins, one command queue per device,
 * and the await-configuration flow (PROTOCOL.md §9): TokenUpdate with AwaitingConfiguration queues DeviceInformation;
 * once that completes, DeviceConfigured; its acknowledgement makes the device CONFIGURED.
 */
final class ReferenceMdmService implements MdmService {

    private static final System.Logger LOG = System.getLogger(ReferenceMdmService.class.getName());

    /** The queries of the setup DeviceInformation (CONTRACT.md B). */
    static final List<String> SETUP_QUERIES = List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName", "Model",
            "ProductName", "SerialNumber", "UDID", "IMEI");

    private static final String DEVICE_INFORMATION = "DeviceInformation";
    private static final String DEVICE_CONFIGURED = "DeviceConfigured";

    private final DeviceRegistry registry;
    private final SimClock clock;
    private final Ids ids;

    ReferenceMdmService(DeviceRegistry registry, SimClock clock, Ids ids) {
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        this.ids = requireNonNull(ids, "ids");
    }

    // ---- check-in ---------------------------------------------------------------------------------------------

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        return switch (message) {
            case Authenticate a -> authenticate(request, a);
            case TokenUpdate t -> tokenUpdate(request, t);
            case CheckOut c -> checkOut(request);
            // Declining the user channel (nanomdm service/nanomdm/ua.go): the device carries on without it.
            case UserAuthenticate u -> {
                known(request, "UserAuthenticate");
                yield CheckinReply.status(410, "user channel not supported by this server");
            }
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
            case GetToken g -> {
                known(request, "GetToken");
                NSDictionary reply = new NSDictionary();
                reply.put("TokenData", new NSData(new byte[0]));
                yield CheckinReply.plist(reply);
            }
            case DeclarativeManagement dm -> {
                known(request, "DeclarativeManagement");
                yield declarativeManagement(dm);
            }
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
        } finally {
            d.unlock();
        }
        LOG.log(DEBUG, "{0} Authenticate (serial {1})", request.enrollmentId(), a.serialNumber());
        return CheckinReply.ok();
    }

    private CheckinReply tokenUpdate(MdmRequest request, TokenUpdate t) {
        return withDevice(request, "TokenUpdate", d -> {
            if (t.userId() != null) {
                LOG.log(DEBUG, "{0} TokenUpdate for user channel {1} ignored (user channels not supported)",
                        d.id, t.userId());
                return CheckinReply.ok();
            }
            Instant now = clock.now();
            d.topic = firstNonNull(t.topic(), d.topic);
            d.pushToken = t.token() == null ? null : t.token().clone();
            d.pushMagic = t.pushMagic();
            if (t.unlockToken() != null) {
                d.unlockToken = t.unlockToken().clone();
            }
            if (d.state == EnrollmentState.ENROLLING) {
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
        } finally {
            d.unlock();
        }
        return CheckinReply.ok();
    }

    private CheckinReply declarativeManagement(DeclarativeManagement dm) {
        // No declarations yet: an empty, stable set (ADM declarative/protocol/*.yaml).
        String token = "mdmsim-empty";
        String endpoint = dm.endpoint() == null ? "" : dm.endpoint();
        String json = switch (endpoint) {
            case "tokens" -> "{\"SyncTokens\":{\"DeclarationsToken\":\"" + token
                    + "\",\"Timestamp\":\"2000-01-01T00:00:00Z\"}}";
            case "declaration-items" -> "{\"Declarations\":{\"Activations\":[],\"Configurations\":[],\"Assets\":[],"
                    + "\"Management\":[]},\"DeclarationsToken\":\"" + token + "\"}";
            case "status" -> null;
            default -> "";
        };
        if (json == null) {
            return CheckinReply.ok();
        }
        if (json.isEmpty()) {
            return CheckinReply.status(404, "no declaration at endpoint '" + endpoint
                    + "' (this server serves an empty declaration set)");
        }
        return CheckinReply.json(json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- command reports --------------------------------------------------------------------------------------

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        return withDevice(request, "a command report", d -> {
            Instant now = clock.now();
            boolean skipNotNow = false;
            CommandStatus status = result.status();
            switch (status) {
                case IDLE -> { }
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
            String uuid = ids.uuid();
            enqueue(d, Commands.deviceConfigured(uuid), now);
            d.setupFlow = SetupFlow.CONFIGURED_QUEUED;
            d.setupCommandUuid = uuid;
        }
        if (DEVICE_CONFIGURED.equals(e.requestType())) {
            if (acknowledged) {
                d.state = EnrollmentState.CONFIGURED;
                d.configuredAt = now;
                d.awaitingConfiguration = false;
                d.setupFlow = SetupFlow.DONE;
                LOG.log(DEBUG, "{0} configured", d.id);
            } else {
                LOG.log(WARNING, "{0} answered DeviceConfigured with {1}; it stays awaiting configuration", d.id, e.state());
            }
        }
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
    Optional<String> enqueue(String enrollmentId, String requestType, NSDictionary fields) {
        Optional<DeviceRecord> found = registry.find(enrollmentId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DeviceRecord d = found.get();
        String uuid = ids.uuid();
        Command c = Commands.raw(uuid, requestType, fields);
        d.lock();
        try {
            enqueue(d, c, clock.now());
        } finally {
            d.unlock();
        }
        return Optional.of(uuid);
    }

    Optional<List<CommandView>> history(String enrollmentId) {
        return registry.find(enrollmentId).map(d -> {
            d.lock();
            try {
                return d.commands.history();
            } finally {
                d.unlock();
            }
        });
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
