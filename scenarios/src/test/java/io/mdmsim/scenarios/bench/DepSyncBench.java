package io.mdmsim.scenarios.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test: the reference MDM's first full sync of a token with N devices from the fake ABM paced at
 * Apple's 3,000 devices a minute, on a scaled clock, with the progress the admin API reports. Runs only with
 * {@code -Dmdmsim.bench.depSync=true}; {@code -Dmdmsim.bench.devices} (default 200000) and
 * {@code -Dmdmsim.bench.scale} (default 300), {@code -Dmdmsim.bench.deltaSeconds} (simulated seconds between delta
 * syncs, default 60: ABM makes assigned devices visible at its pace, so the first full fetch gets part of them and
 * delta syncs the rest). See /work/coord/bench-mgmt.md.
 */
class DepSyncBench {

    @Test
    void depSync() {
        assumeTrue(Boolean.getBoolean("mdmsim.bench.depSync"), "benchmark; run with -Dmdmsim.bench.depSync=true");
        main(new String[0]);
    }

    public static void main(String[] args) {
        int devices = Integer.getInteger("mdmsim.bench.devices", 200_000);
        double scale = Double.parseDouble(System.getProperty("mdmsim.bench.scale", "300"));
        SimClock clock = SimClock.scaled(scale);
        SimPki pki = SimPki.create(clock.now());
        long genStart = System.nanoTime();
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(1).deviceCount(devices).clock(clock)
                .devicesPerMinute(3000).appleDeviceCa(pki.appleDeviceCa().certificate()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(1).scepCa(pki.scepCa().identity())
                     .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri())
                     .depSyncInterval(Duration.ofSeconds(Long.getLong("mdmsim.bench.deltaSeconds", 60))).build())) {
            System.out.printf("fake ABM with %d devices ready in %.1f s (real)%n", devices,
                    (System.nanoTime() - genStart) / 1e9);
            AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri());
            AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri());
            abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "bench", "certificatePem",
                    mdmAdmin.getText("/admin/dep/public-key")));
            abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "bench", "all", true));
            byte[] p7m = abmAdmin.getBytes("/admin/mdm-servers/bench/token");
            Instant simStart = clock.now();
            long realStart = System.nanoTime();
            mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + URLEncoder.encode("bench@example.com",
                    StandardCharsets.UTF_8) + "&depUrl=" + URLEncoder.encode(abm.baseUri().toString(),
                    StandardCharsets.UTF_8), p7m, "application/pkcs7-mime");
            JsonNode t;
            while (true) {
                t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
                String state = t.path("syncState").asText();
                Duration sim = Duration.between(simStart, clock.now());
                System.out.printf("sim +%3d min  state %-7s received %6d  devices %6d  assigned %6d%n",
                        sim.toMinutes(), state, t.path("progress").path("devicesReceived").asInt(),
                        t.path("devices").asInt(), t.path("assigned").asInt());
                // ABM releases the assignments at its pace; the first full fetch gets what is visible, the delta
                // syncs the rest: done when every device is in and assigned
                if (state.equals("FAILED") || (state.equals("SYNCED") && t.path("assigned").asInt() >= devices)) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
            }
            Duration sim = Duration.between(simStart, Instant.parse(t.path("lastSyncAt").asText()));
            System.out.printf("syncs: %d (1 full + deltas every %d s simulated)%n", t.path("syncs").asInt(),
                    Long.getLong("mdmsim.bench.deltaSeconds", 60));
            System.out.printf("RESULT %s: %d devices, %d assigned, %.1f simulated minutes (%.0f devices/min),"
                    + " %.1f s real (clock x%.0f)%n", t.path("syncState").asText(), t.path("devices").asInt(),
                    t.path("assigned").asInt(), sim.toSeconds() / 60.0,
                    t.path("devices").asInt() / Math.max(1e-9, sim.toSeconds() / 60.0),
                    (System.nanoTime() - realStart) / 1e9, scale);
        }
    }
}
