package io.mdmsim.core.plist;

import io.mdmsim.core.error.MalformedInputException;

/**
 * A body that is not a usable property list. The message says what was wrong and what was expected;
 * {@link #raw()} holds the exact bytes so a caller can log what arrived.
 */
public class PlistException extends MalformedInputException {
    private static final long serialVersionUID = 1L;

    private final transient byte[] raw;

    public PlistException(String message, byte[] raw) {
        super(message);
        this.raw = raw;
    }

    public PlistException(String message, byte[] raw, Throwable cause) {
        super(message, cause);
        this.raw = raw;
    }

    /** The bytes that failed to parse (not copied; do not modify), or {@code null} if there were none. */
    public byte[] raw() {
        return raw;
    }
}
