package io.mdmsim.device.commands;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.runtime.DeviceContext;

/** How a device executes one RequestType. Runs on the device's thread. */
@FunctionalInterface
public interface CommandHandler {

    /**
     * Executes the command on the device.
     *
     * @throws CommandFormatException when the command's fields are missing or of the wrong type; the device then
     *                                reports CommandFormatError
     */
    CommandReply handle(Device device, Command command) throws CommandFormatException;

    /**
     * Executes the command with the device's whole context (clock, HTTP, its random stream). Handlers that need only
     * the device's state implement {@link #handle(Device, Command)}; the others implement {@link WithContext}.
     */
    default CommandReply handle(DeviceContext ctx, Command command)
            throws CommandFormatException, InterruptedException {
        return handle(ctx.device(), command);
    }

    /** A handler that needs more than the device's state: the SimClock, HTTP (a nested SCEP enrollment), randomness. */
    @FunctionalInterface
    interface WithContext extends CommandHandler {

        CommandReply run(DeviceContext ctx, Command command) throws CommandFormatException, InterruptedException;

        @Override
        default CommandReply handle(DeviceContext ctx, Command command)
                throws CommandFormatException, InterruptedException {
            return run(ctx, command);
        }

        @Override
        default CommandReply handle(Device device, Command command) {
            throw new UnsupportedOperationException("this handler needs the device's context (clock, HTTP); dispatch"
                    + " it with a DeviceContext");
        }
    }

    /** A command the device cannot read. */
    final class CommandFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public CommandFormatException(String message) {
            super(message, null, false, false);
        }
    }
}
