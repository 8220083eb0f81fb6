package io.mdmsim.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import static io.mdmsim.scenarios.CliRun.run;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mdmsim devices}: population flags and knobs, bad usage, and a run against a fake ABM and our MDM. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevicesCommandTest {

    @TempDir
    static Path pkiDir;
    private static FakeAbmServer abm;
    private static MdmServer mdm;

    @BeforeAll
    static void startServersAndAssignEveryDevice() {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.loadOrCreate(pkiDir, clock.now());
        abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(5).deviceCount(30).clock(clock)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).build());
        mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(5).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofSeconds(2)).build());
        io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
        AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
        io.mdmsim.core.testing.AdminTokens.register(mdm.baseUri(), mdm.adminToken());
        AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "cli", "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "cli", "all", true));
        byte[] token = abmAdmin.postForBytes("/admin/mdm-servers/cli/token");
        mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + URLEncoder.encode("a@example.com", StandardCharsets.UTF_8)
                + "&depUrl=" + URLEncoder.encode(abm.baseUri().toString(), StandardCharsets.UTF_8), token,
                "application/pkcs7-mime");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= 30;
        });
    }

    @AfterAll
    static void stopServers() {
        if (mdm != null) {
            mdm.close();
        }
        if (abm != null) {
            abm.close();
        }
    }

    @Test
    void aPopulationOfTheInventoryEnrollsWithItsKnobs() {
        CliRun r = run("devices", "--abm", abm.baseUri().toString(), "--pki-dir", pkiDir.toString(), "--count", "4",
                "--models", "iPhone", "--os", "18.1", "--seed", "3", "--latency", "5ms", "--not-now",
                "DeviceInformation=0.5", "--reset-rate", "0.1", "--network-retries", "10",
                "--idle-poll-interval", "1s"); // after a NotNow the device polls again 1s later (default 30s)
        assertEquals(Main.EXIT_OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("mdmsim devices: 4 devices from " + abm.baseUri() + " (4 iPhone; OS 18.x 4)"),
                r.out());
        assertTrue(r.out().contains("4 of 4 enrolled"), r.out());
        for (String stage : new String[] {"power-on", "language-region", "activation", "remote-management",
                "remaining-panes", "home-screen"}) {
            assertTrue(r.out().contains(stage), "summary names stage " + stage + ":\n" + r.out());
        }
    }

    @Test
    void devicesThatWereSetUpBeforeNeedAWipeAndExitOne() {
        CliRun r = run("devices", "--abm", abm.baseUri().toString(), "--pki-dir", pkiDir.toString(), "--count", "2",
                "--activated-share", "1");
        assertEquals(Main.EXIT_EXPECTATION_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("NEEDS_WIPE"), r.out());
        assertTrue(r.out().contains("A device that's been activated needs to be wiped"), r.out());
    }

    @Test
    void aPopulationNoAssignedDeviceFitsSaysSo() {
        // iPads that ran iOS 11 (5th and 6th generation, Pro 10.5) are in the catalog but not among these 30 devices
        CliRun r = run("devices", "--abm", abm.baseUri().toString(), "--pki-dir", pkiDir.toString(), "--models", "iPad",
                "--os", "11");
        assertEquals(Main.EXIT_EXPECTATION_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("none of the 30 assigned devices fits --models iPad and --os 11"), r.out());
    }

    @Test
    void badPopulationOptionsAreBadUsageWithWhatWasExpected() {
        String url = "http://127.0.0.1:1";
        assertUsage("--ipad-share: 1.5 (expected: a share 0..1)", "devices", "--abm", url, "--ipad-share", "1.5");
        assertUsage("--os: 19 matches no release in the catalog", "devices", "--abm", url, "--os", "19");
        assertUsage("--models: Pixel matches no model in the catalog", "devices", "--abm", url, "--models", "Pixel");
        assertUsage("no model among [iPhone 16] runs any release among [15]", "devices", "--abm", url, "--models",
                "iPhone 16", "--os", "15");
        assertUsage("--count: 0 (expected: 1 or more)", "devices", "--abm", url, "--count", "0");
    }

    @Test
    void aMissingProfileFileOrABadProfileUrlIsBadUsage() {
        assertUsage("--profile: /no/such/enroll.mobileconfig is not a readable file", "devices", "--profile",
                "/no/such/enroll.mobileconfig");
        assertUsage("--profile: http:///x (expected: an http(s) URL with a host", "devices", "--profile", "http:///x");
        assertUsage("Missing required option: '--abm=URL'", "devices", "--count", "1");
    }

    @Test
    void badKnobsAreBadUsageWithWhatWasExpected() {
        String url = "http://127.0.0.1:1";
        assertUsage("'16x' is not a duration (expected: a duration such as 250ms, 30s, 16m, 1h30m or 7d)", "devices", "--abm",
                url, "--scep-delay", "16x");
        assertUsage("'1 minute' is not a duration (expected: a duration such as 250ms, 30s, 16m, 1h30m or 7d)",
                "devices", "--abm", url, "--idle-poll-interval", "1 minute");
        assertUsage("--scep-delay-share: 2.0 (expected: a share 0..1)", "devices", "--abm", url,
                "--scep-delay-share", "2");
        assertUsage("--drop-rate + --reset-rate: 1.1 (expected: < 1, or no exchange would ever get through)",
                "devices", "--abm", url, "--drop-rate", "0.6", "--reset-rate", "0.5");
        assertUsage("--not-now: InstallApplication (expected: RequestType=share, e.g. InstallApplication=0.3)",
                "devices", "--abm", url, "--not-now", "InstallApplication");
        assertUsage("--error-rate: ProfileList=2 (expected: a share 0..1 after '=')", "devices", "--abm", url,
                "--error-rate", "ProfileList=2");
        assertUsage("--not-now + --error-rate: 1.5 (expected: <= 1)", "devices", "--abm", url, "--not-now",
                "ProfileList=0.7", "--error-rate", "ProfileList=0.8");
        assertUsage("--clock: x0 (expected: wall or xN with 0 < N <= 1000000, such as x60)", "devices", "--abm", url,
                "--clock", "x0");
        assertUsage("--clock: manual (expected: wall or xN; mdmsim devices has no admin API to move a manual clock)",
                "devices", "--abm", url, "--clock", "manual");
        assertUsage("--user-domain: nodomain (expected: a domain such as example.com)", "devices", "--abm", url,
                "--user-domain", "nodomain");
    }

    @Test
    void helpListsThePopulationAndKnobOptions() {
        CliRun r = run("devices", "--help");
        assertEquals(0, r.exit());
        for (String option : new String[] {"--count", "--models", "--os", "--ipad-share", "--scep-delay-share",
                "--scep-delay", "--latency", "--drop-rate", "--seed", "--not-now", "--dwell-scale", "--reboot-share"}) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
    }

    private static void assertUsage(String expected, String... args) {
        CliRun r = run(args);
        assertEquals(Main.EXIT_USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
    }
}
