package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdmsim.core.testing.ExternalTools;
import io.mdmsim.core.testing.GoldenFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MDM commands as golden plists, both directions: the builders write the file, parsing the file gives them back, and
 * the parsed command writes the file again.
 */
class CommandGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/golden/commands");
    private static final byte[] PROFILE = "<plist version=\"1.0\"><dict/></plist>".getBytes(StandardCharsets.UTF_8);

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("deviceinformation", Commands.deviceInformation("0000-1",
                        List.of("DeviceName", "OSVersion", "SerialNumber"))),
                Arguments.of("installprofile", Commands.installProfile("0000-2", PROFILE)),
                Arguments.of("removeprofile", Commands.removeProfile("0000-3", "io.mdmsim.wifi")),
                Arguments.of("devicelock", Commands.deviceLock("0000-4", "Lost", "+1 555 0100", "123456")),
                Arguments.of("erasedevice", Commands.eraseDevice("0000-5",
                        new Commands.EraseOptions("123456", true, true, null))),
                Arguments.of("settings", Commands.settings("0000-6", List.of(
                        new Commands.Setting("DeviceName", Map.of("DeviceName", "iPhone 42"))))),
                Arguments.of("installapplication", Commands.installApplication("0000-7",
                        new Commands.AppInstall(719171358L, null, null, 1, 1, null, true, false))),
                Arguments.of("deviceconfigured", Commands.deviceConfigured("0000-8")),
                Arguments.of("declarativemanagement", Commands.declarativeManagement("0000-9",
                        "{\"SyncTokens\":{}}".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void theBuilderWritesTheGoldenPlistAndParsingItGivesTheCommandBack(String name, Command built) {
        Path file = DIR.resolve(name + ".plist");
        GoldenFiles.assertWritten(file, built.toXml());
        Command read = Command.parse(GoldenFiles.read(file));
        assertEquals(built.commandUuid(), read.commandUuid());
        assertEquals(built.requestType(), read.requestType());
        assertEquals(built.command(), read.command());
        assertEquals(new String(GoldenFiles.read(file), StandardCharsets.UTF_8),
                new String(read.toXml(), StandardCharsets.UTF_8), "the command read from " + file + " written again");
        // cross-check last (the gate may skip): libplist reads the golden file and writes the same command back
        Path plistutil = ExternalTools.plistutil();
        ExternalTools.Result bin = ExternalTools.run(GoldenFiles.read(file), plistutil, "-i", "-", "-o", "-", "-f", "bin");
        assertEquals(built.command(), Command.parse(bin.stdout()).command(), "libplist's binary of " + file);
    }
}
