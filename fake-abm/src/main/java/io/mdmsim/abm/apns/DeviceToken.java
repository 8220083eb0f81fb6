package io.mdmsim.abm.apns;

import io.mdmsim.core.security.Secrets;
import java.time.Instant;

/** A device token. Fields other than the final ones are guarded by the instance. */
final class DeviceToken {
    final String value;
    final String deviceId;
    /** Given only to the device that proved its identity: moving, reading or releasing the token needs it. */
    final String key;
    final Instant issuedAt;
    String topic;
    DeviceConnection connection;
    /** The one push kept for the token while it is offline (Apple's coalescing: only the last one). */
    Stored pending;
    boolean released;

    record Stored(ApnsPush push, Instant until) {
    }

    DeviceToken(String value, String deviceId, String topic, Instant issuedAt) {
        this.value = value;
        this.deviceId = deviceId;
        this.key = Secrets.hex(32);
        this.topic = topic;
        this.issuedAt = issuedAt;
    }

    /** Caller holds the token's lock. */
    boolean online() {
        return connection != null && connection.attached();
    }
}
