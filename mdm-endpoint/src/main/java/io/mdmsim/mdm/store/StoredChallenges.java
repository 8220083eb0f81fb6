package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One-time SCEP challenges handed out in enrollment profiles, so that a device that downloaded its profile before a
 * restart can still get its certificate after it. Only a digest of each challenge is kept, never the challenge.
 */
public interface StoredChallenges {

    /**
     * @param digest SHA-256 of the challenge, lower-case hex
     * @param udid the device it was minted for, null for an over-the-air challenge
     * @param spent whether a certificate request used it
     */
    record Challenge(String digest, String udid, Instant mintedAt, Instant expiresAt, boolean spent) {
        public Challenge {
            requireNonNull(digest, "digest");
            requireNonNull(mintedAt, "mintedAt");
            requireNonNull(expiresAt, "expiresAt");
        }
    }

    /** Stores a challenge, replacing one of the same digest; durable on return. */
    void put(Challenge challenge);

    /** Forgets every challenge that expired before {@code horizon}. */
    void forgetExpiredBefore(Instant horizon);

    List<Challenge> loadAll();
}
