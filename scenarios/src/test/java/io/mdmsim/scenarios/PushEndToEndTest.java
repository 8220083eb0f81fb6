package io.mdmsim.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Stage;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/fake-abm.md "Fake APNs" end to end: the fake APNs (TLS from the simulator PKI), our MDM pushing through it, and virtual
 * devices holding one push stream: a command queued on the MDM reaches an idle device only through a push.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PushEndToEndTest {

    @Test
    void aCommandQueuedOnTheMdmWakesTheIdleDeviceThroughTheFakeApns() throws Exception {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now());
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(21).deviceCount(3).clock(clock)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).apnsTls(pki.tlsServer())
                .build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(21).scepCa(pki.scepCa().identity())
                     .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofSeconds(2))
                     .apnsUrl(abm.apnsUri()).apnsTrustAnchors(List.of(pki.root().certificate())).build())) {
            AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
            AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());
            ManagedFleet.provision(abm, abmAdmin, mdmAdmin, "push", 3);
            Set<String> managed = ConcurrentHashMap.newKeySet();
            FleetConfig config = ManagedFleet.config(abm, abmAdmin, pki, clock, 21, managed);
            CompletableFuture<FleetResult> run = new CompletableFuture<>();
            Thread fleet = Thread.ofVirtual().start(() -> run.complete(DeviceFleet.run(config)));
            await().atMost(Duration.ofSeconds(60)).until(() -> managed.size() == 3);

            String udid = managed.iterator().next();
            JsonNode before = abmAdmin.getJson("/admin/apns/stats");
            String uuid = mdmAdmin.postJson("/admin/devices/" + udid + "/commands",
                    Map.of("requestType", "DeviceInformation", "Queries", List.of("SerialNumber", "PushToken")))
                    .path("commandUuid").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (JsonNode c : mdmAdmin.getJson("/admin/devices/" + udid + "/commands")) {
                    if (c.path("commandUuid").asText().equals(uuid)) {
                        return c.path("state").asText().equals("ACKNOWLEDGED");
                    }
                }
                return false;
            });
            JsonNode after = abmAdmin.getJson("/admin/apns/stats");
            assertTrue(after.path("delivered").asLong() > before.path("delivered").asLong(),
                    "the device was woken by a push: " + before + " -> " + after);

            fleet.interrupt(); // ends the devices' managed life
            FleetResult r = run.get(60, TimeUnit.SECONDS);
            assertTrue(r.allEnrolled(), r.summary());
            assertEquals(3, r.devices().stream().filter(d -> d.stageDurations().containsKey(Stage.MANAGED)).count());
        }
    }
}
