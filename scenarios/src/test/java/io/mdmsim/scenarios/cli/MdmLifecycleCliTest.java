package io.mdmsim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.mdmsim.scenarios.CliRun;
import static io.mdmsim.scenarios.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code mdm profile edit} and {@code mdm devices}: help, and every bad usage answered with exit 2 and what was expected. */
class MdmLifecycleCliTest {

    @ParameterizedTest
    @ValueSource(strings = {"profile edit", "devices", "devices list", "devices show", "devices wipe", "devices retire"})
    void everyLifecycleCommandHasHelp(String command) {
        String[] words = ("mdm " + command + " --help").split(" ");
        CliRun r = run(words);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: mdmsim mdm " + command), r.out());
    }

    @Test
    void profileEditHelpNamesTheSettingsAndWhatReachesEnrolledDevices() {
        CliRun r = run("mdm", "profile", "edit", "--help");
        assertTrue(r.out().contains("deviceNameTemplate") && r.out().contains("cellularDataPlanUrl"), r.out());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("only the device name template"), r.out());
    }

    @Test
    void profileEditNeedsExactlyOneOfSetAndFile() {
        CliRun none = run("mdm", "profile", "edit", "--mdm", "http://127.0.0.1:1", "T", "U");
        assertEquals(Main.EXIT_USAGE, none.exit());
        assertTrue(none.err().contains("give either --set KEY=VALUE (one or more) or --file FILE"), none.err());
        CliRun both = run("mdm", "profile", "edit", "--mdm", "http://127.0.0.1:1", "T", "U", "--set", "name=x",
                "--file", "p.json");
        assertEquals(Main.EXIT_USAGE, both.exit());
        assertTrue(both.err().contains("expected: exactly one of them"), both.err());
    }

    @Test
    void profileEditRefusesAnUnknownSettingOrAMalformedSet() {
        CliRun unknown = run("mdm", "profile", "edit", "--mdm", "http://127.0.0.1:1", "T", "U", "--set", "nme=x");
        assertEquals(Main.EXIT_USAGE, unknown.exit());
        assertTrue(unknown.err().contains("--set: unknown setting nme (expected one of: name, description"), unknown.err());
        CliRun malformed = run("mdm", "profile", "edit", "--mdm", "http://127.0.0.1:1", "T", "U", "--set", "name");
        assertEquals(Main.EXIT_USAGE, malformed.exit());
        assertTrue(malformed.err().contains("--set: name (expected: KEY=VALUE"), malformed.err());
    }

    @Test
    void profileEditNeedsTheMdmTokenAndUuid() {
        CliRun noMdm = run("mdm", "profile", "edit", "T", "U", "--set", "name=x");
        assertEquals(Main.EXIT_USAGE, noMdm.exit());
        assertTrue(noMdm.err().contains("Missing required option: '--mdm=URL'"), noMdm.err());
        CliRun noUuid = run("mdm", "profile", "edit", "--mdm", "http://127.0.0.1:1", "T", "--set", "name=x");
        assertEquals(Main.EXIT_USAGE, noUuid.exit());
        assertTrue(noUuid.err().contains("UUID"), noUuid.err());
    }

    @Test
    void setValuesAreJsonWhenTheyAreJsonElseStrings() {
        assertEquals("true", MdmLifecycleCommands.ProfileEdit.value("true").toString());
        assertEquals("300", MdmLifecycleCommands.ProfileEdit.value("300").toString());
        assertEquals("[\"Siri\",\"Location\"]", MdmLifecycleCommands.ProfileEdit.value("[\"Siri\",\"Location\"]")
                .toString());
        assertEquals("\"{{SERIAL}}\"", MdmLifecycleCommands.ProfileEdit.value("{{SERIAL}}").toString());
        assertEquals("\"555 0100\"", MdmLifecycleCommands.ProfileEdit.value("555 0100").toString());
        assertEquals("\"+1 555 0100\"", MdmLifecycleCommands.ProfileEdit.value("+1 555 0100").toString());
        assertEquals("\"https://esim.example.com/p\"", MdmLifecycleCommands.ProfileEdit.value(
                "https://esim.example.com/p").toString());
    }

    @Test
    void unreadableFileIsBadUsage() {
        CliRun r = run("mdm", "profile", "edit", "--mdm", "http://127.0.0.1:1", "T", "U", "--file", "/nonexistent.json");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--file: cannot read /nonexistent.json"), r.err());
    }

    @Test
    void profileCreateStillNeedsTokenAndFile() {
        CliRun r = run("mdm", "profile", "--mdm", "http://127.0.0.1:1", "T");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("Missing required parameters: TOKEN FILE"), r.err());
        CliRun noMdm = run("mdm", "profile", "T", "p.json");
        assertEquals(Main.EXIT_USAGE, noMdm.exit());
        assertTrue(noMdm.err().contains("Missing required option: '--mdm=URL'"), noMdm.err());
    }

    @Test
    void devicesNeedsASubcommandAndTheUdid() {
        CliRun none = run("mdm", "devices");
        assertEquals(Main.EXIT_USAGE, none.exit());
        assertTrue(none.err().contains("Missing a subcommand (expected: list, show, wipe or retire)"), none.err());
        CliRun noUdid = run("mdm", "devices", "wipe", "--mdm", "http://127.0.0.1:1");
        assertEquals(Main.EXIT_USAGE, noUdid.exit());
        assertTrue(noUdid.err().contains("Missing required parameter: 'UDID'"), noUdid.err());
        CliRun unknown = run("mdm", "devices", "erase", "--mdm", "http://127.0.0.1:1", "X");
        assertEquals(Main.EXIT_USAGE, unknown.exit());
    }

    @Test
    void anUnreachableMdmIsExit70WithTheCause() {
        CliRun r = run("mdm", "devices", "retire", "--mdm", "http://127.0.0.1:1", "X");
        assertEquals(Main.EXIT_RUNTIME, r.exit());
        assertTrue(r.err().contains("MDM /admin/devices/X/retire failed: cannot connect to 127.0.0.1:1 (is the server running there?)"), r.err());
    }
}
