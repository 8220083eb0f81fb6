package io.mdmsim.device.commands;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.Cellular;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.ManagedState;

/**
 * RefreshCellularPlans (ADM mdm/commands/device.esim.yaml, iOS 13+): the device asks the carrier's eSIM server for
 * active plans. The emulator does not call the carrier; it records {@code eSIMServerURL} (managed setting
 * {@code eSIMServerURL}, and the count of refreshes) and acknowledges. A device without a cellular modem answers
 * Error; a missing or blank eSIMServerURL (a string, device.esim.yaml) is a
 * CommandFormatError.
 */
final class CellularPlans {

    private CellularPlans() {
    }

    static CommandReply refresh(Device d, Command c) throws CommandHandler.CommandFormatException {
        String url = CommandFields.requiredString(c, "eSIMServerURL");
        if (url.isBlank()) {
            throw new CommandHandler.CommandFormatException("RefreshCellularPlans eSIMServerURL is blank (expected:"
                    + " the carrier's eSIM server URL)");
        }
        if (Cellular.of(d) == null) {
            return DeviceErrors.error(DeviceErrors.MALFORMED_REQUEST, DeviceErrors.MDM,
                    "RefreshCellularPlans: this device has no cellular modem (no eSIM)");
        }
        ManagedState m = d.managed();
        m.setting("eSIMServerURL", url);
        Long n = m.setting("CellularPlanRefreshes");
        m.setting("CellularPlanRefreshes", n == null ? 1L : n + 1);
        return CommandReply.acknowledged();
    }
}
