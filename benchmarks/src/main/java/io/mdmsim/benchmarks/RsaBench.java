package io.mdmsim.benchmarks;

import io.mdmsim.core.crypto.HashAlgorithm;
import io.mdmsim.core.crypto.RsaEngine;
import io.mdmsim.core.crypto.RsaEngines;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPrivateKey;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RSA-2048 private-key primitive by each engine: a PKCS#1 v1.5 signature over a SHA-256 digest (every
 * Mdm-Signature, certificate, CSR and SCEP message) and a PKCS#1 v1.5 decryption (the content key of a CMS
 * EnvelopedData: SCEP requests and CertReps). {@code native} needs libcrypto.so.3 and Java 22+.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RsaBench {
    @Param({"jdk", "native"})
    public String engine;

    private RsaEngine rsa;
    private final RSAPrivateKey key = (RSAPrivateKey) Fixtures.MDM_IDENTITY.privateKey();
    private final byte[] digest = HashAlgorithm.SHA256.newDigest().digest("bench".getBytes(StandardCharsets.US_ASCII));
    private byte[] wrappedKey;

    @Setup
    public void setUp() throws GeneralSecurityException {
        rsa = RsaEngines.choose(engine);
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, Fixtures.MDM_IDENTITY.publicKey());
        wrappedKey = cipher.doFinal(new byte[24]);
    }

    @Benchmark
    public byte[] sign() {
        return rsa.sign(key, HashAlgorithm.SHA256, digest);
    }

    @Benchmark
    public byte[] decrypt() {
        return rsa.decrypt(key, wrappedKey);
    }
}
