package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.mdmsim.scenarios.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mdmsim devices}' enrollment-policy knobs (docs/mdm-endpoint.md "Enrollment policy"): help text and bad usage before any I/O, and a run where
 * users remove management in their provisional window against the fake ABM and the reference MDM.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevicesPolicyOptionsTest {

    private static final String URL = "http://127.0.0.1:1";

    private static void assertUsage(String expected, String... args) {
        CliRun r = run(args);
        assertEquals(Main.EXIT_USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
    }

    @Test
    void helpExplainsThePolicyKnobs() {
        CliRun r = run("devices", "--help");
        assertEquals(0, r.exit());
        for (String option : new String[] {"--configurator-share", "--remove-management-share",
                "--remove-management-after", "--reenroll-after-retire", "--second-factor-elsewhere-share"}) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("first 30 days after activation"), flat);
        assertTrue(flat.contains("multifactor authentication isn't supported"), flat);
    }

    @Test
    void badPolicyKnobsAreBadUsageWithWhatWasExpected() {
        assertUsage("--configurator-share: 1.5 (expected: a share 0..1)", "devices", "--abm", URL,
                "--configurator-share", "1.5");
        assertUsage("--remove-management-share: -1.0 (expected: a share 0..1)", "devices", "--abm", URL,
                "--remove-management-share", "-1");
        assertUsage("'soon' is not a duration (expected: a duration such as 250ms, 30s, 16m, 1h30m or 7d)", "devices", "--abm",
                URL, "--remove-management-after", "soon");
        assertUsage("--remove-management-after: PT-24H (expected: >= 0)", "devices", "--abm", URL,
                "--remove-management-after", "P-1D");
        assertUsage("--second-factor-elsewhere-share: 2.0 (expected: a share 0..1)", "devices", "--abm", URL,
                "--second-factor-elsewhere-share", "2");
        assertUsage("Invalid value for option '--configurator-share'", "devices", "--abm", URL,
                "--configurator-share", "many");
    }

    @Test
    void usersOfConfiguratorDevicesRemoveManagementInTheirProvisionalWindow(@TempDir Path pkiDir) {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.loadOrCreate(pkiDir, clock.now());
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(9).deviceCount(3).clock(clock)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(9).scepCa(pki.scepCa().identity())
                     .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofSeconds(2)).build())) {
            io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
            AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
            io.mdmsim.core.testing.AdminTokens.register(mdm.baseUri(), mdm.adminToken());
            AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());
            abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "pol", "certificatePem",
                    mdmAdmin.getText("/admin/dep/public-key")));
            abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "pol", "all", true));
            byte[] token = abmAdmin.postForBytes("/admin/mdm-servers/pol/token");
            mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + URLEncoder.encode("a@example.com",
                    StandardCharsets.UTF_8) + "&depUrl=" + URLEncoder.encode(abm.baseUri().toString(),
                    StandardCharsets.UTF_8), token, "application/pkcs7-mime");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
                return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= 3;
            });
            CliRun r = run("devices", "--abm", abm.baseUri().toString(), "--pki-dir", pkiDir.toString(), "--count", "2",
                    "--models", "iPhone", "--configurator-share", "1", "--remove-management-share", "1",
                    "--remove-management-after", "0s");
            assertEquals(Main.EXIT_OK, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("2 of 2 enrolled"), r.out());
            assertTrue(r.out().contains("management at the end: 0 managed, 2 unmanaged (0 retired, 2 removed by the"
                    + " user), 0 still in Single App Mode"), r.out());
        }
    }
}
