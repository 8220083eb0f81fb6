package io.mdmsim.device.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.device.model.AccessRight;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the MDM sends after enrollment: RefreshCellularPlans (ADM device.esim.yaml) and the Shared iPad
 * SharedDeviceConfiguration with PasscodePolicy (settings.yaml, iOS 17+), accepted and recorded by the device.
 */
class LifecycleCommandsTest {

    @Test
    void refreshCellularPlansIsRecordedOnACellularDevice() throws Exception {
        Device phone = TestDevices.ade("iPhone15,2", "17.5");
        CommandReply r = CommandHandlers.defaults().dispatch(phone, Commands.raw("U1", "RefreshCellularPlans",
                Map.of("eSIMServerURL", "https://esim.example.com/plans")));
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status());
        assertEquals("https://esim.example.com/plans", phone.managed().setting("eSIMServerURL"));
        assertEquals(1L, (Long) phone.managed().setting("CellularPlanRefreshes"));
    }

    @Test
    void refreshCellularPlansOnAWifiIpadIsAnError() throws Exception {
        Device ipad = TestDevices.ade("iPad13,18", "17.5");
        CommandReply r = CommandHandlers.defaults().dispatch(ipad, Commands.raw("U2", "RefreshCellularPlans",
                Map.of("eSIMServerURL", "https://esim.example.com/plans")));
        assertEquals(CommandStatus.ERROR, r.status());
        assertTrue(r.errorChain().getFirst().usEnglishDescription().contains("no cellular modem"),
                r.errorChain().toString());
    }

    @Test
    void refreshCellularPlansWithoutAUrlIsAFormatErrorAndBeforeIos13IsUnknown() throws Exception {
        Device phone = TestDevices.ade("iPhone15,2", "17.5");
        assertThrows(CommandHandler.CommandFormatException.class, () -> CommandHandlers.defaults().dispatch(phone,
                Commands.raw("U3", "RefreshCellularPlans", Map.of())));
        assertThrows(CommandHandler.CommandFormatException.class, () -> CommandHandlers.defaults().dispatch(phone,
                Commands.raw("U4", "RefreshCellularPlans", Map.of("eSIMServerURL", " "))));
        Device old = TestDevices.ade("iPhone10,1", "12.5.7");
        assertEquals(CommandStatus.ERROR, CommandHandlers.defaults().dispatch(old, Commands.raw("U5",
                "RefreshCellularPlans", Map.of("eSIMServerURL", "https://esim.example.com/plans"))).status());
    }

    @Test
    void sharedIpadTakesSharedDeviceConfigurationWithPasscodePolicy() throws Exception {
        Device ipad = TestDevices.ade("iPad13,18", "17.5", AccessRight.ALL, true, true);
        CommandReply r = CommandHandlers.defaults().dispatch(ipad, Commands.settings("U6", List.of(
                Commands.Setting.of("SharedDeviceConfiguration", Map.of("ResidentUsers", 6, "UserSessionTimeout", 1800,
                        "PasscodePolicy", Map.of("PasscodeLockGracePeriod", 900))))));
        assertEquals(CommandStatus.ACKNOWLEDGED, r.status(), String.valueOf(r.errorChain()));
        assertEquals(6L, ((Number) ipad.managed().setting("ResidentUsers")).longValue());
        assertEquals(1800L, ((Number) ipad.managed().setting("UserSessionTimeout")).longValue());
        assertEquals(900L, ((Number) ipad.managed().setting("PasscodeLockGracePeriod")).longValue());

        CommandReply bad = CommandHandlers.defaults().dispatch(ipad, Commands.settings("U7", List.of(
                Commands.Setting.of("SharedDeviceConfiguration", Map.of("PasscodePolicy",
                        Map.of("PasscodeLockGracePeriod", 61))))));
        assertEquals(CommandStatus.ERROR, bad.status());
        assertTrue(bad.errorChain().getFirst().usEnglishDescription().contains("PasscodeLockGracePeriod is 61"),
                bad.errorChain().toString());
    }
}
