package io.mdmsim.mdm.model;

/** A request was malformed or incomplete; the message says what was wrong and what was expected (400). */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}
