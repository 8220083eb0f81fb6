package io.mdmsim.mdm.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.mdm.enroll.ChallengeStore.Redemption;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChallengeStoreTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final ChallengeStore store = new ChallengeStore(now::get, new Random(7), Duration.ofMinutes(15));

    @Test
    void aChallengeIsSpentByItsFirstUse() {
        String c = store.mint("UDID-1");
        var first = assertInstanceOf(Redemption.Accepted.class, store.redeem(c));
        assertEquals("UDID-1", first.udid());
        var second = assertInstanceOf(Redemption.Rejected.class, store.redeem(c));
        assertTrue(second.reason().contains("already used"), second.reason());
    }

    @Test
    void expiresAfterFifteenSimulatedMinutes() {
        String fresh = store.mint(null);
        String stale = store.mint(null);
        now.set(now.get().plus(Duration.ofMinutes(14)));
        assertInstanceOf(Redemption.Accepted.class, store.redeem(fresh));
        now.set(now.get().plus(Duration.ofMinutes(2)));
        var r = assertInstanceOf(Redemption.Rejected.class, store.redeem(stale));
        assertTrue(r.reason().contains("expired"), r.reason());
    }

    @Test
    void unknownAndMissingChallenges() {
        var unknown = assertInstanceOf(Redemption.Rejected.class, store.redeem("0123"));
        assertTrue(unknown.reason().contains("unknown"), unknown.reason());
        var missing = assertInstanceOf(Redemption.Rejected.class, store.redeem(null));
        assertTrue(missing.reason().contains("no challengePassword"), missing.reason());
    }

    @Test
    void challengesAreDistinctAndTheTtlMustBePositive() {
        assertNotEquals(store.mint(null), store.mint(null));
        var e = assertThrows(IllegalArgumentException.class, () -> new ChallengeStore(now::get, new Random(), Duration.ZERO));
        assertEquals("ttl: PT0S (expected: > 0)", e.getMessage());
    }

    @Test
    void oldChallengesAreForgottenButTheStoreKeepsWorking() {
        store.mint(null);
        now.set(now.get().plus(Duration.ofHours(2)));
        String c = store.mint(null);
        assertEquals(1, store.liveCount());
        assertInstanceOf(Redemption.Accepted.class, store.redeem(c));
    }

    @Test
    void aFloodOfOverTheAirChallengesKeepsOnlyTheLatestAndLeavesAdeOnesAlone() {
        String ade = store.mint("UDID-ADE");
        String first = store.mint(null);
        String second = store.mint(null);
        for (int i = 0; i < ChallengeStore.MAX_OVER_THE_AIR - 1; i++) {
            store.mint(null);
        }
        assertEquals(ChallengeStore.MAX_OVER_THE_AIR + 1, store.liveCount(), "the ADE one and the latest OTA ones");
        var dropped = assertInstanceOf(Redemption.Rejected.class, store.redeem(first));
        assertTrue(dropped.reason().contains("already used"), dropped.reason());
        assertInstanceOf(Redemption.Accepted.class, store.redeem(second));
        assertEquals("UDID-ADE", assertInstanceOf(Redemption.Accepted.class, store.redeem(ade)).udid());
    }
}
