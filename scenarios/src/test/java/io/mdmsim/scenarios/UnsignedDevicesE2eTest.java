package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Population;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Devices whose MDM payload says SignMessage false, against our MDM over HTTPS that asks for client certificates: each
 * device talks to the MDM on its own TLS connection presenting its SCEP identity, the MDM knows it by that certificate
 * alone, and commands pushed through the fake APNs are answered the same way.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnsignedDevicesE2eTest {

    @Test
    void devicesWithoutSignMessageEnrollAndAnswerCommandsOverTheirOwnTlsIdentity() throws Exception {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now());
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(31).deviceCount(0).clock(clock)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).apnsTls(pki.tlsServer()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(31)
                     .scepCa(pki.scepCa().identity()).trustedDeviceCas(List.of(pki.appleDeviceCa().certificate()))
                     .tls(pki.tlsServer()).requestClientCertificates(true).signMessage(false)
                     .apnsUrl(abm.apnsUri()).apnsTrustAnchors(List.of(pki.root().certificate())).build())) {
            AdminClient admin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());
            Set<String> managed = ConcurrentHashMap.newKeySet();
            FleetConfig config = FleetConfig.builder()
                    .enrollmentProfile(mdm.baseUri().resolve("/mdm/enroll"))
                    .appleDeviceCa(pki.appleDeviceCa().identity())
                    .devices(Population.of(3).devices(31))
                    .seed(31)
                    .clock(clock)
                    .keySource(KeySource.reusing(1))
                    .trustAnchors(List.of(pki.root().certificate()))
                    .apnsUrl(abm.apnsUri())
                    .lifetime(Duration.ofDays(1))
                    .listener(ManagedFleet.collecting(managed))
                    .build();
            CompletableFuture<FleetResult> run = new CompletableFuture<>();
            Thread fleet = Thread.ofVirtual().start(() -> run.complete(DeviceFleet.run(config)));
            await().atMost(Duration.ofSeconds(90)).until(() -> managed.size() == 3 || run.isDone());
            assertEquals(3, managed.size(), () -> run.isDone() ? run.join().summary() : "still running");

            for (String udid : managed) {
                String uuid = admin.postJson("/admin/devices/" + udid + "/commands",
                        Map.of("requestType", "DeviceInformation", "Queries", List.of("SerialNumber")))
                        .path("commandUuid").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> state(admin, udid, uuid).equals("ACKNOWLEDGED"));
            }

            fleet.interrupt(); // ends the devices' managed life
            FleetResult r = run.get(60, TimeUnit.SECONDS);
            assertTrue(r.allEnrolled(), r.summary());
        }
    }

    private static String state(AdminClient admin, String udid, String uuid) {
        for (JsonNode c : admin.getJson("/admin/devices/" + udid + "/commands")) {
            if (c.path("commandUuid").asText().equals(uuid)) {
                return c.path("state").asText();
            }
        }
        return "";
    }
}
