package io.mdmsim.mdm;

/** A request was malformed or incomplete; the message says what was wrong and what was expected (400). */
final class BadInputException extends RuntimeException {
    BadInputException(String message) {
        super(message);
    }
}
