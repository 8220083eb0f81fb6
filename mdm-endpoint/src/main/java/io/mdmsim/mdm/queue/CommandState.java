package io.mdmsim.mdm.queue;

/**
 * Life of one queued command. Every command ends in exactly one terminal state and never leaves it
 * (AppleDoc:sending-mdm-commands-to-a-device: a command is done on Acknowledged, Error or CommandFormatError).
 */
public enum CommandState {
    /** Waiting to be sent. */
    QUEUED(false),
    /** Sent to the device in a reply; no result yet. Sent again if the device polls Idle without reporting. */
    SENT(false),
    /** The device answered NotNow; it stays queued and is offered again on the next Idle. */
    NOT_NOW(false),
    ACKNOWLEDGED(true),
    ERROR(true),
    COMMAND_FORMAT_ERROR(true),
    /** Dropped by the server before completion (the device re-enrolled or checked out). */
    CANCELED(true);

    private final boolean terminal;

    CommandState(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }
}
