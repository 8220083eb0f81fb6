package io.mdmsim.mdm.enroll;

import static java.util.Objects.requireNonNull;

import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredChallenges;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One-time SCEP challenges (docs/mdm-endpoint.md "Device endpoints"): minted when an enrollment profile is rendered,
 * optionally bound to the UDID it was rendered for, valid for {@code ttl} of simulated time, consumed by the first
 * PKCSReq that presents it. Expired challenges are swept lazily when new ones are minted. Challenges are known by their
 * SHA-256 digest; each one minted or spent is written to the store before the answer that carries or spends it, so a
 * device that downloaded its profile before a restart gets its certificate after it. At most
 * {@value #MAX_OVER_THE_AIR} over-the-air challenges (bound to no device: anyone can ask for one with
 * {@code GET /mdm/enroll}) are outstanding at once; past that the oldest is spent unused, so a flood of requests holds
 * no more memory and cannot touch the challenges minted for ADE devices.
 */
public final class ChallengeStore {

    /** What a presented challenge turned out to be. */
    sealed interface Redemption {
        /** The challenge was valid and is now spent; {@code udid} is null for an OTA challenge. */
        record Accepted(String udid, Instant mintedAt) implements Redemption {}

        /** {@code udid}: the device the challenge was minted for, when it is known (null otherwise). */
        record Rejected(String reason, String udid) implements Redemption {}
    }

    private record Entry(String udid, Instant mintedAt, Instant expiresAt) {}

    /** Outstanding over-the-air challenges kept at once; older ones are dropped. */
    static final int MAX_OVER_THE_AIR = 10_000;

    private final Supplier<Instant> now;
    private final RandomGenerator random;
    private final Duration ttl;
    /** Live challenges by digest. */
    private final Map<String, Entry> live = new ConcurrentHashMap<>();
    /** Spent challenges by digest, kept until they would have expired so that reuse gets a precise reason. */
    private final Map<String, Entry> spent = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);
    /** Digests of the last {@value #MAX_OVER_THE_AIR} over-the-air challenges minted, oldest first (some spent since). */
    private final Queue<String> overTheAir = new ConcurrentLinkedQueue<>();
    private final AtomicInteger overTheAirQueued = new AtomicInteger();
    private final StoredChallenges store;

    /** Challenges of their own, in memory (tests). */
    public ChallengeStore(Supplier<Instant> now, RandomGenerator random, Duration ttl) {
        this(now, random, ttl, MdmStore.inMemory().challenges());
    }

    /** The challenges {@code store} holds; new and spent ones are written to it. */
    public ChallengeStore(Supplier<Instant> now, RandomGenerator random, Duration ttl, StoredChallenges store) {
        this.store = requireNonNull(store, "store");
        this.now = requireNonNull(now, "now");
        this.random = requireNonNull(random, "random");
        this.ttl = requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        for (StoredChallenges.Challenge c : store.loadAll()) {
            if (c.spent()) {
                spent.put(c.digest(), new Entry(c.udid(), c.mintedAt(), c.expiresAt()));
            } else {
                live.put(c.digest(), new Entry(c.udid(), c.mintedAt(), c.expiresAt()));
                if (c.udid() == null) {
                    overTheAir.add(c.digest());
                    overTheAirQueued.incrementAndGet();
                }
            }
        }
        dropOldestOverTheAir();
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
        String digest;
        Entry entry = new Entry(udid, t, t.plus(ttl));
        do {
            synchronized (random) {
                random.nextBytes(bytes);
            }
            challenge = HexFormat.of().formatHex(bytes);
            digest = digest(challenge);
        } while (live.putIfAbsent(digest, entry) != null);
        try {
            store.put(new StoredChallenges.Challenge(digest, udid, t, entry.expiresAt(), false));
        } catch (RuntimeException e) {
            live.remove(digest); // not kept, so never handed out
            throw e;
        }
        if (udid == null) {
            overTheAir.add(digest);
            overTheAirQueued.incrementAndGet();
            dropOldestOverTheAir();
        }
        return challenge;
    }

    /**
     * Keeps the last {@link #MAX_OVER_THE_AIR} over-the-air challenges minted: an older one still unused is spent now
     * (its PKCSReq is refused as already used, the answer a real MDM gives to a challenge it no longer honours).
     */
    private void dropOldestOverTheAir() {
        while (overTheAirQueued.get() > MAX_OVER_THE_AIR) {
            String oldest = overTheAir.poll();
            if (oldest == null) {
                return;
            }
            overTheAirQueued.decrementAndGet();
            Entry entry = live.remove(oldest);
            if (entry != null) {
                spent.put(oldest, entry);
                store.put(new StoredChallenges.Challenge(oldest, null, entry.mintedAt(), entry.expiresAt(), true));
            }
        }
    }

    /** Spends {@code challenge}; at most one caller ever gets {@link Redemption.Accepted} for a given challenge. */
    Redemption redeem(String challenge) {
        if (challenge == null || challenge.isEmpty()) {
            return new Redemption.Rejected("the CSR carries no challengePassword (expected: the Challenge of the"
                    + " enrollment profile)", null);
        }
        Instant t = now.get();
        String digest = digest(challenge);
        Entry entry = live.remove(digest);
        if (entry == null) {
            Entry used = spent.get(digest);
            return used != null
                    ? new Redemption.Rejected("challenge was already used (each challenge is valid for one enrollment)",
                            used.udid())
                    : new Redemption.Rejected("challenge is unknown (expected: the Challenge of an enrollment profile"
                            + " from this server)", null);
        }
        spent.put(digest, entry);
        store.put(new StoredChallenges.Challenge(digest, entry.udid(), entry.mintedAt(), entry.expiresAt(), true));
        if (!t.isBefore(entry.expiresAt())) {
            return new Redemption.Rejected("challenge expired at " + entry.expiresAt() + " (minted " + entry.mintedAt()
                    + ", valid " + ttl.toMinutes() + " minutes; now " + t + ")", entry.udid());
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
        spent.entrySet().removeIf(e -> e.getValue().expiresAt().isBefore(horizon));
        store.forgetExpiredBefore(horizon);
    }

    /** SHA-256 of a challenge, lower-case hex: how challenges are known here and in the store. */
    static String digest(String challenge) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(challenge.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
