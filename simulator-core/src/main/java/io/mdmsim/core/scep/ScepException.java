package io.mdmsim.core.scep;

import io.mdmsim.core.error.MalformedInputException;

/** A SCEP message could not be built, parsed or verified; the message says what and, where it helps, what was expected. */
public class ScepException extends MalformedInputException {
    public ScepException(String message) {
        super(message);
    }

    public ScepException(String message, Throwable cause) {
        super(message, cause);
    }
}
