package io.mdmsim.abm.dep;

import static java.util.Objects.requireNonNull;

/**
 * A DEP API refusal: an HTTP status and Apple's error code (Apple's "Device assignment" endpoint pages), e.g. 400
 * INVALID_CURSOR. The detail says what exactly was wrong; it goes to the log and the {@code X-Mdmsim-Detail} header,
 * never into the body, which carries only the code as Apple's does.
 */
public final class DepException extends RuntimeException {

    private final int status;
    private final String code;

    public DepException(int status, String code, String detail) {
        super(code + ": " + requireNonNull(detail, "detail"));
        this.status = status;
        this.code = requireNonNull(code, "code");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return getMessage().substring(code.length() + 2);
    }

    public static DepException badRequest(String code, String detail) {
        return new DepException(400, code, detail);
    }

    static DepException unauthorized(String detail) {
        return new DepException(401, "UNAUTHORIZED", detail);
    }
}
