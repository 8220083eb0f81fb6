package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.protocol.TokenUpdate;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Over-the-air enrollment from a profile file or URL: no cloud configuration, no MachineInfo. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OtaEnrollmentTest {

    /** The clock, the fake Apple and MDM, the PKI: fresh for each test, closed after it. */
    @RegisterExtension
    final DeviceTestWorld world = new DeviceTestWorld(START);

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");
    private static final String CHALLENGE = "ota-static-challenge";
    @TempDir
    Path dir;

    @BeforeEach
    void startFake() {
        world.fake().staticChallenge = CHALLENGE;
    }

    private byte[] profile() throws IOException {
        String template;
        try (InputStream in = getClass().getResourceAsStream("/ota/enroll.mobileconfig")) {
            assertNotNull(in, "fixture ota/enroll.mobileconfig");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return template.replace("${PORT}", String.valueOf(world.fake().base().getPort()))
                .replace("${CHALLENGE}", CHALLENGE)
                .replace("${TOPIC}", FakeAppleAndMdm.TOPIC)
                .replace("${SCEP_CA}", Base64.getEncoder().encodeToString(Certificates.der(world.pki().scepCa().certificate())))
                .getBytes(StandardCharsets.UTF_8);
    }

    private FleetConfig config(URI profile) {
        return FleetConfig.builder()
                .enrollmentProfile(profile)
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .population(Population.of(3))
                .seed(5)
                .clock(world.clock())
                .concurrency(3)
                .idlePollInterval(Duration.ZERO)
                .keySource(TestKeys.SHARED)
                .build();
    }

    private void assertAllEnrolled(FleetResult r) {
        assertEquals(3, r.devices().size());
        for (DeviceResult d : r.devices()) {
            assertEquals(Outcome.ENROLLED, d.outcome(), d.toString());
            assertEquals(Stage.DONE, d.stage());
            assertTrue(!d.stageDurations().containsKey(Stage.CLOUD_CONFIG) && !d.stageDurations().containsKey(Stage.MACHINE_INFO),
                    d.stageDurations().toString());
        }
        List<TokenUpdate> updates = world.fake().tokenUpdates();
        assertEquals(3, updates.size());
        updates.forEach(t -> assertTrue(!t.awaitingConfiguration(), t.toString()));
    }

    @Test
    void aFleetEnrollsFromAProfileFile() throws Exception {
        Path file = Files.write(dir.resolve("enroll.mobileconfig"), profile());
        assertAllEnrolled(DeviceFleet.run(config(file.toUri())));
    }

    @Test
    void aFleetEnrollsFromAProfileUrl() throws Exception {
        world.fake().otaProfile = profile();
        assertAllEnrolled(DeviceFleet.run(config(URI.create(world.fake().base() + "/ota/profile"))));
    }

    @Test
    void theProfileDownloadCarriesAnIosUserAgentWithFamilyAndOsVersion() throws Exception {
        world.fake().otaProfile = profile();
        FleetResult r = DeviceFleet.run(FleetConfig.builder()
                .enrollmentProfile(URI.create(world.fake().base() + "/ota/profile"))
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .addDevice(new DeviceSpec("DMPXK0PQ0701", "iPad13,18", "iPad Pro test", "17.5", "21F90"))
                .addDevice(new DeviceSpec("F2LXK0PQ0702", "iPhone15,2", "iPhone 14 Pro test", "16.4.1", "20E252"))
                .seed(5)
                .clock(world.clock())
                .idlePollInterval(Duration.ZERO)
                .keySource(TestKeys.SHARED)
                .build());
        r.devices().forEach(d -> assertEquals(Outcome.ENROLLED, d.outcome(), d.toString()));
        List<String> agents = world.fake().otaUserAgents;
        assertTrue(agents.stream().anyMatch(a -> a.startsWith("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)")),
                agents.toString());
        assertTrue(agents.stream().anyMatch(a -> a.startsWith("Mozilla/5.0 (iPhone; CPU iPhone OS 16_4_1 like Mac OS X)")),
                agents.toString());
        assertTrue(agents.stream().noneMatch(a -> a.contains("Java")), agents.toString());
    }

    @Test
    void aProfileDownloadRefusedWith403IsAnInvalidProfileAtProfile() throws Exception {
        FleetResult r = DeviceFleet.run(FleetConfig.builder()
                .enrollmentProfile(URI.create(world.fake().base() + "/ota/blocked"))
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .addDevice(new DeviceSpec("DMPXK0PQ0701", "iPad13,18", "iPad Pro test", "17.5", "21F90"))
                .seed(5)
                .clock(world.clock())
                .keySource(TestKeys.SHARED)
                .build());
        DeviceResult d = r.devices().getFirst();
        assertEquals(Outcome.FAILED, d.outcome());
        assertEquals(Stage.PROFILE, d.stage());
        assertEquals("Invalid Profile: The configuration for your iPad could not be downloaded from 127.0.0.1: 403"
                + " io.mdmsim.enrollment.personal-blocked (personally owned iPads are blocked)", d.reason());
    }

    @Test
    void aGarbageProfileFailsAsInvalidProfile() throws Exception {
        Path file = Files.writeString(dir.resolve("garbage.mobileconfig"), "this is not a profile");
        FleetResult r = DeviceFleet.run(config(file.toUri()));
        for (DeviceResult d : r.devices()) {
            assertEquals(Outcome.FAILED, d.outcome(), d.toString());
            assertEquals(Stage.PROFILE, d.stage());
            assertTrue(d.reason().startsWith("Invalid Profile"), d.reason());
        }
    }
}
