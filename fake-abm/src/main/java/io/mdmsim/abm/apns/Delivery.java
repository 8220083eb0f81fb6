package io.mdmsim.abm.apns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.abm.ApnsConfig;
import io.mdmsim.core.http.EventStream;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.time.SimClock;
import java.time.Instant;

/**
 * Delivery and Apple's coalescing: a push to an online token is written to its connection's event stream at once;
 * to an offline one it is stored, replacing any stored before, until its {@code apns-expiration} on the
 * {@link SimClock} ({@code apns-expiration: 0} is dropped instead); a token coming online gets its stored push if it
 * has not expired.
 */
final class Delivery {

    private final ApnsConfig config;
    private final SimClock clock;
    private final ApnsCounters counters;
    private final FaultInjector faults;

    Delivery(ApnsConfig config, SimClock clock, ApnsCounters counters, FaultInjector faults) {
        this.config = config;
        this.clock = clock;
        this.counters = counters;
        this.faults = faults;
    }

    /**
     * Delivers, stores or drops a checked push as the token's state says; false when the token was released meanwhile.
     *
     * @throws ApnsPush.Rejection DeviceTokenNotForTopic, or an injected fault
     */
    boolean push(DeviceToken token, ApnsPush push) {
        synchronized (token) {
            if (token.released) {
                return false;
            }
            if (token.topic != null && !token.topic.equals(push.topic())) {
                throw new ApnsPush.Rejection(ApnsReason.DEVICE_TOKEN_NOT_FOR_TOPIC, "token " + token.value
                        + " is registered for topic " + token.topic + ", not " + push.topic());
            }
            faults.next();
            counters.accepted.increment();
            DeviceConnection connection = token.connection;
            if (connection != null && connection.attached() && send(connection, token, push)) {
                counters.delivered.increment();
                if (token.pending != null) { // superseded by the one just delivered
                    token.pending = null;
                    counters.coalesced.increment();
                }
                return true;
            }
            Instant now = clock.now();
            Instant until = push.expiration() == null ? now.plus(config.defaultStorage()) : push.expiration();
            if (Instant.EPOCH.equals(push.expiration()) || !now.isBefore(until)) {
                counters.dropped.increment();
                return true;
            }
            if (token.pending != null) {
                counters.coalesced.increment();
            }
            token.pending = new DeviceToken.Stored(push, until);
            counters.stored.increment();
            return true;
        }
    }

    /** The token's stored push, if it has not expired, to its connection. Caller holds the token's lock. */
    void deliverPending(DeviceToken token, DeviceConnection connection) {
        DeviceToken.Stored pending = token.pending;
        if (pending == null || !connection.attached()) {
            return;
        }
        if (!clock.now().isBefore(pending.until())) {
            token.pending = null;
            counters.expired.increment();
            return;
        }
        if (send(connection, token, pending.push())) {
            token.pending = null;
            counters.delivered.increment();
        }
    }

    /** Forgets the stored pushes whose expiration passed. */
    void expireStored(Iterable<DeviceToken> tokens) {
        Instant now = clock.now();
        for (DeviceToken t : tokens) {
            synchronized (t) {
                if (t.pending != null && !now.isBefore(t.pending.until())) {
                    t.pending = null;
                    counters.expired.increment();
                }
            }
        }
    }

    private static boolean send(DeviceConnection connection, DeviceToken token, ApnsPush push) {
        EventStream stream = connection.stream;
        if (stream == null) {
            return false;
        }
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("token", token.value);
        event.put("apnsId", push.apnsId());
        event.put("topic", push.topic());
        event.set("payload", push.payload());
        return stream.event("push", event.toString());
    }
}
