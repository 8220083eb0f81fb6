package io.mdmsim.core.cms;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Content-encryption algorithms of a CMS EnvelopedData (RFC 5652 §6; SCEP GetCACaps "DES3", "AES"). */
public enum ContentCipher {
    DES_CBC("1.3.14.3.2.7", "DES-CBC", 56),
    DES_EDE3_CBC("1.2.840.113549.3.7", "DES-EDE3-CBC", 168),
    AES128_CBC("2.16.840.1.101.3.4.1.2", "AES-128-CBC", 128),
    AES192_CBC("2.16.840.1.101.3.4.1.22", "AES-192-CBC", 192),
    AES256_CBC("2.16.840.1.101.3.4.1.42", "AES-256-CBC", 256);

    private static final Map<String, ContentCipher> BY_OID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ContentCipher::oid, Function.identity()));

    private final String oid;
    private final String displayName;
    private final int keyBits;

    ContentCipher(String oid, String displayName, int keyBits) {
        this.oid = oid;
        this.displayName = displayName;
        this.keyBits = keyBits;
    }

    /** The algorithm's object identifier, dotted. */
    public String oid() {
        return oid;
    }

    /** The OpenSSL-style name, "AES-128-CBC". */
    public String displayName() {
        return displayName;
    }

    public int keyBits() {
        return keyBits;
    }

    /** The cipher with that OID, or null if it is none of these. */
    public static ContentCipher fromOid(String oid) {
        return BY_OID.get(requireNonNull(oid, "oid"));
    }
}
