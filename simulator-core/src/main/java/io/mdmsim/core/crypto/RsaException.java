package io.mdmsim.core.crypto;

/** An RSA operation failed; the message says which and why. */
public final class RsaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RsaException(String message) {
        super(message);
    }

    public RsaException(String message, Throwable cause) {
        super(message, cause);
    }
}
