package io.mdmsim.core.protocol;

/** A well-formed check-in message whose {@code MessageType} this simulator does not know. */
public final class UnknownMessageTypeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final String messageType;

    public UnknownMessageTypeException(String messageType, byte[] raw) {
        super("unknown MessageType: " + Fields.quote(messageType) + " (expected one of "
                + String.join(", ", CheckinCodec.MESSAGE_TYPES) + ")", raw);
        this.messageType = messageType;
    }

    /** The MessageType as it arrived. */
    public String messageType() {
        return messageType;
    }
}
