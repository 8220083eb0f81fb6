package io.mdmsim.core.scep;

/** SCEP failInfo attribute values (RFC 8894 §3.2.1.4). */
public enum FailInfo {
    BAD_ALG(0),
    BAD_MESSAGE_CHECK(1),
    BAD_REQUEST(2),
    BAD_TIME(3),
    BAD_CERT_ID(4);

    private final int code;

    FailInfo(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static FailInfo fromCode(int code) {
        for (FailInfo f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        throw new ScepException("failInfo: " + code
                + " (expected: 0 badAlg, 1 badMessageCheck, 2 badRequest, 3 badTime or 4 badCertID)");
    }
}
