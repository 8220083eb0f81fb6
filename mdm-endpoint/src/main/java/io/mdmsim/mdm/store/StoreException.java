package io.mdmsim.mdm.store;

/**
 * A store could not do what was asked (the disk, the database, a closed store). A write that fails this way did
 * not happen: the request that caused it is answered with an error, never with success.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
