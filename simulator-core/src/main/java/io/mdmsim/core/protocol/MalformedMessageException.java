package io.mdmsim.core.protocol;

/** Not a plist, root not a dictionary, a required key missing, or a value of the wrong type or out of range. */
public final class MalformedMessageException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message, byte[] raw) {
        super(message, raw);
    }

    public MalformedMessageException(String message, byte[] raw, Throwable cause) {
        super(message, raw, cause);
    }
}
