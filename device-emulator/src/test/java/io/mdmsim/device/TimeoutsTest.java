package io.mdmsim.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs always end: a device stuck in a stage ends TIMED_OUT at that stage with the last answer it got, the run's
 * deadline ends a device wherever it is, and the user's own pauses do not count against a stage.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimeoutsTest {

    /** The clock, the fake Apple and MDM, the PKI: fresh for each test, closed after it. */
    @RegisterExtension
    final DeviceTestWorld world = new DeviceTestWorld(START);

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");

    private FleetConfig.Builder config(String serial) {
        return FleetConfig.builder()
                .cloudConfigUrl(world.fake().cloudConfigUrl())
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .devices(List.of(new DeviceSpec(serial, "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90")))
                .seed(7)
                .clock(world.clock())
                .idlePollInterval(Duration.ofMinutes(1))
                .maxIdlePolls(10_000)
                .keySource(TestKeys.SHARED);
    }

    /** Runs the fleet, moving the manual world.clock() a minute whenever every device waits on it. */
    private DeviceResult drive(FleetConfig config) throws Exception {
        CompletableFuture<FleetResult> run = CompletableFuture.supplyAsync(() -> DeviceFleet.run(config));
        while (!run.isDone()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> run.isDone() || world.clock().sleepers() > 0);
            if (!run.isDone()) {
                world.clock().advance(Duration.ofMinutes(1));
            }
        }
        return run.get(30, TimeUnit.SECONDS).devices().getFirst();
    }

    @Test
    void aDeviceStuckAwaitingConfigurationTimesOutThereWithTheLastAnswer() throws Exception {
        world.fake().holdDeviceConfigured = true; // the MDM never releases the device
        DeviceResult r = drive(config("F2LXK0PQT001").stageTimeout(Stage.AWAITING_CONFIGURATION,
                Duration.ofMinutes(5)).build());
        assertEquals(Outcome.TIMED_OUT, r.outcome(), r.toString());
        assertEquals(Stage.AWAITING_CONFIGURATION, r.stage());
        assertEquals("no progress within the AWAITING_CONFIGURATION timeout of 5m; last answer: PUT " + world.fake().base()
                + "/mdm/connect answered 200 with an empty body", r.reason());
        assertEquals(r.device() + ": TIMED_OUT at AWAITING_CONFIGURATION: " + r.reason(), r.toString());
        assertTrue(world.clock().now().isBefore(START.plus(Duration.ofMinutes(10))), "it ended at the timeout: " + world.clock().now());
    }

    @Test
    void theRunsDeadlineEndsADeviceWhereverItIs() throws Exception {
        world.fake().holdDeviceConfigured = true;
        DeviceResult r = drive(config("F2LXK0PQT002").deadline(Duration.ofMinutes(3)).build());
        assertEquals(Outcome.TIMED_OUT, r.outcome(), r.toString());
        assertEquals(Stage.AWAITING_CONFIGURATION, r.stage());
        assertTrue(r.reason().startsWith("the run's deadline of 3m passed; last answer: PUT " + world.fake().base()
                + "/mdm/connect answered 200"), r.reason());
        assertEquals(Duration.ofMinutes(3), r.total());
    }

    @Test
    void theUsersOwnPausesDoNotCountAgainstAStage() throws Exception {
        // a user who waits 20 minutes before SCEP, against the 15-minute SCEP timeout (the world.fake()'s challenges last)
        DeviceResult r = drive(config("F2LXK0PQT003")
                .behaviour(Behaviour.builder().scepDelay(1, Duration.ofMinutes(20)).build()).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertTrue(r.stageDurations().get(Stage.SCEP).compareTo(Duration.ofMinutes(20)) >= 0, r.toString());
    }

    @Test
    void timeoutsSayWhatIsExpected() {
        assertEquals("deadline: PT0S (expected: > 0, or none)", assertThrows(IllegalArgumentException.class,
                () -> Timeouts.DEFAULT.withDeadline(Duration.ZERO)).getMessage());
        assertEquals("stageTimeout: SCEP=PT-1M (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> Timeouts.DEFAULT.withStage(Stage.SCEP, Duration.ofMinutes(-1))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Timeouts.DEFAULT.withStage(Stage.MANAGED, Duration.ofMinutes(1))).getMessage()
                .startsWith("stageTimeout: MANAGED (expected: a stage before MANAGED"));
        assertEquals(Timeouts.SCEP_CHALLENGE_WINDOW, Timeouts.DEFAULT.stage(Stage.SCEP));
        assertEquals(null, Timeouts.DEFAULT.deadline());
    }
}
