package io.mdmsim.mdm.model;

import io.mdmsim.core.error.MalformedInputException;

/** A request was malformed or incomplete; the message says what was wrong and what was expected (400). */
public final class BadInputException extends MalformedInputException {
    public BadInputException(String message) {
        super(message);
    }
}
