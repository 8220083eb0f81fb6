package io.mdmsim.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.testing.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both RSA engines give the same bytes; what libcrypto signs, the openssl tool verifies; bad input is a clear error. */
class RsaEngineTest {
    private static final KeyPair KEY = rsa(2048);
    private static final byte[] MESSAGE = "<plist><dict><key>Status</key><string>Idle</string></dict></plist>"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAPrivateKey privateKey() {
        return (RSAPrivateKey) KEY.getPrivate();
    }

    @ParameterizedTest
    @EnumSource(HashAlgorithm.class)
    void bothEnginesMakeTheJdksSignature(HashAlgorithm hash) throws Exception {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        byte[] digest = hash.newDigest().digest(MESSAGE);
        Signature jca = Signature.getInstance(hash.signatureAlgorithm("RSA"));
        jca.initSign(KEY.getPrivate());
        jca.update(MESSAGE);
        byte[] expected = jca.sign();
        assertArrayEquals(expected, RsaEngines.jdk().sign(privateKey(), hash, digest), "jdk engine");
        assertArrayEquals(expected, nativeRsa.sign(privateKey(), hash, digest), "native engine");
    }

    @Test
    void opensslVerifiesTheNativeSignature() throws Exception {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        Path openssl = ExternalTools.require("openssl", "openssl");
        byte[] signature = nativeRsa.sign(privateKey(), HashAlgorithm.SHA256, HashAlgorithm.SHA256.newDigest().digest(MESSAGE));
        Files.write(dir.resolve("message"), MESSAGE);
        Files.write(dir.resolve("signature"), signature);
        Files.writeString(dir.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(KEY.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        ExternalTools.Result verified = ExternalTools.run(null, openssl, "dgst", "-sha256", "-verify", dir.resolve("public.pem"),
                "-signature", dir.resolve("signature"), dir.resolve("message"));
        assertTrue(verified.stdoutText().contains("Verified OK"), verified.stdoutText());
        Files.write(dir.resolve("other"), "other".getBytes(StandardCharsets.US_ASCII));
        ExternalTools.Result refused = ExternalTools.runAllowingFailure(null, openssl, "dgst", "-sha256", "-verify",
                dir.resolve("public.pem"), "-signature", dir.resolve("signature"), dir.resolve("other"));
        assertTrue(refused.exitCode() != 0, "openssl must refuse the signature over other bytes");
    }

    @Test
    void bothEnginesDecryptWhatTheJdkEncrypted() throws Exception {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        byte[] contentKey = "0123456789abcdef01234567".getBytes(StandardCharsets.US_ASCII);
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, KEY.getPublic());
        byte[] wrapped = cipher.doFinal(contentKey);
        assertArrayEquals(contentKey, RsaEngines.jdk().decrypt(privateKey(), wrapped));
        assertArrayEquals(contentKey, nativeRsa.decrypt(privateKey(), wrapped));
    }

    @Test
    void aCiphertextThatIsNoPkcs1EncryptionIsAClearError() {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        byte[] garbage = new byte[256];
        garbage[5] = 7;
        RsaException e = assertThrows(RsaException.class, () -> nativeRsa.decrypt(privateKey(), garbage));
        assertTrue(e.getMessage().startsWith("libcrypto: EVP_PKEY_decrypt (PKCS#1 v1.5) returned"), e.getMessage());
        RsaException tooLong = assertThrows(RsaException.class, () -> nativeRsa.decrypt(privateKey(), new byte[257]));
        assertEquals("cannot decrypt 257 bytes with an RSA key of 256 bytes (expected: 1..256 bytes, a number below the"
                + " modulus)", tooLong.getMessage());
        assertThrows(RsaException.class, () -> RsaEngines.jdk().decrypt(privateKey(), garbage));
    }

    @Test
    void aDigestOfTheWrongLengthIsRefusedBeforeLibcrypto() {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> nativeRsa.sign(privateKey(), HashAlgorithm.SHA256, new byte[20]));
        assertEquals("digest: 20 bytes (expected: 32 for SHA-256)", e.getMessage());
    }

    @Test
    void otherKeySizesAndManyThreadsSignAlike() throws Exception {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        List<KeyPair> keys = List.of(rsa(1024), rsa(3072), KEY);
        byte[] digest = HashAlgorithm.SHA256.newDigest().digest(MESSAGE);
        List<Callable<Boolean>> jobs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            RSAPrivateKey key = (RSAPrivateKey) keys.get(i % keys.size()).getPrivate();
            jobs.add(() -> java.util.Arrays.equals(RsaEngines.jdk().sign(key, HashAlgorithm.SHA256, digest),
                    nativeRsa.sign(key, HashAlgorithm.SHA256, digest)));
        }
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (Future<Boolean> same : threads.invokeAll(jobs)) {
                assertTrue(same.get());
            }
        }
    }

    @Test
    void theSettingChoosesTheEngine() {
        assertSame(RsaEngines.jdk(), RsaEngines.choose("jdk"));
        RsaException e = assertThrows(RsaException.class, () -> RsaEngines.choose("fast"));
        assertEquals("MDMSIM_RSA=fast (expected: auto, native or jdk)", e.getMessage());
        assertEquals(RsaEngines.nativeAvailable() ? "native" : "jdk", RsaEngines.choose("auto").id());
    }
}
