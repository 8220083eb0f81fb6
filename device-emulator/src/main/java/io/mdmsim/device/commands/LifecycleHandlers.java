package io.mdmsim.device.commands;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.runtime.DeviceContext;

/**
 * DeviceConfigured, UserConfigured, DeviceLock, RestartDevice, EraseDevice and DeclarativeManagement. The last three
 * only acknowledge and leave something for later (a {@link ManagedState.Pending} action, or the erase of
 * {@link Device#factoryReset()}): the device restarts, erases itself or synchronizes its declarations after it has
 * reported, as iOS does.
 */
final class LifecycleHandlers {

    private LifecycleHandlers() {
    }

    // mdm/commands/device.configured.yaml: releases a device that awaits configuration.
    static CommandReply deviceConfigured(Device device, Command command) {
        device.awaitingConfiguration(false);
        return CommandReply.acknowledged();
    }

    // mdm/commands/user.configured.yaml: only the user channel of a Shared iPad with AwaitUserConfiguration.
    static CommandReply userConfigured(Device device, Command command) {
        return DeviceErrors.error(DeviceErrors.NOT_ON_THIS_CHANNEL, DeviceErrors.MDM, "UserConfigured is for the user"
                + " channel of a Shared iPad that awaits user configuration (this is the device channel of "
                + (ManagedState.sharedIpad(device) ? "a Shared iPad" : "a single-user device") + ")");
    }

    // mdm/commands/device.lock.yaml
    static CommandReply deviceLock(DeviceContext ctx, Command command) throws CommandHandler.CommandFormatException {
        String message = CommandFields.optionalString(command, "Message");
        String phone = CommandFields.optionalString(command, "PhoneNumber");
        CommandFields.optionalString(command, "PIN");
        if (ManagedState.sharedIpad(ctx.device())) {
            message = null; // "doesn't apply to a shared iPad device"
            phone = null;
        }
        ctx.device().managed().lock(new ManagedState.Lock(ctx.clock().now(), message, phone));
        return CommandReply.acknowledged();
    }

    // mdm/commands/device.restart.yaml: "The device will restart immediately" - after it reported.
    static CommandReply restartDevice(Device device, Command command) throws CommandHandler.CommandFormatException {
        CommandFields.bool(command, "NotifyUser", false);
        device.managed().pending(new ManagedState.Restart(command.commandUuid()));
        return CommandReply.acknowledged();
    }

    // mdm/commands/device.erase.yaml
    static CommandReply eraseDevice(Device device, Command command) throws CommandHandler.CommandFormatException {
        CommandFields.bool(command, "PreserveDataPlan", false);
        CommandFields.bool(command, "DisallowProximitySetup", false);
        CommandFields.optionalDictionary(command, "ReturnToService");
        device.factoryReset(); // after the report: the device wipes itself and starts Setup Assistant over
        return CommandReply.acknowledged();
    }

    // mdm/commands/declarativemanagement.yaml: Data, if any, is a TokensResponse the device need not fetch.
    static CommandReply declarativeManagement(Device device, Command command)
            throws CommandHandler.CommandFormatException {
        byte[] data = CommandFields.optionalData(command, "Data");
        device.managed().pending(new ManagedState.DeclarativeSync(command.commandUuid(), data));
        return CommandReply.acknowledged();
    }
}
