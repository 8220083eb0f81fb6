package io.mdmsim.core.protocol;

import io.mdmsim.core.error.MalformedInputException;

/**
 * A message that cannot be understood. The message says what was wrong and what was expected; {@link #raw()} holds
 * the exact bytes that arrived so a caller can log them.
 */
public class ProtocolException extends MalformedInputException {
    private static final long serialVersionUID = 1L;

    private final transient byte[] raw;

    public ProtocolException(String message, byte[] raw) {
        super(message);
        this.raw = raw;
    }

    public ProtocolException(String message, byte[] raw, Throwable cause) {
        super(message, cause);
        this.raw = raw;
    }

    /** The bytes of the offending message (not copied; do not modify), or {@code null} when not known. */
    public byte[] raw() {
        return raw;
    }
}
