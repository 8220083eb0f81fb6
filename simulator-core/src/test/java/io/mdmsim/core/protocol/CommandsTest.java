package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import io.mdmsim.core.protocol.Commands.AppInstall;
import io.mdmsim.core.protocol.Commands.EraseOptions;
import io.mdmsim.core.protocol.Commands.Setting;
import io.mdmsim.core.testing.AppleSchemas;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every typed builder's output against Apple's YAML for its RequestType: required keys, types, ranges. */
class CommandsTest {

    private static final String U = "6C2A7B1E-0D3F-4E5A-9B8C-7D6E5F4A3B2C";
    private static final byte[] PROFILE = "<plist><dict/></plist>".getBytes(StandardCharsets.UTF_8);

    /** Each builder, in its minimal and its fullest form. */
    static Stream<Arguments> builders() {
        return Stream.of(
                of("DeviceInformation minimal", Commands.deviceInformation(U, List.of("UDID"))),
                of("DeviceInformation attestation", Commands.deviceInformation(U, List.of("DevicePropertiesAttestation"),
                        new byte[] {1, 2, 3})),
                of("SecurityInfo", Commands.securityInfo(U)),
                of("ProfileList minimal", Commands.profileList(U)),
                of("ProfileList managed only", Commands.profileList(U, true)),
                of("InstallProfile", Commands.installProfile(U, PROFILE)),
                of("RemoveProfile", Commands.removeProfile(U, "com.example.wifi")),
                of("InstalledApplicationList minimal", Commands.installedApplicationList(U)),
                of("InstalledApplicationList filtered", Commands.installedApplicationList(U,
                        List.of("com.apple.Pages"), true)),
                of("InstallApplication store", Commands.installApplication(U, AppInstall.storeApp(361309726L))),
                of("InstallApplication bundle, all options", Commands.installApplication(U,
                        AppInstall.bundle("com.example.app").withManagementFlags(5).withPurchaseMethod(1)
                                .withConfiguration(Map.of("serverURL", "https://example.com", "level", 3))
                                .withInstallAsManaged(true).withRemovable(false))),
                of("InstallApplication enterprise", Commands.installApplication(U,
                        AppInstall.enterprise("https://apps.example.com/app.plist").withManagementFlags(1))),
                of("RemoveApplication", Commands.removeApplication(U, "com.example.app")),
                of("Settings, many items", Commands.settings(U, List.of(Setting.deviceName("Anna's iPhone"),
                        Setting.bluetooth(false), Setting.dataRoaming(true), Setting.voiceRoaming(false),
                        Setting.personalHotspot(true), Setting.diagnosticSubmission(false), Setting.appAnalytics(false),
                        Setting.timeZone("Europe/Berlin"), Setting.hostName("anna-iphone"),
                        Setting.wallpaper(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 3),
                        Setting.applicationConfiguration("com.example.app", Map.of("k", "v")),
                        Setting.softwareUpdateRecommendationCadence(2),
                        Setting.of("MaximumResidentUsers", Map.of("MaximumResidentUsers", 4))))),
                of("DeviceConfigured", Commands.deviceConfigured(U)),
                of("UserConfigured", Commands.userConfigured(U)),
                of("DeviceLock minimal", Commands.deviceLock(U)),
                of("DeviceLock all", Commands.deviceLock(U, "Please return me", "+1 555 0100", "123456")),
                of("RestartDevice minimal", Commands.restartDevice(U)),
                of("RestartDevice notify", Commands.restartDevice(U, true)),
                of("EraseDevice minimal", Commands.eraseDevice(U)),
                of("EraseDevice all", Commands.eraseDevice(U, new EraseOptions("654321", true, true, "Always"))),
                of("DeclarativeManagement minimal", Commands.declarativeManagement(U)),
                of("DeclarativeManagement data", Commands.declarativeManagement(U,
                        "{\"SyncTokens\":{\"DeclarationsToken\":\"t\"}}".getBytes(StandardCharsets.UTF_8))));
    }

