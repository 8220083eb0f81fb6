package io.mdmsim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.scenarios.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mdmsim devices}' enrollment-policy knobs (issue 6): help text and bad usage, before any I/O. */
class DevicesPolicyOptionsTest {

    private static final String URL = "http://127.0.0.1:1";

    private record Run(int exit, String out, String err) { }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void assertUsage(String expected, String... args) {
        Run r = run(args);
        assertEquals(Main.EXIT_USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
    }

    @Test
    void helpExplainsThePolicyKnobs() {
        Run r = run("devices", "--help");
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
        assertUsage("'soon' is not a duration (expected: e.g. 16m, 90s, 250ms, 1h30m or PT16M)", "devices", "--abm",
                URL, "--remove-management-after", "soon");
        assertUsage("--remove-management-after: PT-24H (expected: >= 0)", "devices", "--abm", URL,
                "--remove-management-after", "P-1D");
        assertUsage("--second-factor-elsewhere-share: 2.0 (expected: a share 0..1)", "devices", "--abm", URL,
                "--second-factor-elsewhere-share", "2");
        assertUsage("Invalid value for option '--configurator-share'", "devices", "--abm", URL,
                "--configurator-share", "many");
    }
}
