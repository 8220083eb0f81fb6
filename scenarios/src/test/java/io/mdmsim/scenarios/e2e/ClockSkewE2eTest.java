package io.mdmsim.scenarios.e2e;

import static io.mdmsim.scenarios.e2e.E2eWorld.T0;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parts on different clocks: the fake ABM refuses the MDM's OAuth timestamps (more than 5 minutes off), and the MDM
 * says so in one line that names the skew and what to do, then tries again later rather than at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClockSkewE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    @Test
    void aSkewedClockIsNamedAsSuchAndTheSyncBacksOff() {
        ManualClock mdmClock = SimClock.manual(T0.minus(Duration.ofHours(3)));
        world = worlds.start(new E2eWorld(SimClock.manual(T0), 11, 2, b -> { }, (abm, b) -> b.clock(mdmClock)
                .depSyncInterval(Duration.ofSeconds(15))));
        String token = world.addToken("Skewed MDM", true, n -> n.path("syncState").asText().equals("FAILED"));
        JsonNode t = world.token(token);
        assertEquals("DEP API " + world.abm.baseUri() + " refuses our OAuth timestamp: clock skew of 3 hours (its"
                + " clock says 2026-03-02T09:00:00Z, ours 2026-03-02T06:00:00Z; it accepts 5 minutes). Parts that talk"
                + " to each other must share a clock: start them with the same --clock", t.path("lastError").asText());
        assertEquals(1, t.path("failedRounds").asInt(), t.toString());

        // a 15-second interval would try again after 15 s; after a failure the next try waits a minute, then two
        mdmClock.advance(Duration.ofSeconds(30));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> world.token(token).path("failedRounds").asInt() == 1);
        mdmClock.advance(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> world.token(token).path("failedRounds").asInt() == 2);
        mdmClock.advance(Duration.ofSeconds(90));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> world.token(token).path("failedRounds").asInt() == 2);
        String last = world.token(token).path("lastError").asText();
        assertTrue(last.contains("clock skew of 2 hours 59 minutes (its clock says 2026-03-02T09:00:00Z, ours"
                + " 2026-03-02T06:01:00Z;"), "the second try came a minute after the first: " + last);
    }
}
