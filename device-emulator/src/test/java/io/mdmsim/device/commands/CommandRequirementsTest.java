package io.mdmsim.device.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.device.model.AccessRight;
import io.mdmsim.device.model.CloudConfiguration;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.ManagedState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The static tables the emulator carries instead of Apple's YAML, compared with the YAML; and the refusals. */
class CommandRequirementsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode ios(Path yaml) throws Exception {
        return YAML.readTree(yaml.toFile()).path("payload").path("supportedOS").path("iOS");
    }

    private static String introduced(JsonNode ios, String dflt) {
        String s = ios.path("introduced").asText("");
        return s.isEmpty() ? dflt : s;
    }

    @Test
    void requirementsTableIsApplesYaml() throws Exception {
        Map<String, CommandRequirements.Requirement> expected = new LinkedHashMap<>();
        for (Path file : AppleSchemas.commandFiles()) {
            JsonNode ios = ios(file);
            String requestType = AppleSchemas.load(file).requestType();
            String intro = introduced(ios, "n/a");
            if (intro.equals("n/a")) {
                assertTrue(CommandRequirements.of(requestType).isEmpty(), requestType + " is not an iOS command");
                continue;
            }
            String ar = ios.path("accessrights").asText("None");
            JsonNode shared = ios.path("sharedipad");
            expected.put(requestType, new CommandRequirements.Requirement(requestType, intro,
                    ar.equals("Special Case") ? AccessRight.PER_QUERY : AccessRight.ofYamlName(ar),
                    ios.path("supervised").asBoolean(false), ios.path("requiresdep").asBoolean(false),
                    CommandRequirements.SharedIpad.valueOf(shared.path("mode").asText("allowed").toUpperCase()),
                    shared.path("devicechannel").asBoolean(true), shared.path("userchannel").asBoolean(true)));
        }
        assertEquals(List.copyOf(expected.values()), List.copyOf(CommandRequirements.all()));
        assertEquals(49, expected.size());
    }

    @Test
    void queryTableIsApplesYaml() throws Exception {
        AppleSchemas.Key queries = AppleSchemas.command("DeviceInformation").key("Queries").orElseThrow();
        Set<String> expected = new TreeSet<>();
        for (AppleSchemas.Key q : queries.subkeys().getFirst().subkeys()) {
            JsonNode ios = q.supportedOS().path("iOS");
            String intro = introduced(ios, "4.0");
            if (intro.equals("n/a")) {
                continue;
            }
            expected.add(q.name());
            DeviceQueries.Query mine = DeviceQueries.all().stream().filter(x -> x.name().equals(q.name())).findFirst()
                    .orElse(null);
            assertNotNull(mine, "query " + q.name() + " of information.device.yaml is not in DeviceQueries");
            assertEquals(intro, mine.introduced(), q.name() + " introduced");
            assertEquals(AccessRight.ofYamlName(ios.path("accessrights").asText("None")), mine.right(),
                    q.name() + " access right");
            assertEquals(ios.path("sharedipad").path("mode").asText("").equals("required"), mine.sharedIpadOnly(),
                    q.name() + " Shared iPad only");
            assertEquals(ios.path("sharedipad").path("devicechannel").asBoolean(true), mine.sharedIpadDevice(),
                    q.name() + " on a Shared iPad's device channel");
        }
        Set<String> mine = new TreeSet<>();
        DeviceQueries.all().forEach(q -> mine.add(q.name()));
        assertEquals(expected, mine);
    }

    @Test
    void settingsItemsAreApplesYaml() {
        AppleSchemas.Key settings = AppleSchemas.command("Settings").key("Settings").orElseThrow();
        Set<String> expected = new TreeSet<>();
        for (AppleSchemas.Key item : settings.subkeys()) {
            JsonNode ios = item.supportedOS().path("iOS");
            String intro = introduced(ios, "4.0");
            if (intro.equals("n/a")) {
                continue;
            }
            expected.add(item.name());
            SettingsHandler.Item mine = SettingsHandler.ITEMS.get(item.name());
            assertNotNull(mine, item.name());
            assertEquals(intro, mine.introduced(), item.name() + " introduced");
            assertEquals(ios.path("supervised").asBoolean(false), mine.supervised(), item.name() + " supervised");
        }
        assertEquals(expected, new TreeSet<>(SettingsHandler.ITEMS.keySet()));
    }

    // ---- refusals ------------------------------------------------------------------------------------------

    private static ErrorChainItem refusal(Device d, String requestType) {
        CommandReply r = CommandRequirements.refusal(d, requestType);
        assertNotNull(r, requestType + " should be refused");
        assertEquals(CommandStatus.ERROR, r.status());
        return r.errorChain().getFirst();
    }

    @Test
    void everyRightTheYamlNamesIsEnforced() {
        List<String> checked = new ArrayList<>();
        for (CommandRequirements.Requirement r : CommandRequirements.all()) {
            if (r.right().bit() == 0 || r.sharedIpad() == CommandRequirements.SharedIpad.REQUIRED) {
                continue;
            }
            Device lacking = TestDevices.ade("iPhone15,2", "18.0", AccessRight.ALL & ~r.right().bit(), true, false);
            ErrorChainItem e = refusal(lacking, r.requestType());
            assertEquals(12007, e.errorCode(), r.requestType());
            assertEquals("MCMDMErrorDomain", e.errorDomain());
            assertTrue(e.localizedDescription().contains("lack " + r.right().yamlName()), e.localizedDescription());
            Device granted = TestDevices.ade("iPhone15,2", "18.0", r.right().bit() | 1, true, false);
            assertNull(CommandRequirements.refusal(granted, r.requestType()), r.requestType());
            checked.add(r.requestType());
        }
        assertTrue(checked.containsAll(List.of("InstallProfile", "RemoveProfile", "ProfileList", "SecurityInfo",
                "InstalledApplicationList", "InstallApplication", "RemoveApplication", "Settings", "DeviceLock",
                "RestartDevice", "EraseDevice")), checked.toString());
    }

    @Test
    void supervisedOnlyCommandsAreRefusedOnAnUnsupervisedDevice() {
        Device unsupervised = TestDevices.ade("iPhone10,3", "12.4", AccessRight.ALL, false, false);
        assertTrue(!unsupervised.supervised());
        for (String rt : List.of("RestartDevice", "DeviceConfigured", "EnableLostMode", "ShutDownDevice")) {
            ErrorChainItem e = refusal(unsupervised, rt);
            assertEquals(12070, e.errorCode(), rt);
            assertEquals(rt + " requires a supervised device (this device is not supervised)", e.localizedDescription());
        }
        assertNull(CommandRequirements.refusal(unsupervised, "DeviceInformation"));
        // iOS 13 and later: ADE devices are always supervised
        assertNull(CommandRequirements.refusal(TestDevices.ade("iPhone12,1", "13.0", AccessRight.ALL, false, false),
                "RestartDevice"));
    }

    @Test
    void adeOnlyCommandsNeedACloudConfiguration() {
        Device d = TestDevices.ade("iPhone15,2", "17.5");
        d.wipe(); // no cloud configuration any more
        d.cloudConfiguration(new CloudConfiguration(null, null, true, false, false, false, false, List.of(), List.of(),
                null));
        assertNull(CommandRequirements.refusal(d, "DeviceConfigured"), "a record, even without URL, is ADE");
        d.wipe();
        assertEquals(12070, refusal(d, "DeviceConfigured").errorCode(), "no record: not supervised either");
    }

    @Test
    void commandsNewerThanTheOsAreUnknownToIt() {
        ErrorChainItem e = refusal(TestDevices.ade("iPhone9,1", "10.2"), "RestartDevice");
        assertEquals(new ErrorChainItem(12021, "MCMDMErrorDomain", "Unknown command", "Unknown command"), e);
        assertNull(CommandRequirements.refusal(TestDevices.ade("iPhone9,1", "10.3"), "RestartDevice"));
        assertEquals(12021, refusal(TestDevices.ade("iPhone15,2", "14.8"), "DeclarativeManagement").errorCode());
    }

    @Test
    void sharedIpadRulesFollowTheYaml() {
        Device single = TestDevices.ade("iPad13,18", "17.5");
        assertEquals(12072, refusal(single, "UserList").errorCode());
        Device shared = TestDevices.ade("iPad13,18", "17.5", AccessRight.ALL, true, true);
        assertTrue(ManagedState.sharedIpad(shared));
        assertNull(CommandRequirements.refusal(shared, "UserList"));
        assertEquals(12072, refusal(shared, "ClearPasscode").errorCode(), "forbidden on a Shared iPad");
        assertEquals(12072, refusal(shared, "UserConfigured").errorCode(), "user channel only");
        assertEquals("ClearPasscode is not supported on a Shared iPad", refusal(shared, "ClearPasscode")
                .localizedDescription());
        // an iPhone is never a Shared iPad, whatever the record says
        assertTrue(!ManagedState.sharedIpad(TestDevices.ade("iPhone15,2", "17.5", AccessRight.ALL, true, true)));
    }

    @Test
    void dispatchRefusesBeforeTheHandlerRuns() throws Exception {
        Device d = TestDevices.ade("iPhone15,2", "17.5", AccessRight.ALL & ~8, true, false);
        CommandReply r = CommandHandlers.defaults().dispatch(d, Commands.raw("U1", "EraseDevice", Map.of()));
        assertEquals(CommandStatus.ERROR, r.status());
        assertTrue(d.managed().takePending().isEmpty(), "nothing was scheduled");
        // an iOS command the emulator does not simulate is said to be so, not "unknown"
        CommandReply notSimulated = CommandHandlers.defaults().dispatch(TestDevices.ade("iPhone15,2", "17.5"),
                Commands.raw("U2", "ShutDownDevice", Map.of()));
        assertEquals(12079, notSimulated.errorChain().getFirst().errorCode());
    }
}
