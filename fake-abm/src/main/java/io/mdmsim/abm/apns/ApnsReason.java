package io.mdmsim.abm.apns;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The error reasons of the APNs provider API with their HTTP status, as AppleDoc "Handling notification responses
 * from APNs" lists them. The body of an error is {@code {"reason":"<name>"}} (410 adds {@code "timestamp"}).
 */
public enum ApnsReason {
    BAD_COLLAPSE_ID("BadCollapseId", 400),
    BAD_DEVICE_TOKEN("BadDeviceToken", 400),
    BAD_EXPIRATION_DATE("BadExpirationDate", 400),
    BAD_MESSAGE_ID("BadMessageId", 400),
    BAD_PRIORITY("BadPriority", 400),
    BAD_TOPIC("BadTopic", 400),
    DEVICE_TOKEN_NOT_FOR_TOPIC("DeviceTokenNotForTopic", 400),
    DUPLICATE_HEADERS("DuplicateHeaders", 400),
    IDLE_TIMEOUT("IdleTimeout", 400),
    INVALID_PUSH_TYPE("InvalidPushType", 400),
    MISSING_DEVICE_TOKEN("MissingDeviceToken", 400),
    MISSING_TOPIC("MissingTopic", 400),
    PAYLOAD_EMPTY("PayloadEmpty", 400),
    TOPIC_DISALLOWED("TopicDisallowed", 400),
    BAD_CERTIFICATE("BadCertificate", 403),
    BAD_CERTIFICATE_ENVIRONMENT("BadCertificateEnvironment", 403),
    EXPIRED_PROVIDER_TOKEN("ExpiredProviderToken", 403),
    FORBIDDEN("Forbidden", 403),
    INVALID_PROVIDER_TOKEN("InvalidProviderToken", 403),
    MISSING_PROVIDER_TOKEN("MissingProviderToken", 403),
    UNRELATED_KEY_ID_IN_TOKEN("UnrelatedKeyIdInToken", 403),
    BAD_ENVIRONMENT_KEY_ID_IN_TOKEN("BadEnvironmentKeyIdInToken", 403),
    BAD_PATH("BadPath", 404),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    EXPIRED_TOKEN("ExpiredToken", 410),
    UNREGISTERED("Unregistered", 410),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
    TOO_MANY_PROVIDER_TOKEN_UPDATES("TooManyProviderTokenUpdates", 429),
    TOO_MANY_REQUESTS("TooManyRequests", 429),
    INTERNAL_SERVER_ERROR("InternalServerError", 500),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503),
    SHUTDOWN("Shutdown", 503);

    private static final Map<String, ApnsReason> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ApnsReason::wire, Function.identity()));

    private final String wire;
    private final int status;

    ApnsReason(String wire, int status) {
        this.wire = wire;
        this.status = status;
    }

    /** The value of {@code reason} in the error body. */
    public String wire() {
        return wire;
    }

    public int status() {
        return status;
    }

    /** The reason of this wire name, or null. */
    public static ApnsReason fromWire(String wire) {
        return wire == null ? null : BY_WIRE.get(wire);
    }
}
