package io.mdmsim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.mdmsim.scenarios.CliRun;
import static io.mdmsim.scenarios.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code mdmsim mdm policy|vpp|alerts}: help, a usage error for each bad use (exit 2), and a real round trip. */
class MdmPolicyCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOWHERE = "http://127.0.0.1:9";

    @ParameterizedTest
    @ValueSource(strings = {"policy", "policy show", "policy set", "vpp", "vpp list", "vpp add", "vpp set",
            "vpp delete", "alerts"})
    void everySubcommandHasHelp(String command) {
        String[] words = ("mdm " + command + " --help").split(" ");
        CliRun r = run(words);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: mdmsim mdm " + command), r.out());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "mdm policy|missing subcommand (expected: one of show, set)",
            "mdm policy show|Missing required option: '--mdm=URL'",
            "mdm policy set --mdm " + NOWHERE + "|nothing to change (expected: at least one of --ios",
            "mdm policy set --mdm " + NOWHERE + " --ios maybe|--ios: maybe (expected: allowed or blocked)",
            "mdm policy set --mdm " + NOWHERE + " --ipados no|--ipados: no (expected: allowed or blocked)",
            "mdm policy set --mdm " + NOWHERE + " --personally-owned off|--personally-owned: off (expected: allowed or"
                    + " blocked)",
            "mdm policy set --mdm " + NOWHERE + " --user-licenses -1|--user-licenses: -1 (expected: a whole number"
                    + " >= 0 or unlimited)",
            "mdm policy set --mdm " + NOWHERE + " --device-licenses lots|--device-licenses: lots (expected: a whole"
                    + " number >= 0 or unlimited)",
            "mdm policy set --mdm " + NOWHERE + " --colour red|Unknown options: '--colour', 'red'",
            "mdm vpp|missing subcommand (expected: one of list, add, set, delete)",
            "mdm vpp list|Missing required option: '--mdm=URL'",
            "mdm vpp add --mdm " + NOWHERE + " Apps --licenses 5|Missing required option: '--expiry=DATE'",
            "mdm vpp add --mdm " + NOWHERE + " --expiry 2027-01-01 --licenses 5|Missing required parameter: 'NAME'",
            "mdm vpp add --mdm " + NOWHERE + " Apps --expiry soon --licenses 5|--expiry: soon (expected: a date such"
                    + " as 2027-06-30",
            "mdm vpp add --mdm " + NOWHERE + " Apps --expiry 2027-01-01 --licenses -1|--licenses: -1 (expected: a"
                    + " whole number >= 0)",
            "mdm vpp add --mdm " + NOWHERE + " Apps --expiry 2027-01-01 --licenses many|Invalid value for option"
                    + " '--licenses'",
            "mdm vpp set --mdm " + NOWHERE + " Apps|nothing to change (expected: at least one of --expiry, --licenses,"
                    + " --organization)",
            "mdm vpp set --mdm " + NOWHERE + " Apps --expiry tomorrow|--expiry: tomorrow (expected:",
            "mdm vpp delete --mdm " + NOWHERE + "|Missing required parameter: 'NAME'",
            "mdm alerts|Missing required option: '--mdm=URL'",
            "mdm alerts --mdm " + NOWHERE + " extra|Unmatched argument at index 4: 'extra'",
    })
    void usageErrorsExit2WithWhatWasWrong(String args, String expected) {
        CliRun r = run(args.split(" "));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void roundTripAgainstARunningMdm() throws Exception {
        Instant t0 = Instant.parse("2026-03-02T09:00:00Z");
        ManualClock clock = SimClock.manual(t0);
        SimPki pki = SimPki.create(t0.minus(Duration.ofDays(1)));
        try (MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(3).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).apnsUrl(null).build())) {
            String url = mdm.baseUri().toString();
            io.mdmsim.core.testing.AdminTokens.register(mdm.baseUri(), mdm.adminToken());
            CliRun set = run("mdm", "policy", "set", "--mdm", url, "--ios", "blocked", "--personally-owned", "blocked",
                    "--corporate-serials", "C02XK1ZZJG5J,F9FXK2", "--add-imei", "351234567890123",
                    "--user-licenses", "10", "--device-licenses", "unlimited");
            assertEquals(0, set.exit(), set.err());
            JsonNode p = JSON.readTree(run("mdm", "policy", "show", "--mdm", url).out());
            assertEquals("blocked", p.path("deviceTypeRestrictions").path("ios").asText());
            assertEquals("blocked", p.path("deviceTypeRestrictions").path("personallyOwned").asText());
            assertEquals("[\"C02XK1ZZJG5J\",\"F9FXK2\"]", p.path("corporateIdentifiers").path("serials").toString());
            assertEquals(10, p.path("userLicenses").path("total").asInt());

            CliRun bad = run("mdm", "policy", "set", "--mdm", url, "--add-serial", "not a serial");
            assertEquals(1, bad.exit(), "the server's 400 is a runtime refusal");
            assertTrue(bad.err().contains("answered 400") && bad.err().contains("corporateIdentifiers.addSerials[0]"),
                    bad.err());

            CliRun add = run("mdm", "vpp", "add", "--mdm", url, "Apps", "--expiry", "2026-03-20", "--licenses", "5",
                    "--organization", "Example");
            assertEquals(0, add.exit(), add.err());
            assertEquals(5, JSON.readTree(add.out()).path("companyPortalLicenses").path("available").asInt());
            assertEquals("Apps", JSON.readTree(run("mdm", "vpp", "list", "--mdm", url).out()).path(0).path("name")
                    .asText());
            CliRun again = run("mdm", "vpp", "add", "--mdm", url, "Apps", "--expiry", "2026-03-20", "--licenses", "5");
            assertEquals(1, again.exit());
            assertTrue(again.err().contains("409") && again.err().contains("already exists"), again.err());

            CliRun alerts = run("mdm", "alerts", "--mdm", url);
            assertEquals(0, alerts.exit(), alerts.err());
            assertTrue(alerts.out().contains("vpp.token-expiring") && alerts.out().contains("vpp.licenses-low"),
                    alerts.out());
            assertEquals(0, run("mdm", "vpp", "set", "--mdm", url, "Apps", "--expiry", "2027-03-20", "--licenses",
                    "500").exit());
            assertTrue(run("mdm", "alerts", "--mdm", url).out().startsWith("no alerts (at 2026-03-02T09:00:00Z)"));

            CliRun deleted = run("mdm", "vpp", "delete", "--mdm", url, "Apps");
            assertEquals(0, deleted.exit(), deleted.err());
            CliRun missing = run("mdm", "vpp", "delete", "--mdm", url, "Apps");
            assertEquals(1, missing.exit());
            assertTrue(missing.err().contains("answered 404") && missing.err().contains("VPP token Apps is unknown"),
                    missing.err());
        }
    }
}
