package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.core.testing.Fixtures;
import io.mdmsim.core.testing.TaggedPlist;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {
    private static final String UUID = "0f5e4b1e-8b61-4b3a-9d7e-9f6a1c2d3e4f";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python.xml", "python.bin", "plistutil.xml", "plistutil.bin"})
    void parsesAnEnvelopeWrittenByOtherTools(String form) {
        byte[] body = Fixtures.plistFixture("command-deviceinformation." + form);
        Command c = Command.parse(body);
        assertEquals(UUID, c.commandUuid());
        assertEquals("DeviceInformation", c.requestType());
        assertEquals(new NSArray(new NSString("DeviceName"), new NSString("OSVersion"), new NSString("UDID")),
                c.get("Queries"));
        assertSame(body, c.raw());
        assertEquals(Commands.deviceInformation(UUID, List.of("DeviceName", "OSVersion", "UDID")), c);
    }

    @Test
    void deviceInformationFitsApplesYaml() {
        Command c = Commands.deviceInformation(UUID, List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName",
                "Model", "ProductName", "SerialNumber", "UDID", "IMEI"));
        assertEquals("DeviceInformation", c.requestType());
        assertEquals(new NSString("DeviceInformation"), c.command().get("RequestType"));
        assertEquals(List.of(), AppleSchemas.command("DeviceInformation").check(c.command()));
        assertEquals(c, Command.parse(c.toXml()));
        assertEquals(c, Command.parse(c.raw()));
    }

    @Test
    void deviceConfiguredFitsApplesYaml() {
        Command c = Commands.deviceConfigured(UUID);
        assertEquals("DeviceConfigured", c.requestType());
        assertEquals(List.of("RequestType"), List.of(c.command().allKeys()));
        assertEquals(List.of(), AppleSchemas.command("DeviceConfigured").check(c.command()));
        assertEquals(c, Command.parse(c.toXml()));
    }

    @Test
    void envelopeShape() {
        NSDictionary d = Plist.parseDictionary(Commands.deviceConfigured(UUID).toXml());
        assertEquals(new NSString(UUID), d.get("CommandUUID"));
        NSDictionary inner = (NSDictionary) d.get("Command");
        assertEquals(new NSString("DeviceConfigured"), inner.get("RequestType"));
        assertEquals(2, d.count());
    }

    @Test
    void rawCommandsFromJavaValuesOrPlists() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ManagedAppsOnly", true);
        fields.put("Identifiers", List.of("com.example.app"));
        Command fromMap = Commands.raw(UUID, "InstalledApplicationList", fields);
        assertEquals(List.of("RequestType", "ManagedAppsOnly", "Identifiers"), List.of(fromMap.command().allKeys()));
        assertEquals(List.of(), AppleSchemas.command("InstalledApplicationList").check(fromMap.command()));

        NSDictionary dict = (NSDictionary) Plist.wrap(fields);
        Command fromDict = Commands.raw(UUID, "InstalledApplicationList", dict);
        assertEquals(fromMap, fromDict);
        dict.put("ManagedAppsOnly", false);
        assertEquals(fromMap, fromDict, "the command keeps its own copy");
    }

    @Test
    void payloadDataSurvives() {
        byte[] profile = "<plist>profile</plist>".getBytes(StandardCharsets.UTF_8);
        Command c = Commands.raw(UUID, "InstallProfile", Map.of("Payload", profile));
        assertArrayEquals(profile, ((com.dd.plist.NSData) Command.parse(c.toXml()).get("Payload")).bytes());
        assertEquals(List.of(), AppleSchemas.command("InstallProfile").check(c.command()));
    }

    @Test
    void requestTypeInFieldsMustAgree() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Commands.raw(UUID, "DeviceLock", Map.of("RequestType", "EraseDevice")));
        assertEquals("command RequestType: <string> \"EraseDevice\" (expected: <string> \"DeviceLock\", the "
                + "requestType)", e.getMessage());
        assertEquals("DeviceLock", Commands.raw(UUID, "DeviceLock", Map.of("RequestType", "DeviceLock")).requestType());
    }

    @Test
    void pythonReadsOurEnvelope() {
        Command c = Commands.deviceInformation(UUID, List.of("UDID"));
        assertEquals(TaggedPlist.of(c.toDictionary()), TaggedPlist.viaPython(c.toXml()));
    }

    // ---------------------------------------------------------------------------------------------- bad input

    private static NSDictionary envelope() {
        return Commands.deviceInformation(UUID, List.of("UDID")).toDictionary();
    }

    @Test
    void notAPlist() {
        byte[] body = "not a plist".getBytes(StandardCharsets.UTF_8);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Command.parse(body));
        assertTrue(e.getMessage().startsWith("command: malformed plist: starts with \"not a plist\""), e.getMessage());
        assertSame(body, e.raw());
    }

    @Test
    void missingCommandUuid() {
        NSDictionary d = envelope();
        d.remove("CommandUUID");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Command.parse(Plist.toXml(d)));
        assertEquals("command: CommandUUID is missing (expected: <string>)", e.getMessage());
    }

    @Test
    void commandNotADictionary() {
        NSDictionary d = envelope();
        d.put("Command", "DeviceInformation");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Command.parse(Plist.toXml(d)));
        assertEquals("command: Command: <string> \"DeviceInformation\" (expected: <dictionary>)", e.getMessage());
    }

    @Test
    void missingRequestType() {
        NSDictionary d = envelope();
        ((NSDictionary) d.get("Command")).remove("RequestType");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Command.parse(Plist.toBinary(d)));
        assertEquals("command: Command.RequestType is missing (expected: <string>)", e.getMessage());
    }

    @Test
    void rootNotADictionary() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Command.parse(Plist.toXml(new NSArray(envelope()))));
        assertEquals("command: plist root is <array> (expected: <dictionary>)", e.getMessage());
    }
}
