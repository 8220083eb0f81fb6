package io.mdmsim.abm.apns;

import io.mdmsim.abm.ApnsConfig;
import io.mdmsim.core.time.SimClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The issued device tokens: one per device, derived from the seed and the device id, each with its key; released
 * tokens are remembered (up to {@link ApnsConfig#maxTokens()}) so that a push to one is answered 410 Unregistered.
 * Lock order: {@code issueLock}, then a token's own lock.
 */
final class DeviceTokens {

    private static final int MAX_DEVICE_ID_LENGTH = 256;

    private final ApnsConfig config;
    private final SimClock clock;
    private final long seed;
    private final ApnsCounters counters;
    private final ConcurrentHashMap<String, DeviceToken> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DeviceToken> byDevice = new ConcurrentHashMap<>();
    private final Object issueLock = new Object();
    private final LinkedHashMap<String, Released> released = new LinkedHashMap<>(); // guarded by issueLock

    private record Released(String deviceId, Instant at) {
    }

    DeviceTokens(ApnsConfig config, SimClock clock, long seed, ApnsCounters counters) {
        this.config = config;
        this.clock = clock;
        this.seed = seed;
        this.counters = counters;
    }

    /** See {@link ApnsService#issueToken}. */
    ApnsService.IssuedToken issue(String deviceId, String topic) {
        checkRequest(deviceId, topic);
        synchronized (issueLock) {
            DeviceToken existing = byDevice.get(deviceId);
            if (existing != null) {
                synchronized (existing) {
                    if (topic != null) {
                        existing.topic = topic;
                    }
                    return new ApnsService.IssuedToken(existing.value, deviceId, existing.topic, existing.key, false);
                }
            }
            if (tokens.size() >= config.maxTokens()) {
                throw new DeviceApiError(503, "token limit reached: " + config.maxTokens()
                        + " tokens issued (expected: release tokens first, or raise apns maxTokens)");
            }
            String value = newToken(deviceId);
            DeviceToken token = new DeviceToken(value, deviceId, topic, clock.now());
            released.remove(value);
            tokens.put(value, token);
            byDevice.put(deviceId, token);
            counters.tokensIssued.increment();
            return new ApnsService.IssuedToken(value, deviceId, topic, token.key, true);
        }
    }

    /** The checks of a token request that come before its signature's: a 400 names the field. */
    void checkRequest(String deviceId, String topic) {
        if (deviceId == null || deviceId.isBlank() || deviceId.length() > MAX_DEVICE_ID_LENGTH) {
            throw new DeviceApiError(400, "deviceId: " + (deviceId == null ? "missing" : "'" + deviceId + "'")
                    + " (expected: the device's UDID, 1.." + MAX_DEVICE_ID_LENGTH + " characters)");
        }
        if (topic != null && (topic.isBlank() || topic.length() > ApnsPush.MAX_TOPIC_LENGTH)) {
            throw new DeviceApiError(400, "topic: '" + topic + "' (expected: the MDM push topic, 1.."
                    + ApnsPush.MAX_TOPIC_LENGTH + " characters, or no topic)");
        }
    }

    private String newToken(String deviceId) {
        for (int generation = 0; ; generation++) {
            String candidate = hash("mdmsim-apns-token\0" + seed + "\0" + deviceId + "\0" + generation);
            if (!tokens.containsKey(candidate) && !released.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    /** Erase or unenroll: later pushes to the token get 410 Unregistered. Only its device (with its key) may. */
    void release(String value, String key) {
        String tokenValue = pathParam(value);
        synchronized (issueLock) {
            DeviceToken token = issued(tokenValue);
            requireKey(token, key);
            tokens.remove(tokenValue);
            byDevice.remove(token.deviceId, token);
            Instant at = clock.now();
            synchronized (token) {
                token.released = true;
                if (token.connection != null) {
                    token.connection.members.remove(token);
                    token.connection = null;
                }
                token.pending = null;
            }
            released.put(tokenValue, new Released(token.deviceId, at));
            while (released.size() > config.maxTokens()) {
                released.remove(released.keySet().iterator().next());
            }
            counters.tokensReleased.increment();
        }
    }

    /** {@code GET /apns/v1/tokens/{token}}, for its device (with its key): it names the connection. */
    ApnsService.TokenStatus status(String value, String key) {
        DeviceToken token = withKey(value, key);
        synchronized (token) {
            return new ApnsService.TokenStatus(token.value, token.deviceId, token.topic, token.issuedAt.toString(),
                    token.online(), token.connection == null ? null : token.connection.id,
                    token.pending == null ? null : new ApnsService.PendingPush(token.pending.push().apnsId(),
                            token.pending.until().toString()));
        }
    }

    /** The issued token {@code value} (a path parameter, checked) if {@code key} is its key. */
    DeviceToken withKey(String value, String key) {
        DeviceToken token = issued(pathParam(value));
        requireKey(token, key);
        return token;
    }

    /** The issued token {@code value} (checked by {@link #pathParam}); 404 when it is not issued. */
    DeviceToken issued(String value) {
        DeviceToken token = tokens.get(value);
        if (token == null) {
            throw new DeviceApiError(404, "token " + value + " is not issued (expected: a token from POST "
                    + "/apns/v1/tokens that has not been released)");
        }
        return token;
    }

    /** The token a provider pushes to, null when it is not issued. */
    DeviceToken find(String value) {
        return tokens.get(value);
    }

    /** Why a push to a token that is not issued fails: 410 Unregistered once released, else BadDeviceToken. */
    ApnsPush.Rejection unknown(String value) {
        Released r;
        synchronized (issueLock) {
            r = released.get(value);
        }
        if (r != null) {
            counters.unregistered.increment();
            return new ApnsPush.Rejection(ApnsReason.UNREGISTERED, "token " + value + " was released by its device "
                    + "at " + r.at(), r.at().toEpochMilli());
        }
        return new ApnsPush.Rejection(ApnsReason.BAD_DEVICE_TOKEN, "token " + value + " was never issued");
    }

    Collection<DeviceToken> all() {
        return tokens.values();
    }

    int size() {
        return tokens.size();
    }

    /** The token's key, compared in constant time; without it nobody can move, read or release a device's token. */
    static void requireKey(DeviceToken token, String key) {
        if (key == null || key.isEmpty()) {
            throw new DeviceApiError(403, "token " + token.value + ": no key (expected: the key POST /apns/v1/tokens"
                    + " gave the token's device, in " + ApnsService.KEY_HEADER + " or the connection's tokens[].key)");
        }
        if (!MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), token.key.getBytes(StandardCharsets.UTF_8))) {
            throw new DeviceApiError(403, "token " + token.value + ": wrong key (expected: the key POST"
                    + " /apns/v1/tokens gave the token's device; a token is moved, read or released only by its device)");
        }
    }

    /** A token as a request names it: 64 hex digits, either case. */
    static String pathParam(String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!ApnsPush.TOKEN.matcher(lower).matches()) {
            throw new DeviceApiError(400, "token: '" + value + "' (expected: 64 hex digits)");
        }
        return lower;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
