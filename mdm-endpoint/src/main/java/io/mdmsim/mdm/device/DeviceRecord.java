package io.mdmsim.mdm.device;

import static java.util.Objects.requireNonNull;

import io.mdmsim.mdm.queue.CommandQueue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the server knows about one device enrollment (keyed by UDID, or EnrollmentID for user enrollment).
 * Fields are read and written only while {@link #lock()} is held; {@link #view()} takes a consistent snapshot.
 */
public final class DeviceRecord {

    /** Progress of the await-configuration flow (PROTOCOL.md §9): DeviceInformation, then DeviceConfigured. */
    public enum SetupFlow { NONE, INFORMATION_QUEUED, CRITICAL_QUEUED, CONFIGURED_QUEUED, DONE }

    private final ReentrantLock lock = new ReentrantLock();
    public final String id;
    public final CommandQueue commands = new CommandQueue();

    public EnrollmentState state = EnrollmentState.ENROLLING;
    public String serialNumber;
    public String productName;
    public String osVersion;
    public String buildVersion;
    public String imei;
    public String meid;
    public String deviceName;
    public String model;
    public String modelName;
    public String topic;
    public boolean awaitingConfiguration;
    public byte[] pushToken;
    public String pushMagic;
    public byte[] unlockToken;
    public byte[] bootstrapToken;
    /** SHA-256 hex of the identity certificate the device last authenticated with. */
    public String identityFingerprint;
    public Instant authenticatedAt;
    public Instant enrolledAt;
    public Instant configuredAt;
    public Instant checkedOutAt;
    public Instant lastSeenAt;
    public SetupFlow setupFlow = SetupFlow.NONE;
    public String setupCommandUuid;
    /** Await final configuration: the critical policies and apps not yet acknowledged, by command UUID. */
    public final Map<String, String> pendingCritical = new LinkedHashMap<>();
    /** The name the profile's template gives the device, and the UUID of the Settings command that sets it. */
    public String templateName;
    public String nameCommandUuid;
    /** A template name the device refused (Error): not sent again at every check-in. */
    public String nameRefused;
    /** QueryResponses of the last acknowledged DeviceInformation. */
    public final Map<String, Object> queryResponses = new LinkedHashMap<>();
    /** APNs said the token is no longer valid (410); no pushes until the next TokenUpdate. */
    public Instant pushUnregisteredAt;
    public Instant lastPushAt;
    /** "sent", "failed: <reason>", "unregistered" ... of the last push. */
    public String lastPushResult;
    public int pushes;
    /** Macos user channels by UserID (TokenUpdate with UserID), and digest challenges sent to them. */
    public final Map<String, UserChannel> users = new LinkedHashMap<>();
    public final Map<String, String> digestNonces = new LinkedHashMap<>();
    /** The last declarative management status report (JSON), and when it came. */
    public Object declarativeStatus;
    public Instant declarativeStatusAt;
    /** Lifecycle: profile snapshot, enrollments, wipe and retire (DeviceLifecycle). */
    public final LifecycleState life = new LifecycleState();
    /** Company Portal, Single App Mode, supervision (CompanyPortalService); new at each Authenticate. */
    public PortalState portal = new PortalState();

    /** A user channel of a macOS device (ADM tokenupdate.yaml user keys, userauthenticate.yaml). */
    public record UserChannel(String userId, String shortName, String longName, boolean authenticated, boolean hasToken) {}

    DeviceRecord(String id) {
        this.id = requireNonNull(id, "id");
    }

    public void lock() {
        lock.lock();
    }

    public void unlock() {
        lock.unlock();
    }

    public DeviceView view() {
        lock();
        try {
            return new DeviceView(id, serialNumber, productName, osVersion, buildVersion, deviceName, state,
                    awaitingConfiguration, authenticatedAt, enrolledAt, configuredAt, checkedOutAt, lastSeenAt,
                    pushMagic != null, commands.pendingCount(), pushUnregisteredAt, lastPushAt, lastPushResult,
                    bootstrapToken != null, List.copyOf(users.values()), declarativeStatusAt,
                    Map.copyOf(queryResponsesWithoutNulls()));
        } finally {
            unlock();
        }
    }

    private Map<String, Object> queryResponsesWithoutNulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        queryResponses.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        return m;
    }
}
