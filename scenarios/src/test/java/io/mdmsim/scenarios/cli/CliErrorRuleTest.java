package io.mdmsim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.CliRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one error rule of the command line, a case each: bad usage or an unreadable input file exits 2, a server that
 * cannot be reached or started exits 70, an unmet expectation exits 1; each is one line on stderr that names the
 * option, never a Java field.
 */
class CliErrorRuleTest {

    @TempDir
    Path dir;

    private static void oneLine(CliRun r) {
        assertTrue(r.err().endsWith("\n"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no Java in:\n" + r.err());
    }

    private static CliRun usage(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(Main.EXIT_USAGE, r.exit(), r.out() + r.err());
        oneLine(r);
        return r;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // nothing listens once it is closed
        }
    }

    @Test
    void aUrlThatIsNotOneIsBadUsageInEveryCommand() {
        CliRun devices = usage("devices", "--abm", "notaurl");
        assertTrue(devices.err().startsWith("mdmsim devices: Invalid value for option '--abm': 'notaurl' is not an"
                + " http or https URL (expected: e.g. http://127.0.0.1:8400)"), devices.err());
        CliRun tokens = usage("mdm", "tokens", "--mdm", "notaurl");
        assertTrue(tokens.err().contains("'--mdm': 'notaurl' is not an http or https URL"), tokens.err());
        CliRun apns = usage("mdm", "--apns-url", "ftp://x", "--pki-dir", dir.toString());
        assertTrue(apns.err().contains("'--apns-url': 'ftp://x' is not an http or https URL"), apns.err());
    }

    @Test
    void anInputFileThatCannotBeReadIsBadUsageNamingTheOption() {
        Path missing = dir.resolve("missing.p7m");
        CliRun add = usage("mdm", "tokens", "add", "--mdm", "http://127.0.0.1:1", "--apple-id", "a@example.com",
                "--p7m", missing.toString());
        assertTrue(add.err().contains("--p7m: cannot read " + missing + " (no such file)"), add.err());
        CliRun profile = usage("mdm", "profile", "--mdm", "http://127.0.0.1:1", "T", missing.toString());
        assertTrue(profile.err().contains("FILE: cannot read " + missing + " (no such file)"), profile.err());
        CliRun cert = usage("abm", "--mdm-cert", missing.toString(), "--pki-dir", dir.toString());
        assertTrue(cert.err().contains("--mdm-cert: cannot read " + missing + " (no such file)"), cert.err());
        CliRun replay = usage("devices", "replay", missing.toString());
        assertTrue(replay.err().contains("TRACE: " + missing), replay.err());
    }

    @Test
    void aServerThatCannotBeReachedExits70() throws IOException {
        int port = closedPort();
        CliRun tokens = CliRun.run("mdm", "tokens", "--mdm", "http://127.0.0.1:" + port);
        assertEquals(Main.EXIT_RUNTIME, tokens.exit(), tokens.err());
        oneLine(tokens);
        assertTrue(tokens.err().contains("cannot connect to 127.0.0.1:" + port + " (is the server running there?)"),
                tokens.err());
        CliRun devices = CliRun.run("devices", "--abm", "http://127.0.0.1:" + port, "--pki-dir", dir.toString());
        assertEquals(Main.EXIT_RUNTIME, devices.exit(), devices.err());
        oneLine(devices);
        assertTrue(devices.err().contains("cannot connect to 127.0.0.1:" + port), devices.err());
    }

    @Test
    void aServerThatCannotStartExits70() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.run("mdm", "--port", String.valueOf(taken.getLocalPort()), "--pki-dir",
                    dir.toString());
            assertEquals(Main.EXIT_RUNTIME, r.exit(), r.err());
            oneLine(r);
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
        }
    }

    @Test
    void anUnmetExpectationExits1() throws Exception {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now().minus(Duration.ofDays(1)));
        try (MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).scepCa(pki.scepCa().identity())
                .build())) {
            CliRun r = CliRun.run("mdm", "sync", "--mdm", mdm.baseUri().toString(), "--admin-token", mdm.adminToken(),
                    "no-such-token");
            assertEquals(Main.EXIT_EXPECTATION_FAILED, r.exit(), r.out() + r.err());
            oneLine(r);
            assertTrue(r.err().contains("answered 404"), r.err());
        }
    }

    @Test
    void aConfigurationRefusalNamesTheOptionNotTheJavaField() {
        CliRun minOs = usage("mdm", "--min-os", "x", "--pki-dir", dir.toString());
        assertTrue(minOs.err().startsWith("mdmsim mdm: --min-os: x (expected: a version such as 17.2)"),
                minOs.err());
        CliRun apple = usage("mdm", "--apns-url", "https://api.push.apple.com", "--pki-dir", dir.toString());
        assertTrue(apple.err().contains("--apns-url: https://api.push.apple.com is Apple's APNs, which accepts only"
                + " the MDM push certificate (expected: --apns-cert, or the fake APNs' URL)"), apple.err());
        assertFalse(apple.err().contains("apnsUrl") || apple.err().contains("apnsClientIdentity"), apple.err());
        CliRun share = usage("devices", "--abm", "http://127.0.0.1:1", "--drop-rate", "0.7", "--reset-rate",
                "0.7");
        assertTrue(share.err().contains("--drop-rate + --reset-rate"), share.err());
    }

    @Test
    void anOptionThatNeedsAnotherIsNotSilentlyIgnored() {
        CliRun port = usage("mdm", "--https-port", "8443", "--pki-dir", dir.toString());
        assertTrue(port.err().startsWith("mdmsim mdm: --https-port needs --https; see 'mdmsim mdm --help'"),
                port.err());
        CliRun cert = usage("mdm", "--apns-cert", "push.pem", "--pki-dir", dir.toString());
        assertTrue(cert.err().contains("--apns-cert needs --apns-url"), cert.err());
        CliRun unsigned = usage("mdm", "--https", "--no-sign-message", "--pki-dir", dir.toString());
        assertTrue(unsigned.err().contains("--no-sign-message needs --https --client-certs (without Mdm-Signature a"
                + " device is known only by its TLS client certificate)"), unsigned.err());
    }

    @Test
    void anUnknownOptionIsOneLineWithItsSuggestions() {
        CliRun r = usage("quickstart", "--devcies", "3");
        assertTrue(r.err().contains("'--devcies'") && r.err().contains("possible solutions: --devices"), r.err());
    }

    @Test
    void everyCommandIsSummedUpInAWholeSentence() {
        List<String> fragments = new ArrayList<>();
        collect(Main.commandLine(), fragments);
        assertEquals(List.of(), fragments, "the first description line of these commands is not a whole sentence");
    }

    private static void collect(CommandLine cl, List<String> fragments) {
        CommandSpec spec = cl.getCommandSpec();
        String[] description = spec.usageMessage().description();
        String first = description.length > 0 ? description[0] : "";
        if (!spec.name().equals("help") && !(first.endsWith(".") || first.endsWith(":"))) {
            fragments.add(spec.qualifiedName() + ": " + first);
        }
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, fragments));
    }

    @Test
    void optionNamesReplaceTheJavaNamesAMessageStartsWith() {
        CommandSpec mdm = Main.commandLine().getSubcommands().get("mdm").getCommandSpec();
        assertEquals("--min-build: 22C152 without --min-os (expected: both)", Cli.optionNames(mdm,
                "minimumBuildVersion: 22C152 without minimumOsVersion (expected: both)"));
        assertEquals("unknownField: x", Cli.optionNames(mdm, "unknownField: x"));
        assertEquals("plain words: x", Cli.optionNames(mdm, "plain words: x"));
    }

    @Test
    void aHelperReadsAnInputFileOrRefusesItWithTheOption() throws IOException {
        Path file = Files.writeString(dir.resolve("in.json"), "{}");
        CommandSpec spec = Main.commandLine().getCommandSpec();
        assertEquals("{}", Cli.readInputText(spec, "--file", file));
        CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(
                CommandLine.ParameterException.class, () -> Cli.readInput(spec, "--file", dir));
        assertTrue(e.getMessage().startsWith("--file: cannot read " + dir + " ("), e.getMessage());
    }
}
