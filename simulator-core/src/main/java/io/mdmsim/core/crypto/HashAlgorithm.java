package io.mdmsim.core.crypto;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digests a PKCS#1 v1.5 signature is made over here, each with the DER DigestInfo prefix of RFC 8017 §9.2. */
public enum HashAlgorithm {
    SHA1("SHA-1", "SHA1", 20, "3021300906052b0e03021a05000414"),
    SHA256("SHA-256", "SHA256", 32, "3031300d060960864801650304020105000420"),
    SHA384("SHA-384", "SHA384", 48, "3041300d060960864801650304020205000430"),
    SHA512("SHA-512", "SHA512", 64, "3051300d060960864801650304020305000440");

    private final String jcaName;
    private final String signaturePrefix;
    private final int length;
    private final byte[] digestInfoPrefix;

    HashAlgorithm(String jcaName, String signaturePrefix, int length, String digestInfoPrefixHex) {
        this.jcaName = jcaName;
        this.signaturePrefix = signaturePrefix;
        this.length = length;
        this.digestInfoPrefix = HexFormat.of().parseHex(digestInfoPrefixHex);
    }

    /** The JCA MessageDigest name: "SHA-256". */
    public String jcaName() {
        return jcaName;
    }

    /** The JCA signature algorithm for a key algorithm: "RSA" -> "SHA256withRSA", "EC" -> "SHA256withECDSA". */
    public String signatureAlgorithm(String keyAlgorithm) {
        requireNonNull(keyAlgorithm, "keyAlgorithm");
        return switch (keyAlgorithm) {
            case "RSA" -> signaturePrefix + "withRSA";
            case "EC", "ECDSA" -> signaturePrefix + "withECDSA";
            default -> throw new IllegalArgumentException("key algorithm: " + keyAlgorithm + " (expected: RSA or EC)");
        };
    }

    /** The digest's length in bytes. */
    public int length() {
        return length;
    }

    /** A new MessageDigest of this algorithm (the JDK's, with its CPU intrinsics). */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + jcaName, e);
        }
    }

    /** The DER DigestInfo of a digest of this algorithm: what PKCS#1 v1.5 pads and signs. */
    public byte[] digestInfo(byte[] digest) {
        requireNonNull(digest, "digest");
        if (digest.length != length) {
            throw new IllegalArgumentException("digest: " + digest.length + " bytes (expected: " + length + " for " + jcaName + ")");
        }
        byte[] info = new byte[digestInfoPrefix.length + length];
        System.arraycopy(digestInfoPrefix, 0, info, 0, digestInfoPrefix.length);
        System.arraycopy(digest, 0, info, digestInfoPrefix.length, length);
        return info;
    }
}