    private static Arguments of(String name, Command c) {
        return Arguments.of(name, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builders")
    void fitsApplesYaml(String name, Command c) {
        AppleSchemas.Schema schema = AppleSchemas.command(c.requestType());
        assertEquals(List.of(), problems(schema, c.command()), name + " against " + schema.file().getFileName());
        assertEquals(c, Command.parse(c.toXml()), "round trip through XML");
        assertEquals(U, c.commandUuid());
    }

    @Test
    void everyTypedRequestTypeHasABuilderSampleAndAYaml() {
        Set<String> sampled = new LinkedHashSet<>();
        builders().forEach(a -> sampled.add(((Command) a.get()[1]).requestType()));
        assertEquals(new LinkedHashSet<>(Commands.TYPED), sampled);
        for (String rt : Commands.TYPED) {
            AppleSchemas.command(rt);
        }
    }

    @Test
    void settingItemsKeepTheirKeysInOrder() {
        Command c = Commands.settings(U, List.of(Setting.wallpaper(new byte[] {7}, 1), Setting.deviceName("x")));
        NSArray items = (NSArray) c.get("Settings");
        NSDictionary first = (NSDictionary) items.objectAtIndex(0);
        assertEquals(List.of("Item", "Image", "Where"), List.of(first.allKeys()));
        assertArrayEquals(new byte[] {7}, ((NSData) first.get("Image")).bytes());
        assertEquals(new NSString("DeviceName"), ((NSDictionary) items.objectAtIndex(1)).get("Item"));
    }

    @Test
    void theCheckCatchesWhatIsWrong() {
        Command badSetting = Commands.settings(U, List.of(Setting.of("Bluetooth", Map.of("Enabled", "yes")),
                Setting.of("Teleport", Map.of())));
        assertEquals(List.of("Settings[0].Enabled: <string> (expected: <boolean>)",
                "Settings[1].Item: \"Teleport\" is not a setting of settings.yaml"),
                problems(AppleSchemas.command("Settings"), badSetting.command()));
        Command noPayload = Commands.raw(U, "InstallProfile", Map.of("Payload", "text"));
        assertEquals(List.of("Payload: <string> (expected: <data>)"),
                problems(AppleSchemas.command("InstallProfile"), noPayload.command()));
        Command missing = Commands.raw(U, "RemoveProfile", Map.of());
        assertEquals(List.of("Identifier is missing (expected: <string>)"),
                problems(AppleSchemas.command("RemoveProfile"), missing.command()));
    }

    @Test
    void badArgumentsSayWhatWasExpected() {
        assertEquals("pin: \"12\" (expected: six digits)", assertThrows(IllegalArgumentException.class,
                () -> Commands.deviceLock(U, null, null, "12")).getMessage());
        assertEquals("InstallApplication has 2 sources (expected: exactly one of iTunesStoreID, Identifier,"
                + " ManifestURL)", assertThrows(IllegalArgumentException.class,
                        () -> new AppInstall(1L, "com.x", null, null, null, null, null, null)).getMessage());
        assertEquals("managementFlags: 2 (expected: 1, 4 or 5)", assertThrows(IllegalArgumentException.class,
                () -> AppInstall.storeApp(1).withManagementFlags(2)).getMessage());
        assertEquals("settings: empty (expected: at least one Setting)", assertThrows(IllegalArgumentException.class,
                () -> Commands.settings(U, List.of())).getMessage());
        assertEquals("where: 4 (expected: 1, 2 or 3)", assertThrows(IllegalArgumentException.class,
                () -> Setting.wallpaper(new byte[1], 4)).getMessage());
        assertEquals("identifier: blank (expected: a non-empty string)", assertThrows(IllegalArgumentException.class,
                () -> Commands.removeProfile(U, " ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EraseOptions(null, null, null, "Never"))
                .getMessage().startsWith("obliterationBehavior: Never"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Commands.installProfile(U, new byte[0]))
                .getMessage().startsWith("profile: empty"));
    }

    static List<String> problems(AppleSchemas.Schema schema, NSDictionary command) {
        return CommandSchemas.problems(schema, command);
    }
}
