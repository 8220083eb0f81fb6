package io.mdmsim.abm.dep;

import io.mdmsim.abm.state.EventKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per key (an MDM server) on the simulated clock: {@code rate} requests a second, bursts of up to a
 * second's worth. A refused request learns how long to wait, for {@code Retry-After}.
 */
public final class RateLimiter {

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    private final Map<String, Bucket> buckets = new HashMap<>();

    /** 0 if the request may go now (and takes a token), else the nanoseconds until one is available. */
    public synchronized long acquire(String key, double rate, Instant now) {
        if (rate <= 0) {
            return 0;
        }
        double capacity = Math.max(1, rate);
        long nowNanos = EventKey.nanos(now);
        Bucket b = buckets.computeIfAbsent(key, k -> {
            Bucket n = new Bucket();
            n.tokens = capacity;
            n.lastNanos = nowNanos;
            return n;
        });
        if (nowNanos > b.lastNanos) {
            b.tokens = Math.min(capacity, b.tokens + (nowNanos - b.lastNanos) / 1e9 * rate);
            b.lastNanos = nowNanos;
        }
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - b.tokens) / rate * 1e9);
    }
}
