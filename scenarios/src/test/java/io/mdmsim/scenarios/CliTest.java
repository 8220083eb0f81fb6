package io.mdmsim.scenarios;

import io.mdmsim.scenarios.cli.Main;
import static io.mdmsim.scenarios.CliRun.run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user meets it: help everywhere, and bad usage answered with exit 2 and what was expected. */
class CliTest {

    @Test
    void topLevelHelpListsEveryCommandWithWhatItDoes() {
        CliRun r = run("--help");
        assertEquals(0, r.exit());
        for (String cmd : new String[] {"quickstart", "abm", "mdm", "devices", "bench", "version"}) {
            assertTrue(r.out().contains(cmd), "help lists " + cmd + ":\n" + r.out());
        }
        assertTrue(r.out().contains("Exit codes"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"quickstart", "abm", "mdm", "devices", "bench", "version"})
    void everyCommandHasHelpSayingWhatItDoes(String command) {
        CliRun r = run(command, "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: mdmsim " + command), r.out());
        String[] lines = r.out().split("\n");
        assertTrue(lines.length > 2 && lines[1].strip().length() > 20,
                "the line after Usage describes the command:\n" + r.out());
    }

    @Test
    void noCommandIsBadUsage() {
        CliRun r = run();
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("Missing a command"), r.err());
    }

    @Test
    void unknownOptionIsBadUsage() {
        CliRun r = run("quickstart", "--devcies", "3");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("'--devcies'") && r.err().contains("possible solutions: --devices"), r.err());
    }

    @Test
    void outOfRangeDeviceCountSaysWhatWasExpected() {
        CliRun r = run("quickstart", "--devices", "0");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--devices: 0 (expected: 1..10000)"), r.err());
    }

    @Test
    void notANumberIsBadUsage() {
        CliRun r = run("quickstart", "--devices", "ten");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("'ten' is not an int"), r.err());
    }

    @Test
    void devicesNeedsTheAbmUrl() {
        CliRun r = run("devices");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("Missing required option: '--abm=URL'"), r.err());
    }

    @Test
    void versionNamesTheJavaRuntime() {
        CliRun r = run("version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("mdmsim "), r.out());
        assertTrue(r.out().contains("Java " + Runtime.version().feature()), r.out());
    }
}
