package io.mdmsim.core.pki;

import io.mdmsim.core.cms.CmsException;

/** PEM text could not be decoded; the message says what was found and what was expected. */
public final class PemException extends CmsException {
    public PemException(String message) {
        super(message);
    }

    public PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
