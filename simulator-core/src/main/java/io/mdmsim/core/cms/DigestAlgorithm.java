package io.mdmsim.core.cms;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.crypto.HashAlgorithm;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Digest algorithms of a CMS SignerInfo (SCEP GetCACaps "SHA-1", "SHA-256"). */
public enum DigestAlgorithm {
    SHA1("1.3.14.3.2.26", "SHA-1", HashAlgorithm.SHA1),
    SHA256("2.16.840.1.101.3.4.2.1", "SHA-256", HashAlgorithm.SHA256);

    private static final Map<String, DigestAlgorithm> BY_OID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(DigestAlgorithm::oid, Function.identity()));

    private final String oid;
    private final String jcaName;
    private final HashAlgorithm hash;

    DigestAlgorithm(String oid, String jcaName, HashAlgorithm hash) {
        this.oid = oid;
        this.jcaName = jcaName;
        this.hash = hash;
    }

    /** The same digest as the RSA engines name it. */
    public HashAlgorithm hash() {
        return hash;
    }

    /** The algorithm's object identifier, dotted. */
    public String oid() {
        return oid;
    }

    /** The JCA MessageDigest name, also the SCEP capability name: "SHA-1", "SHA-256". */
    public String jcaName() {
        return jcaName;
    }

    /** The JCA signature algorithm for a key of that algorithm ("RSA" -> "SHA256withRSA", "EC" -> "SHA256withECDSA"). */
    public String signatureAlgorithm(String keyAlgorithm) {
        return hash.signatureAlgorithm(keyAlgorithm);
    }

    /** The digest with that OID, or null if it is none of these. */
    public static DigestAlgorithm fromOid(String oid) {
        return BY_OID.get(requireNonNull(oid, "oid"));
    }
}
