package io.mdmsim.core.cms.internal;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.crypto.RsaEngine;
import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.core.crypto.RsaException;
import io.mdmsim.core.pki.Bc;
import java.security.Key;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyTransRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;

/**
 * The recipient of a CMS KeyTransRecipientInfo: the content key is unwrapped (RSA PKCS#1 v1.5, rsaEncryption) by the
 * {@link RsaEngine}, checked to be as long as the content cipher's key, and the content decrypted by BouncyCastle
 * (DES and 3DES whatever the JDK's policy). Another key transport (RSAES-OAEP) is left to BouncyCastle and the JDK.
 */
public final class RsaKeyTransRecipient extends JceKeyTransEnvelopedRecipient {
    private final RSAPrivateKey key;
    private final RsaEngine engine;

    private RsaKeyTransRecipient(RSAPrivateKey key, RsaEngine engine) {
        super(key);
        this.key = key;
        this.engine = engine;
        setContentProvider(Bc.PROVIDER);
    }

    /** The recipient for key: an RSA key unwraps by {@link RsaEngines#current()}; another by the JDK's provider. */
    public static KeyTransRecipient of(PrivateKey key) {
        return of(key, RsaEngines.current());
    }

    /** As {@link #of(PrivateKey)} with the given engine. */
    public static KeyTransRecipient of(PrivateKey key, RsaEngine engine) {
        requireNonNull(key, "key");
        requireNonNull(engine, "engine");
        if (key instanceof RSAPrivateKey rsa && "RSA".equals(key.getAlgorithm())) {
            return new RsaKeyTransRecipient(rsa, engine);
        }
        return new JceKeyTransEnvelopedRecipient(key).setContentProvider(Bc.PROVIDER);
    }

    @Override
    protected Key extractSecretKey(AlgorithmIdentifier keyEncryptionAlgorithm, AlgorithmIdentifier encryptedKeyAlgorithm,
            byte[] encryptedEncryptionKey) throws CMSException {
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(keyEncryptionAlgorithm.getAlgorithm())) {
            return super.extractSecretKey(keyEncryptionAlgorithm, encryptedKeyAlgorithm, encryptedEncryptionKey);
        }
        ContentCipher cipher = ContentCipher.fromOid(encryptedKeyAlgorithm.getAlgorithm().getId());
        if (cipher == null) {
            throw new CMSException("content cipher " + encryptedKeyAlgorithm.getAlgorithm().getId() + " is not supported"
                    + " (expected: DES-CBC, DES-EDE3-CBC, AES-128-CBC, AES-192-CBC or AES-256-CBC)");
        }
        byte[] contentKey;
        try {
            contentKey = engine.decrypt(key, encryptedEncryptionKey);
        } catch (RsaException e) {
            throw new CMSException("cannot unwrap the content key: " + e.getMessage(), e);
        }
        int expected = keyBytes(cipher);
        if (contentKey.length != expected) {
            throw new CMSException("the unwrapped content key has " + contentKey.length + " bytes (expected: " + expected
                    + " for " + cipher.displayName() + ")");
        }
        return new SecretKeySpec(contentKey, jcaName(cipher));
    }

    private static int keyBytes(ContentCipher cipher) {
        return switch (cipher) {
            case DES_CBC -> 8;
            case DES_EDE3_CBC -> 24;
            case AES128_CBC, AES192_CBC, AES256_CBC -> cipher.keyBits() / 8;
        };
    }

    private static String jcaName(ContentCipher cipher) {
        return switch (cipher) {
            case DES_CBC -> "DES";
            case DES_EDE3_CBC -> "DESede";
            case AES128_CBC, AES192_CBC, AES256_CBC -> "AES";
        };
    }
}
