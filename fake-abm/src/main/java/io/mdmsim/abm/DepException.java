package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

/**
 * A DEP API refusal: an HTTP status and Apple's error code (PROTOCOL.md §1.3, §1.4), e.g. 400 INVALID_CURSOR. The
 * detail says what exactly was wrong; it goes to the log and the {@code X-Mdmsim-Detail} header, never into the body,
 * which carries only the code as Apple's does.
 */
final class DepException extends RuntimeException {

    private final int status;
    private final String code;

    DepException(int status, String code, String detail) {
        super(code + ": " + requireNonNull(detail, "detail"));
        this.status = status;
        this.code = requireNonNull(code, "code");
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String detail() {
        return getMessage().substring(code.length() + 2);
    }

    static DepException badRequest(String code, String detail) {
        return new DepException(400, code, detail);
    }

    static DepException unauthorized(String detail) {
        return new DepException(401, "UNAUTHORIZED", detail);
    }
}
