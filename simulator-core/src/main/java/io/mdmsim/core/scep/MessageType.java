package io.mdmsim.core.scep;

import java.util.Arrays;
import java.util.stream.Collectors;

/** SCEP messageType attribute values (RFC 8894 §3.2.1.2). */
public enum MessageType {
    CERT_REP(3),
    RENEWAL_REQ(17),
    PKCS_REQ(19),
    CERT_POLL(20),
    GET_CERT(21),
    GET_CRL(22);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static MessageType fromCode(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new ScepException("messageType: " + code + " (expected one of "
                + Arrays.stream(values()).map(t -> t.code + " " + t.name()).collect(Collectors.joining(", ")) + ")");
    }
}
