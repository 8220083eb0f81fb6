package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the server knows about one device enrollment (keyed by UDID, or EnrollmentID for user enrollment).
 * Fields are read and written only while {@link #lock()} is held; {@link #view()} takes a consistent snapshot.
 */
final class DeviceRecord {

    /** Progress of the await-configuration flow (PROTOCOL.md §9): DeviceInformation, then DeviceConfigured. */
    enum SetupFlow { NONE, INFORMATION_QUEUED, CRITICAL_QUEUED, CONFIGURED_QUEUED, DONE }

    private final ReentrantLock lock = new ReentrantLock();
    final String id;
    final CommandQueue commands = new CommandQueue();

    EnrollmentState state = EnrollmentState.ENROLLING;
    String serialNumber;
    String productName;
    String osVersion;
    String buildVersion;
    String imei;
    String meid;
    String deviceName;
    String model;
    String modelName;
    String topic;
    boolean awaitingConfiguration;
    byte[] pushToken;
    String pushMagic;
    byte[] unlockToken;
    byte[] bootstrapToken;
    /** SHA-256 hex of the identity certificate the device last authenticated with. */
    String identityFingerprint;
    Instant authenticatedAt;
    Instant enrolledAt;
    Instant configuredAt;
    Instant checkedOutAt;
    Instant lastSeenAt;
    SetupFlow setupFlow = SetupFlow.NONE;
    String setupCommandUuid;
    /** Await final configuration: the critical policies and apps not yet acknowledged, by command UUID. */
    final Map<String, String> pendingCritical = new LinkedHashMap<>();
    /** The name the profile's template gives the device, and the UUID of the Settings command that sets it. */
    String templateName;
    String nameCommandUuid;
    /** A template name the device refused (Error): not sent again at every check-in. */
    String nameRefused;
    /** QueryResponses of the last acknowledged DeviceInformation. */
    final Map<String, Object> queryResponses = new LinkedHashMap<>();
    /** APNs said the token is no longer valid (410); no pushes until the next TokenUpdate. */
    Instant pushUnregisteredAt;
    Instant lastPushAt;
    /** "sent", "failed: <reason>", "unregistered" ... of the last push. */
    String lastPushResult;
    int pushes;
    /** Macos user channels by UserID (TokenUpdate with UserID), and digest challenges sent to them. */
    final Map<String, UserChannel> users = new LinkedHashMap<>();
    final Map<String, String> digestNonces = new LinkedHashMap<>();
    /** The last declarative management status report (JSON), and when it came. */
    Object declarativeStatus;
    Instant declarativeStatusAt;
    /** Lifecycle: profile snapshot, enrollments, wipe and retire (DeviceLifecycle). */
    final DeviceLifecycle.State life = new DeviceLifecycle.State();
    /** Company Portal, Single App Mode, supervision (CompanyPortalService); new at each Authenticate. */
    PortalState portal = new PortalState();

    /** A user channel of a macOS device (ADM tokenupdate.yaml user keys, userauthenticate.yaml). */
    record UserChannel(String userId, String shortName, String longName, boolean authenticated, boolean hasToken) {}

    DeviceRecord(String id) {
        this.id = requireNonNull(id, "id");
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    DeviceView view() {
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
