package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on {@code mdmsim devices}, as a user presses it: a real process gets SIGINT while its devices wait, prints
 * the summary with the devices that had not finished, writes their traces and exits 130.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevicesInterruptTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigintPrintsTheSummaryWritesTheUnfinishedTracesAndExits130() throws Exception {
        Path pkiDir = dir.resolve("pki");
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.loadOrCreate(pkiDir, clock.now());
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(8).deviceCount(2).clock(clock)
                     .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(8).scepCa(pki.scepCa().identity())
                     .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri())
                     .build())) {
            io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
            io.mdmsim.core.testing.AdminTokens.register(mdm.baseUri(), mdm.adminToken());
            LoopbackWorld.assignAllAndSync(abm.baseUri(), mdm.baseUri(), "mdm", 2);
            AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());

            Path traces = dir.resolve("traces");
            // every user waits an hour before SCEP: the devices are still running when Ctrl-C comes
            try (MdmsimProcess devices = MdmsimProcess.start(dir, "devices", "devices", "--abm",
                    abm.baseUri().toString(), "--admin-token", abm.adminToken(), "--pki-dir", pkiDir.toString(),
                    "--scep-delay-share", "1",
                    "--scep-delay", "1h", "--trace-dir", traces.toString())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> mdmAdmin.getText("/admin/events?after=0").lines()
                        .filter(e -> e.contains("\"type\":\"enroll\"")).count() == 2);
                devices.signal("INT");
                assertEquals(130, devices.waitFor(Duration.ofSeconds(60)), devices.out() + devices.err());
                String out = devices.out();
                assertTrue(out.contains("0 of 2 enrolled"), out);
                assertTrue(out.contains("INTERRUPTED"), out);
                assertTrue(out.contains(": INTERRUPTED at "), out);
                assertTrue(out.contains("stopped by Ctrl-C or SIGTERM: 2 devices had not finished, their traces are in "
                        + traces + "; exit 130"), out);
                try (var files = Files.list(traces)) {
                    List<Path> written = files.toList();
                    assertEquals(2, written.size(), written.toString());
                    for (Path trace : written) {
                        List<String> lines = Files.readAllLines(trace);
                        JsonNode result = JSON.readTree(lines.getLast());
                        assertEquals("result", result.path("type").asText(), trace.toString());
                        assertEquals("INTERRUPTED", result.path("outcome").asText(), lines.getLast());
                        assertEquals(0, result.path("droppedLines").asInt());
                    }
                }
            }
        }
    }
}
