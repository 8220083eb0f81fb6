package io.mdmsim.core.scep;

/** SCEP pkiStatus attribute values (RFC 8894 §3.2.1.3). */
public enum PkiStatus {
    SUCCESS(0),
    FAILURE(2),
    PENDING(3);

    private final int code;

    PkiStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static PkiStatus fromCode(int code) {
        for (PkiStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new ScepException("pkiStatus: " + code + " (expected: 0 SUCCESS, 2 FAILURE or 3 PENDING)");
    }
}
