package io.mdmsim.abm.apns;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.ApnsConfig;
import io.mdmsim.core.http.HttpRequest;
import io.mdmsim.core.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One provider request, {@code POST /3/device/<token>}, read and checked as AppleDoc "Sending notification requests to
 * APNs" defines its headers and payload. {@link #parse} answers a bad one with the {@link ApnsReason} APNs would.
 *
 * @param token      64 lower-case hex digits
 * @param apnsId     the request's {@code apns-id}, or a new one
 * @param topic      {@code apns-topic}
 * @param priority   {@code apns-priority}: 10 (default), 5 or 1
 * @param expiration {@code apns-expiration}: null when absent (stored for the default period), {@link Instant#EPOCH}
 *                   for 0 (delivered only if the device is online now), else keep until then
 * @param pushType   {@code apns-push-type} or null
 * @param collapseId {@code apns-collapse-id} or null
 * @param payload    the JSON object of the body (for MDM {@code {"mdm":"<PushMagic>"}}; the fake does not check it)
 */
public record ApnsPush(String token, String apnsId, String topic, int priority, Instant expiration, String pushType,
        String collapseId, JsonNode payload) {

    static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> PUSH_TYPES = Set.of("alert", "background", "location", "voip", "complication",
            "fileprovider", "mdm", "liveactivity", "pushtokens", "widgets", "controls");
    private static final List<String> SINGLE_HEADERS = List.of("apns-id", "apns-topic", "apns-priority",
            "apns-expiration", "apns-push-type", "apns-collapse-id", "authorization");
    static final int MAX_TOPIC_LENGTH = 255;
    static final int MAX_COLLAPSE_ID_BYTES = 64;

    public ApnsPush {
        requireNonNull(token, "token");
        requireNonNull(apnsId, "apnsId");
        requireNonNull(topic, "topic");
        requireNonNull(payload, "payload");
    }

    /** A refusal of the provider API: the status and reason APNs would answer, and a readable detail for logs. */
    public static final class Rejection extends RuntimeException {
        private final ApnsReason reason;
        private final Long timestamp;

        public Rejection(ApnsReason reason, String detail) {
            this(reason, detail, null);
        }

        public Rejection(ApnsReason reason, String detail, Long timestamp) {
            super(reason.wire() + ": " + detail, null, false, false);
            this.reason = reason;
            this.timestamp = timestamp;
        }

        public ApnsReason reason() {
            return reason;
        }

        /** For 410: milliseconds since the epoch when the token stopped being valid; else null. */
        public Long timestamp() {
            return timestamp;
        }

        /** What was wrong, without the reason. */
        public String detail() {
            String m = getMessage();
            return m.substring(m.indexOf(": ") + 2);
        }
    }

    /**
     * Reads the headers and body of {@code POST /3/device/<rawToken>}.
     *
     * @param newId supplies an apns-id when the request has none
     */
    public static ApnsPush parse(String rawToken, HttpRequest request, Supplier<UUID> newId) {
        for (String name : SINGLE_HEADERS) {
            if (request.headerValues(name).size() > 1) {
                throw new Rejection(ApnsReason.DUPLICATE_HEADERS, "header " + name + " appears "
                        + request.headerValues(name).size() + " times (expected: once)");
            }
        }
        String token = token(rawToken);
        String apnsId = apnsId(request.header("apns-id"), newId);
        String topic = topic(request.header("apns-topic"));
        String pushType = pushType(request.header("apns-push-type"));
        int priority = priority(request.header("apns-priority"));
        Instant expiration = expiration(request.header("apns-expiration"));
        String collapseId = collapseId(request.header("apns-collapse-id"));
        JsonNode payload = payload(request.body());
        return new ApnsPush(token, apnsId, topic, priority, expiration, pushType, collapseId, payload);
    }

    static String token(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new Rejection(ApnsReason.MISSING_DEVICE_TOKEN, "no device token in the path (expected: "
                    + "/3/device/<64 hex digits>)");
        }
        String token = raw.toLowerCase(Locale.ROOT);
        if (!TOKEN.matcher(token).matches()) {
            throw new Rejection(ApnsReason.BAD_DEVICE_TOKEN, "device token " + abbreviate(raw) + " (expected: 64 hex "
                    + "digits)");
        }
        return token;
    }

    private static String apnsId(String value, Supplier<UUID> newId) {
        if (value == null) {
            return newId.get().toString();
        }
        if (!UUID_FORM.matcher(value).matches()) {
            throw new Rejection(ApnsReason.BAD_MESSAGE_ID, "apns-id: " + abbreviate(value)
                    + " (expected: a canonical UUID, 8-4-4-4-12 hex digits)");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String topic(String value) {
        if (value == null || value.isEmpty()) {
            throw new Rejection(ApnsReason.MISSING_TOPIC, "no apns-topic header (expected: the MDM push topic, "
                    + "com.apple.mgmt.…)");
        }
        if (value.length() > MAX_TOPIC_LENGTH || value.isBlank() || !value.strip().equals(value)
                || value.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new Rejection(ApnsReason.BAD_TOPIC, "apns-topic: " + abbreviate(value)
                    + " (expected: a bundle-id-like topic without spaces, at most " + MAX_TOPIC_LENGTH + " characters)");
        }
        return value;
    }

    private static String pushType(String value) {
        if (value == null) {
            return null;
        }
        if (!PUSH_TYPES.contains(value)) {
            throw new Rejection(ApnsReason.INVALID_PUSH_TYPE, "apns-push-type: " + abbreviate(value)
                    + " (expected: one of " + PUSH_TYPES.stream().sorted().toList() + "; mdm for MDM)");
        }
        return value;
    }

    private static int priority(String value) {
        if (value == null) {
            return 10;
        }
        return switch (value) {
            case "10" -> 10;
            case "5" -> 5;
            case "1" -> 1;
            default -> throw new Rejection(ApnsReason.BAD_PRIORITY, "apns-priority: " + abbreviate(value)
                    + " (expected: 10, 5 or 1)");
        };
    }

    private static Instant expiration(String value) {
        if (value == null) {
            return null;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Rejection(ApnsReason.BAD_EXPIRATION_DATE, "apns-expiration: " + abbreviate(value)
                    + " (expected: seconds since the epoch, or 0)");
        }
        if (seconds < 0 || seconds > 253_402_300_799L) { // 9999-12-31T23:59:59Z
            throw new Rejection(ApnsReason.BAD_EXPIRATION_DATE, "apns-expiration: " + value
                    + " (expected: seconds since the epoch, or 0)");
        }
        return Instant.ofEpochSecond(seconds);
    }

    private static String collapseId(String value) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MAX_COLLAPSE_ID_BYTES) {
            throw new Rejection(ApnsReason.BAD_COLLAPSE_ID, "apns-collapse-id: "
                    + value.getBytes(StandardCharsets.UTF_8).length + " bytes (expected: at most "
                    + MAX_COLLAPSE_ID_BYTES + ")");
        }
        return value;
    }

    private static JsonNode payload(byte[] body) {
        if (body.length > ApnsConfig.MAX_PAYLOAD_BYTES) {
            throw new Rejection(ApnsReason.PAYLOAD_TOO_LARGE, "payload: " + body.length + " bytes (expected: at most "
                    + ApnsConfig.MAX_PAYLOAD_BYTES + ")");
        }
        if (new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw new Rejection(ApnsReason.PAYLOAD_EMPTY, "the body is empty (expected: {\"mdm\":\"<PushMagic>\"})");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            // Apple documents no reason of its own for a body that is not JSON; this is the nearest.
            throw new Rejection(ApnsReason.PAYLOAD_EMPTY, "the body is not JSON: " + e.getOriginalMessage()
                    + " (expected: {\"mdm\":\"<PushMagic>\"})");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw new Rejection(ApnsReason.PAYLOAD_EMPTY, "the body is JSON but not an object (expected: "
                    + "{\"mdm\":\"<PushMagic>\"})");
        }
        return node;
    }

    private static String abbreviate(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
