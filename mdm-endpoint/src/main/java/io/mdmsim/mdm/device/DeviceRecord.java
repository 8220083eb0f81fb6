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
 *
 * <p>Stored as a whole: when the outermost {@link #unlock()} finds the record or its queue changed, it hands them to
 * the store before it lets go of the lock, so whatever a request changed is durable before the request is answered.
 * Every field that is not {@code transient} is stored (as JSON, {@code StoredJson}); a new field is stored without
 * more code, and {@code DeviceRecordStorageTest} proves each one comes back.
 */
public final class DeviceRecord {

    /** Progress of the await-configuration flow (Apple's "Token Update"): DeviceInformation, then DeviceConfigured. */
    public enum SetupFlow { NONE, INFORMATION_QUEUED, CRITICAL_QUEUED, CONFIGURED_QUEUED, DONE }

    private final transient ReentrantLock lock = new ReentrantLock();
    /** The store key (not in the stored JSON). */
    public final transient String id;
    /** Stored command by command, beside the record. */
    public final transient CommandQueue commands = new CommandQueue();
    private final transient DeviceRegistry owner;
    /** The JSON last written to the store: an unlock that changed nothing writes nothing. */
    transient String storedJson;

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

    DeviceRecord(String id, DeviceRegistry owner) {
        this.id = requireNonNull(id, "id");
        this.owner = requireNonNull(owner, "owner");
    }

    public void lock() {
        lock.lock();
    }

    /**
     * Releases the lock; the outermost unlock first stores what changed while it was held.
     *
     * @throws io.mdmsim.mdm.store.StoreException if the store failed (the lock is released all the same)
     */
    public void unlock() {
        try {
            if (lock.getHoldCount() == 1) {
                owner.store(this);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code reader} under the lock, for code that only reads the record: nothing is stored afterwards (a change
     * made there is stored by the next {@link #unlock()}).
     */
    public <T> T read(java.util.function.Function<DeviceRecord, T> reader) {
        lock.lock();
        try {
            return reader.apply(this);
        } finally {
            lock.unlock();
        }
    }

    public DeviceView view() {
        return read(DeviceRecord::snapshot);
    }

    private DeviceView snapshot() {
        return new DeviceView(id, serialNumber, productName, osVersion, buildVersion, deviceName, state,
                awaitingConfiguration, authenticatedAt, enrolledAt, configuredAt, checkedOutAt, lastSeenAt,
                pushMagic != null, commands.pendingCount(), pushUnregisteredAt, lastPushAt, lastPushResult,
                bootstrapToken != null, List.copyOf(users.values()), declarativeStatusAt,
                Map.copyOf(queryResponsesWithoutNulls()));
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
