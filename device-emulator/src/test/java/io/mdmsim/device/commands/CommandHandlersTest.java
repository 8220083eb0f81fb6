package io.mdmsim.device.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.HardwareProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandHandlersTest {

    private static Device device(String productType, String os) {
        DeviceSpec spec = new DeviceSpec("SERIAL0001", productType, "x", os, "21F90");
        return new Device(0, spec, HardwareProfile.derive(1, spec));
    }

    private static NSDictionary ask(Device d, String... queries) throws Exception {
        CommandReply r = CommandHandlers.defaults().dispatch(d, Commands.deviceInformation("U1", List.of(queries)));
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status());
        return (NSDictionary) r.resultKeys().get("QueryResponses");
    }

    @Test
    void queriesNewerThanTheOsAreLeftOut() throws Exception {
        assertTrue(ask(device("iPhone15,2", "17.5"), "ModelNumber").containsKey("ModelNumber"));
        assertFalse(ask(device("iPhone15,2", "16.3"), "ModelNumber").containsKey("ModelNumber"));
        assertTrue(ask(device("iPhone15,2", "16.4"), "ModelNumber").containsKey("ModelNumber"));
    }

    @Test
    void iPadsHaveNoImei() throws Exception {
        NSDictionary r = ask(device("iPad13,18", "17.5"), "IMEI", "MEID", "ModelName");
        assertEquals(Map.of("ModelName", new NSString("iPad")), Map.copyOf(r));
    }

    @Test
    void awaitingConfigurationFollowsDeviceConfigured() throws Exception {
        Device d = TestDevices.ade("iPhone15,2", "17.5");
        d.awaitingConfiguration(true);
        assertEquals(new NSNumber(true), ask(d, "AwaitingConfiguration").get("AwaitingConfiguration"));
        CommandReply r = CommandHandlers.defaults().dispatch(d, Commands.deviceConfigured("U2"));
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status());
        assertFalse(d.awaitingConfiguration());
    }

    @Test
    void queriesThatAreNotStringsAreAFormatError() {
        Device d = device("iPhone15,2", "17.5");
        NSDictionary fields = new NSDictionary();
        fields.put("Queries", new com.dd.plist.NSArray(new NSNumber(3)));
        assertEquals("DeviceInformation Queries holds an integer (expected: strings)",
                assertThrows(CommandHandler.CommandFormatException.class, () -> CommandHandlers.defaults()
                        .dispatch(d, Commands.raw("U3", "DeviceInformation", fields))).getMessage());
    }

    @Test
    void handlersCanBeAddedWithoutTouchingTheDefaults() throws Exception {
        Device d = device("iPhone15,2", "17.5");
        CommandHandlers more = CommandHandlers.defaults().with("ShutDownDevice", (dev, c) -> CommandReply.notNow());
        Device supervised = TestDevices.ade("iPhone15,2", "17.5");
        assertEquals(CommandStatus.NOT_NOW,
                more.dispatch(supervised, Commands.raw("U4", "ShutDownDevice", Map.of())).status());
        assertEquals(CommandStatus.ERROR,
                CommandHandlers.defaults().dispatch(supervised, Commands.raw("U5", "ShutDownDevice", Map.of())).status());
    }
}
