package io.mdmsim.core.pki;


/** PEM text could not be decoded; the message says what was found and what was expected. */
public final class PemException extends PkiException {
    public PemException(String message) {
        super(message);
    }

    public PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
