package io.mdmsim.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.file.ScenarioFiles;
import io.mdmsim.scenarios.model.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manual clock's driver always ends: at the deadline, or when a device neither acts nor waits on the clock. */
class ManualDriverTest {

    @TempDir
    Path dir;

    private ActionRunner noActions(SimClock clock, Instant start) throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "clock: manual\npopulations: [{name: p, count: 1}]\n");
        Scenario scenario = ScenarioFiles.read(f);
        return new ActionRunner(scenario, null, clock, start, Map.of(), Map.of(), line -> { });
    }

    @Test
    void aDeviceThatNeitherActsNorWaitsOnTheClockEndsTheRunAsStalled() throws IOException {
        ManualClock clock = SimClock.manual(ScenarioRunner.MANUAL_START);
        Instant start = clock.now();
        Activity activity = new Activity();
        // powered on, then blocked on something that is not the clock: no event, no sleep, ever
        activity.stageEntered(new DeviceRef(0, "F2LXK0PQHG7F", "00008120-000A1B2C3D4E5F60"), Stage.POWER_ON);
        ManualDriver driver = new ManualDriver(clock, new CountingClock(clock), activity, noActions(clock, start),
                start.plus(Duration.ofHours(1)), start, List.of(Duration.ZERO), 1, Duration.ofMillis(300));
        assertEquals(ScenarioRunner.End.STALLED, driver.drive());
        assertEquals(start, clock.now(), "the clock did not move under a device in the middle of a step");
    }

    @Test
    void aDeviceAsleepOnTheClockIsWokenAtEachWaitUntilTheDeadline() throws Exception {
        ManualClock clock = SimClock.manual(ScenarioRunner.MANUAL_START);
        Instant start = clock.now();
        Activity activity = new Activity();
        CountingClock devices = new CountingClock(clock);
        activity.stageEntered(new DeviceRef(0, "F2LXK0PQHG7F", "00008120-000A1B2C3D4E5F60"), Stage.POWER_ON);
        Thread polling = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    devices.sleep(Duration.ofMinutes(10)); // a device that polls forever
                }
            } catch (InterruptedException e) {
                // the run ended
            }
        });
        try {
            ManualDriver driver = new ManualDriver(clock, devices, activity, noActions(clock, start),
                    start.plus(Duration.ofHours(1)), start, List.of(Duration.ZERO), 1, Duration.ofSeconds(30));
            assertEquals(ScenarioRunner.End.DEADLINE, driver.drive());
            assertEquals(start.plus(Duration.ofHours(1)), clock.now());
        } finally {
            polling.interrupt();
            polling.join();
        }
    }
}
