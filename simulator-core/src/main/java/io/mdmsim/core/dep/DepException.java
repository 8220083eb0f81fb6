package io.mdmsim.core.dep;

import io.mdmsim.core.http.HasHttpStatus;

/** Something DEP-shaped (a server token, an OAuth header) was malformed. The message says what and what was expected. */
public class DepException extends RuntimeException implements HasHttpStatus {

    public DepException(String message) {
        super(message);
    }

    public DepException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 400: the client sent something malformed. */
    @Override
    public int httpStatus() {
        return 400;
    }
}
