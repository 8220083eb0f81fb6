package io.mdmsim.device.internal;

import io.mdmsim.core.protocol.Command;

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

    /** A command the device cannot read. */
    final class CommandFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public CommandFormatException(String message) {
            super(message, null, false, false);
        }
    }
}
