package io.mdmsim.mdm.enroll;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One-time SCEP challenges (PROTOCOL.md §5 item 4): minted when an enrollment profile is rendered, optionally bound
 * to the UDID it was rendered for, valid for {@code ttl} of simulated time, consumed by the first PKCSReq that
 * presents it. Expired challenges are swept lazily when new ones are minted.
 */
public final class ChallengeStore {

    /** What a presented challenge turned out to be. */
    sealed interface Redemption {
        /** The challenge was valid and is now spent; {@code udid} is null for an OTA challenge. */
        record Accepted(String udid, Instant mintedAt) implements Redemption {}

        record Rejected(String reason) implements Redemption {}
    }

    private record Entry(String udid, Instant mintedAt, Instant expiresAt) {}

    private final Supplier<Instant> now;
    private final RandomGenerator random;
    private final Duration ttl;
    private final Map<String, Entry> live = new ConcurrentHashMap<>();
    /** Spent challenges, kept until they would have expired so that reuse gets a precise reason. */
    private final Map<String, Instant> spent = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

    public ChallengeStore(Supplier<Instant> now, RandomGenerator random, Duration ttl) {
        this.now = requireNonNull(now, "now");
        this.random = requireNonNull(random, "random");
        this.ttl = requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
    }

    Duration ttl() {
        return ttl;
    }

    /** Mints a new challenge, bound to {@code udid} (null: any device, for OTA enrollment). */
    String mint(String udid) {
        Instant t = now.get();
        sweep(t);
        byte[] bytes = new byte[16];
        String challenge;
        do {
            synchronized (random) {
                random.nextBytes(bytes);
            }
            challenge = HexFormat.of().formatHex(bytes);
        } while (live.putIfAbsent(challenge, new Entry(udid, t, t.plus(ttl))) != null);
        return challenge;
    }

    /** Spends {@code challenge}; at most one caller ever gets {@link Redemption.Accepted} for a given challenge. */
    Redemption redeem(String challenge) {
        if (challenge == null || challenge.isEmpty()) {
            return new Redemption.Rejected("the CSR carries no challengePassword (expected: the Challenge of the enrollment profile)");
        }
        Instant t = now.get();
        Entry entry = live.remove(challenge);
        if (entry == null) {
            return spent.containsKey(challenge)
                    ? new Redemption.Rejected("challenge was already used (each challenge is valid for one enrollment)")
                    : new Redemption.Rejected("challenge is unknown (expected: the Challenge of an enrollment profile from this server)");
        }
        spent.put(challenge, entry.expiresAt());
        if (!t.isBefore(entry.expiresAt())) {
            return new Redemption.Rejected("challenge expired at " + entry.expiresAt() + " (minted " + entry.mintedAt()
                    + ", valid " + ttl.toMinutes() + " minutes; now " + t + ")");
        }
        return new Redemption.Accepted(entry.udid(), entry.mintedAt());
    }

    int liveCount() {
        return live.size();
    }

    private void sweep(Instant t) {
        Instant due = nextSweep.get();
        if (t.isBefore(due) || !nextSweep.compareAndSet(due, t.plus(ttl))) {
            return;
        }
        // Expired-but-unused challenges stay answerable as "expired" for one more ttl, then are forgotten.
        Instant horizon = t.minus(ttl);
        live.entrySet().removeIf(e -> e.getValue().expiresAt().isBefore(horizon));
        spent.entrySet().removeIf(e -> e.getValue().isBefore(horizon));
    }
}
