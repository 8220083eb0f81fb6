package io.mdmsim.core.crypto;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import javax.crypto.Cipher;

/**
 * RSA by the JDK's own providers (SunRsaSign, SunJCE): the engine on Java 21, where the foreign-function API is a
 * preview, and wherever libcrypto cannot be loaded. The JDK keeps its blinding values per key, so nothing is cached
 * here.
 */
public final class JdkRsa implements RsaEngine {
    static final JdkRsa INSTANCE = new JdkRsa();

    private JdkRsa() {}

    @Override
    public String id() {
        return "jdk";
    }

    @Override
    public String description() {
        return "jdk (" + Runtime.version() + " SunRsaSign)";
    }

    @Override
    public byte[] sign(RSAPrivateKey key, HashAlgorithm hash, byte[] digest) {
        requireNonNull(key, "key");
        requireNonNull(hash, "hash");
        byte[] digestInfo = hash.digestInfo(digest);
        try {
            // NONEwithRSA pads what it is given as PKCS#1 v1.5 block type 1: given the DigestInfo, that is
            // SHA256withRSA over the digest's message
            Signature signature = Signature.getInstance("NONEwithRSA");
            signature.initSign(key);
            signature.update(digestInfo);
            return signature.sign();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RsaException("cannot sign a " + hash.jcaName() + " digest with the JDK's RSA: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] decrypt(RSAPrivateKey key, byte[] ciphertext) {
        requireNonNull(key, "key");
        requireNonNull(ciphertext, "ciphertext");
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            cipher.init(Cipher.DECRYPT_MODE, key);
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RsaException("cannot decrypt " + ciphertext.length + " bytes with the JDK's RSA (PKCS#1 v1.5): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return description();
    }
}
