package io.mdmsim.device.runtime;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;

/**
 * How a device answers one command, as the runtime sees the fleet's command handlers ({@code
 * commands.CommandHandlers} implements it; {@code DeviceFleet} supplies it in the {@link FleetContext}).
 */
@FunctionalInterface
public interface CommandDispatcher {

    /**
     * The device's reply to {@code command}: the handler's result, an Error for a RequestType it does not support,
     * or CommandFormatError for a command whose fields it cannot read.
     */
    CommandReply answer(DeviceContext ctx, Command command) throws InterruptedException;
}
