package io.mdmsim.core.pki;

import io.mdmsim.core.error.MalformedInputException;

/**
 * A certificate or CMS operation failed; the message says what failed and, where it helps, what was expected
 * ("certificate CN=x is not signed by any trusted CA (...)", "not a DER X.509 certificate: ..."). CMS failures are
 * its subclass {@code PkiException}, so {@code catch (PkiException e)} catches both.
 */
public class PkiException extends MalformedInputException {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
