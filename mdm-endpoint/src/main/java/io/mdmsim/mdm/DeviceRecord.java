package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the server knows about one device enrollment (keyed by UDID, or EnrollmentID for user enrollment).
 * Fields are read and written only while {@link #lock()} is held; {@link #view()} takes a consistent snapshot.
 */
final class DeviceRecord {

    /** Progress of the await-configuration flow (PROTOCOL.md §9): DeviceInformation, then DeviceConfigured. */
    enum SetupFlow { NONE, INFORMATION_QUEUED, CONFIGURED_QUEUED, DONE }

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
    /** QueryResponses of the last acknowledged DeviceInformation. */
    final Map<String, Object> queryResponses = new LinkedHashMap<>();

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
                    pushMagic != null, commands.pendingCount());
        } finally {
            unlock();
        }
    }
}
