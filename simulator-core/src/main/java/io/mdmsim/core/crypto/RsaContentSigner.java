package io.mdmsim.core.crypto;

import static java.util.Objects.requireNonNull;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A BouncyCastle {@link ContentSigner} for SHA-x with RSA (PKCS#1 v1.5): the content is digested as it is written
 * (the JDK's digest), and the signature over the digest is the {@link RsaEngine}'s. One signer per signature, as
 * BouncyCastle uses them; not thread-safe.
 */
public final class RsaContentSigner implements ContentSigner {
    private static final DefaultSignatureAlgorithmIdentifierFinder IDS = new DefaultSignatureAlgorithmIdentifierFinder();

    private final RSAPrivateKey key;
    private final HashAlgorithm hash;
    private final RsaEngine engine;
    private final AlgorithmIdentifier algorithm;
    private final MessageDigest digest;
    private final OutputStream out;

    public RsaContentSigner(RSAPrivateKey key, HashAlgorithm hash, RsaEngine engine) {
        this.key = requireNonNull(key, "key");
        this.hash = requireNonNull(hash, "hash");
        this.engine = requireNonNull(engine, "engine");
        this.algorithm = IDS.find(hash.signatureAlgorithm("RSA"));
        this.digest = hash.newDigest();
        this.out = new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        };
    }

    /**
     * The signer for key and hash: an RSA key signs by {@link RsaEngines#current()}, another (EC) by the JDK through
     * BouncyCastle's JCA builder (IllegalArgumentException for a key algorithm that is neither, such as RSASSA-PSS).
     */
    public static ContentSigner of(PrivateKey key, HashAlgorithm hash) throws OperatorCreationException {
        requireNonNull(key, "key");
        requireNonNull(hash, "hash");
        if (key instanceof RSAPrivateKey rsa && "RSA".equals(key.getAlgorithm())) {
            return new RsaContentSigner(rsa, hash, RsaEngines.current());
        }
        return new JcaContentSignerBuilder(hash.signatureAlgorithm(key.getAlgorithm())).build(key);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public byte[] getSignature() {
        return engine.sign(key, hash, digest.digest());
    }
}
