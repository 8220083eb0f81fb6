package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/mdm-endpoint.md "The seeds' rules, one by one", enrollment blockers that the device side shows: a SCEP challenge
 * older than 15 minutes ("The SCEP server returned an invalid response"; a retry within 15 minutes succeeds, later
 * needs a factory reset) and a device that was activated before it was assigned (must be wiped first). Fake ABM,
 * reference MDM and virtual devices over HTTP; the ManualClock jumps to the next sleeper so the 16 minutes pass in
 * milliseconds.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EnrollmentBlockersE2eTest {

    /** Closes the test's world after it. */
    @RegisterExtension
    final E2eWorldExtension worlds = new E2eWorldExtension();
    /** The servers of the running test; null until the test (or its setup) starts them. */
    E2eWorld world;

    private static final String SERIAL = "F2LXB0000001";
    @BeforeEach
    void start() throws Exception {
        world = worlds.start(new E2eWorld(0));
        world.importDevices(SERIAL + ",iPhone15,2,17.5,21F90");
        String token = world.addToken("blockers", true);
        assertEquals(1, world.depDevices(token).size());
    }

    private DeviceResult run(Behaviour behaviour) throws Exception {
        FleetResult r = Fleets.runDriving(world, Fleets.config(world, List.of(Fleets.spec(world.abmDevice(SERIAL))))
                .behaviour(behaviour).build(), Duration.ofHours(1));
        assertEquals(1, r.devices().size());
        return r.devices().getFirst();
    }

    @Test
    void scepSixteenMinutesAfterTheProfileIsAnInvalidResponse() throws Exception {
        DeviceResult d = run(Behaviour.builder().scepDelay(1.0, Duration.ofMinutes(16)).build());
        assertEquals(Stage.SCEP, d.stage(), d.toString());
        assertTrue(d.outcome() != Outcome.ENROLLED, d.toString());
        assertTrue(d.reason().startsWith("The SCEP server returned an invalid response"), d.reason());
        JsonNode refusal = scepFailure();
        assertNotNull(refusal, "the MDM logged the refused SCEP request");
        assertTrue(refusal.toString().contains("challenge expired"), refusal.toString());
        assertNull(world.mdmDevice(SERIAL), "nothing enrolled");
    }

    @Test
    void aRetryWithinFifteenMinutesSucceeds() throws Exception {
        DeviceResult d = run(Behaviour.builder().scepDelay(1.0, Duration.ofMinutes(16))
                .scepRetry(1.0, Duration.ofMinutes(10)).build());
        assertEquals(Outcome.ENROLLED, d.outcome(), d.toString());
        assertNotNull(scepFailure(), "the first SCEP request was refused");
        JsonNode device = world.mdmDevice(SERIAL);
        assertNotNull(device);
        assertManaged();
        // 16 minutes of waiting + 10 before the retry, all on the simulated clock
        assertTrue(!world.clock.now().isBefore(E2eWorld.T0.plus(Duration.ofMinutes(26))), world.clock.now().toString());
    }

    @Test
    void aRetryLaterThanFifteenMinutesNeedsAFactoryReset() throws Exception {
        DeviceResult d = run(Behaviour.builder().scepDelay(1.0, Duration.ofMinutes(16))
                .scepRetry(1.0, Duration.ofMinutes(20)).build());
        assertEquals(Outcome.NEEDS_WIPE, d.outcome(), d.toString());
        assertTrue(d.reason().startsWith("The SCEP server returned an invalid response"), d.reason());
        assertTrue(d.reason().contains("needs a factory reset"), d.reason());
        assertNull(world.mdmDevice(SERIAL));
    }

    @Test
    void afterTheFactoryResetTheDeviceEnrolls() throws Exception {
        DeviceResult d = run(Behaviour.builder().scepDelay(1.0, Duration.ofMinutes(16))
                .scepRetry(1.0, Duration.ofMinutes(20)).wipeWhenNeeded(true).build());
        assertEquals(Outcome.ENROLLED, d.outcome(), d.toString());
        assertManaged();
    }

    @Test
    void aDeviceActivatedBeforeItWasAssignedMustBeWipedFirst() throws Exception {
        DeviceResult d = run(Behaviour.builder().activatedShare(1.0).build());
        assertEquals(Outcome.NEEDS_WIPE, d.outcome(), d.toString());
        assertTrue(d.reason().startsWith("A device that's been activated needs to be wiped before it can enroll"),
                d.reason());
        assertNull(world.mdmDevice(SERIAL), "it never reached the MDM");
    }

    @Test
    void anActivatedDeviceEnrollsOnceItIsWiped() throws Exception {
        DeviceResult d = run(Behaviour.builder().activatedShare(1.0).wipeWhenNeeded(true).build());
        assertEquals(Outcome.ENROLLED, d.outcome(), d.toString());
        assertManaged();
    }

    private void assertManaged() {
        JsonNode device = world.mdmDevice(SERIAL);
        assertNotNull(device, "the MDM knows " + SERIAL);
        assertTrue(List.of("ENROLLED", "CONFIGURED").contains(device.path("enrollmentState").asText()),
                device.toString());
    }

    private JsonNode scepFailure() throws Exception {
        HttpResponse<String> r = world.mdm("GET", "/admin/events?limit=10000");
        for (String line : r.body().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = E2eWorld.JSON.readTree(line);
            if (e.toString().contains("\"scep\"") && e.toString().contains("FAILURE")) {
                return e;
            }
        }
        return null;
    }
}
