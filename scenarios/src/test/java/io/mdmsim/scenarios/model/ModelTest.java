package io.mdmsim.scenarios.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thresholds in k6's syntax, durations as people write them, and the load models' arrival times. */
class ModelTest {

    @Test
    void thresholdsParseAndCompareAsK6Does() {
        Threshold p95 = Threshold.parse("p(95) < 2s");
        assertEquals("p", p95.aggregate());
        assertEquals(95, p95.percentile());
        assertEquals(2000, p95.value());
        assertTrue(p95.test(1999));
        assertFalse(p95.test(2000));
        assertEquals("p(95)", p95.aggregateLabel());
        assertEquals(0.99, Threshold.parse("rate>=99%").value(), 1e-12);
        assertTrue(Threshold.parse("rate >= 0.99").test(0.99));
        assertTrue(Threshold.parse("count == 5").test(5));
        assertFalse(Threshold.parse("count != 5").test(5));
        assertEquals(200, Threshold.parse("avg < 200").value(), "a bare number on a time is milliseconds");
        assertEquals(90_000, Threshold.parse("max <= 1.5m").value());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Threshold.parse("p95 < 2"));
        assertEquals("threshold 'p95 < 2' (expected: " + Threshold.EXPECTED + ")", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Threshold.parse("p(0) < 2"));
        assertThrows(IllegalArgumentException.class, () -> Threshold.parse("p(101) < 2"));
    }

    @Test
    void durationsAsWrittenInScenarios() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(16), Durations.parse("16m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofMinutes(16), Durations.parse("PT16M"));
        for (String bad : List.of("", "16", "16x", "1h 30m", "m", "-5s")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
            assertEquals("'" + bad + "' is not a duration (expected: " + Durations.EXPECTED + ")", e.getMessage());
        }
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("7d", Durations.format(Duration.ofDays(7)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    void constantArrivalRateSpacesDevicesEvenlyAndStopsAtItsDuration() {
        LoadSpec rate = new LoadSpec.ConstantArrivalRate(3000, Duration.ofMinutes(1), null);
        List<Duration> a = rate.arrivals(4);
        assertEquals(List.of(Duration.ZERO, Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(60)), a);
        LoadSpec limited = new LoadSpec.ConstantArrivalRate(60, Duration.ofMinutes(1), Duration.ofSeconds(10));
        assertEquals(10, limited.arrivals(100).size(), "60 a minute for 10 s: 10 devices");
    }

    @Test
    void rampingArrivalRateFollowsItsStagesLinearly() {
        // 0 -> 60 a minute over 2 minutes (60 devices), then 60 a minute for a minute (60 more)
        LoadSpec ramp = new LoadSpec.RampingArrivalRate(0, Duration.ofMinutes(1), List.of(
                new LoadSpec.Stage(60, Duration.ofMinutes(2)), new LoadSpec.Stage(60, Duration.ofMinutes(1))));
        List<Duration> a = ramp.arrivals(1000);
        assertEquals(120, a.size(), "the area under the ramp");
        assertEquals(Duration.ZERO, a.getFirst());
        // during the ramp arrivals get denser: the 16th device (15 arrived) at sqrt(2*15*120/60) = 7.75 s...
        long gapEarly = a.get(2).minus(a.get(1)).toMillis();
        long gapLate = a.get(59).minus(a.get(58)).toMillis();
        assertTrue(gapEarly > gapLate, gapEarly + " ms then " + gapLate + " ms");
        // ...then one a second in the flat stage
        assertEquals(1000, a.get(100).minus(a.get(99)).toMillis(), 1);
        assertTrue(a.getLast().compareTo(Duration.ofMinutes(3)) < 0);
        for (int i = 1; i < a.size(); i++) {
            assertTrue(a.get(i).compareTo(a.get(i - 1)) >= 0, "in order");
        }
    }

    @Test
    void allAtOnceAndConstantDevicesStartEveryDeviceAtZero() {
        assertEquals(List.of(Duration.ZERO, Duration.ZERO), new LoadSpec.AllAtOnce().arrivals(2));
        assertEquals(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO), new LoadSpec.ConstantDevices(1).arrivals(3));
    }
}
