package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetResultTest {

    private static DeviceResult enrolled(int i, long scepMillis) {
        Map<Stage, Duration> d = new LinkedHashMap<>();
        d.put(Stage.CLOUD_CONFIG, Duration.ofMillis(10));
        d.put(Stage.SCEP, Duration.ofMillis(scepMillis));
        return new DeviceResult(new DeviceRef(i, "S" + i, "u" + i), Outcome.ENROLLED, Stage.DONE, null, d,
                Duration.ofMillis(10 + scepMillis));
    }

    @Test
    void countsOutcomesAndComputesNearestRankPercentiles() {
        List<DeviceResult> all = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            all.add(enrolled(i, i));
        }
        all.add(new DeviceResult(new DeviceRef(101, "S101", "u101"), Outcome.NOT_ASSIGNED, Stage.CLOUD_CONFIG,
                "not assigned", Map.of(), Duration.ZERO));
        FleetResult r = new FleetResult(all, Duration.ofSeconds(3));

        assertEquals(100, r.count(Outcome.ENROLLED));
        assertEquals(1, r.count(Outcome.NOT_ASSIGNED));
        assertEquals(0, r.count(Outcome.FAILED));
        assertFalse(r.allEnrolled());
        assertEquals(1, r.failures().size());

        StageStats scep = r.stages().get(Stage.SCEP);
        assertEquals(100, scep.count());
        assertEquals(Duration.ofMillis(1), scep.min());
        assertEquals(Duration.ofMillis(50), scep.p50());
        assertEquals(Duration.ofMillis(95), scep.p95());
        assertEquals(Duration.ofMillis(99), scep.p99());
        assertEquals(Duration.ofMillis(100), scep.max());
        assertEquals(Duration.ofNanos(50_500_000), scep.mean());
        assertEquals(100, r.stages().get(Stage.CLOUD_CONFIG).count());
        assertFalse(r.stages().containsKey(Stage.MACHINE_INFO));
        assertTrue(r.summary().contains("100 ENROLLED, 1 NOT_ASSIGNED, 0 NEEDS_WIPE, 0 FAILED"), r.summary());
        assertTrue(r.summary().contains("NOT_ASSIGNED at CLOUD_CONFIG: not assigned"), r.summary());
    }

    @Test
    void resultReasonMustMatchOutcome() {
        DeviceRef ref = new DeviceRef(0, "S", "u");
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> new DeviceResult(ref, Outcome.FAILED, Stage.SCEP, null, Map.of(), Duration.ZERO));
        assertTrue(a.getMessage().contains("expected: a readable reason for outcome FAILED"), a.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceResult(ref, Outcome.ENROLLED, Stage.DONE, "why", Map.of(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> StageStats.of(Stage.SCEP, List.of()));
    }

    @Test
    void managementCountsTheEndStateAndTheSummaryMentionsUnmanagedAndLockedDevices() {
        DeviceRef a = new DeviceRef(0, "A", "ua");
        DeviceRef b = new DeviceRef(1, "B", "ub");
        DeviceRef c = new DeviceRef(2, "C", "uc");
        DeviceRef d = new DeviceRef(3, "D", "ud");
        FleetResult r = new FleetResult(List.of(
                new DeviceResult(a, Outcome.ENROLLED, Stage.DONE, null, Map.of(), Duration.ZERO,
                        new DeviceResult.Management(true, true, true, "com.microsoft.CompanyPortal",
                                DeviceResult.Unenrollment.NONE, 1)),
                new DeviceResult(b, Outcome.ENROLLED, Stage.DONE, null, Map.of(), Duration.ZERO,
                        new DeviceResult.Management(false, true, false, null, DeviceResult.Unenrollment.RETIRED, 1)),
                new DeviceResult(c, Outcome.ENROLLED, Stage.DONE, null, Map.of(), Duration.ZERO,
                        new DeviceResult.Management(false, false, false, null,
                                DeviceResult.Unenrollment.REMOVED_BY_USER, 1)),
                new DeviceResult(d, Outcome.FAILED, Stage.SCEP, "no", Map.of(), Duration.ZERO)), Duration.ZERO);
        assertEquals(Map.of("managed", 1, "unmanaged", 2, "supervised", 2, "singleAppMode", 1, "RETIRED", 1,
                "REMOVED_BY_USER", 1, "refusedWhileManaged", 0), r.management());
        assertTrue(r.summary().contains("; 2 unmanaged at the end (1 retired, 1 removed by the user), 1 still in Single"
                + " App Mode"), r.summary());
        assertThrows(IllegalArgumentException.class, () -> new DeviceResult.Management(true, true, true, null,
                DeviceResult.Unenrollment.NONE, 1));
        assertThrows(NullPointerException.class, () -> new DeviceResult(a, Outcome.ENROLLED, Stage.DONE, null,
                Map.of(), Duration.ZERO, null));
    }
}
