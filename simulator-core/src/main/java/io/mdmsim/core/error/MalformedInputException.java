package io.mdmsim.core.error;

/**
 * What a client sent was malformed or failed a check: a plist, a check-in message, a CMS or SCEP message, a
 * certificate, a JSON body. The message says what was wrong and what was expected; the HTTP kit answers it with 400
 * and the message, never a stack trace. Every codec of simulator-core and every part's own "bad input" exception
 * extends it, so the error mapper knows them all by type.
 */
public class MalformedInputException extends RuntimeException {

    public MalformedInputException(String message) {
        super(message);
    }

    public MalformedInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
