package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.LoopbackWorld;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DEP side of a run, from the fake ABM's metrics, with our MDM syncing from it on loopback. */
class DepFiguresTest {

    @Test
    void theRecorderGetsDevicesMadeVisibleAndFetchedPerMdmServer() throws Exception {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now());
        RunRecorder recorder = RunRecorder.builder().clock(clock).interval(Duration.ofMinutes(1)).build();
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(3).deviceCount(12).clock(clock)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(3)
                     .scepCa(pki.scepCa().identity()).trustedDeviceCas(List.of(pki.appleDeviceCa().certificate()))
                     .depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofHours(1)).build())) {
            LoopbackWorld.assignAllAndSync(abm.baseUri(), mdm.baseUri(), "MDM east", 12);
            DepFigures.fetchAndRecord(abm.baseUri(), null, recorder);
        }
        RunReport report = recorder.snapshot();
        RunReport.DepTotals east = report.dep("MDM east").orElseThrow();
        assertEquals(12, east.visible(), "all 12 assigned devices made visible at once (no pace)");
        assertTrue(east.fetched() >= 12, "the MDM fetched every device: " + east);
        assertEquals(12, report.timeseries().stream()
                .mapToLong(i -> i.dep().containsKey("MDM east") ? i.dep().get("MDM east").visible() : 0).sum());
    }

    @Test
    void aMalformedAnswerIsRefusedWithWhatWasExpected() throws Exception {
        ObjectMapper json = new ObjectMapper();
        RunRecorder r = RunRecorder.builder().clock(SimClock.manual(SampleRun.T0)).build();
        var e = assertThrows(IllegalArgumentException.class,
                () -> DepFigures.record(json.readTree("{\"servers\": 3}"), r));
        assertEquals("DEP metrics: servers is NUMBER (expected: an array, as GET /admin/dep/metrics answers)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DepFigures.record(json.readTree(
                "{\"servers\": [{\"name\": \"S\", \"buckets\": [{\"start\": \"soon\", \"visible\": 1}]}]}"), r));
        assertEquals("DEP metrics: S: bucket start \"soon\" (expected: an ISO-8601 instant)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DepFigures.record(json.readTree(
                "{\"servers\": [{\"name\": \"S\", \"buckets\": [{\"start\": \"2025-03-01T09:00:00Z\","
                        + " \"visible\": -4, \"fetched\": 1}]}]}"), r));
        assertEquals("DEP metrics: S at 2025-03-01T09:00:00Z: visible -4, fetched 1 (expected: counts >= 0)",
                e.getMessage());
        assertEquals("/admin/dep/metrics?from=2025-03-01T09%3A00%3A00Z&step=PT1M", DepFigures.query(r));
    }
}
