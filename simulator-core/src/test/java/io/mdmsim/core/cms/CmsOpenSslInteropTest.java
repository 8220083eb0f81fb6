package io.mdmsim.core.cms;

import static io.mdmsim.core.cms.OpenSsl.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.mdmsim.core.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our CMS against OpenSSL's, both directions. */
class CmsOpenSslInteropTest {
    private static final TestPki PKI = TestPki.get();
    private static final byte[] CONTENT = "<plist version=\"1.0\"><dict><key>UDID</key><string>0000</string></dict></plist>\n\u0000\r\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        OpenSsl.assumeInstalled();
        Files.write(dir.resolve("content.bin"), CONTENT);
        Files.writeString(dir.resolve("cert.pem"), Pem.encode(PKI.client.certificate()));
        Files.writeString(dir.resolve("key.pem"), Pem.encode(PKI.client.privateKey()));
        Files.writeString(dir.resolve("chain.pem"), Pem.encode(PKI.client.chain()));
        Files.writeString(dir.resolve("root.pem"), Pem.encode(PKI.root.certificate()));
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void opensslVerifiesOurDetachedSignature(DigestAlgorithm digest) throws Exception {
        Files.write(dir.resolve("sig.der"), Cms.signDetached(CONTENT, PKI.client, digest));
        openssl(dir, "cms", "-verify", "-binary", "-noverify", "-inform", "DER", "-in", "sig.der", "-content", "content.bin",
                "-out", "out.bin").assertOk();
        assertArrayEquals(CONTENT, Files.readAllBytes(dir.resolve("out.bin")));
        // and with the chain checked too, against the test root at the fixture's time
        openssl(dir, "cms", "-verify", "-binary", "-purpose", "any", "-attime", Long.toString(TestPki.NOW.getEpochSecond()),
                "-CAfile", "root.pem", "-inform", "DER", "-in", "sig.der", "-content", "content.bin", "-out", "out2.bin").assertOk();
    }

    @Test
    void opensslRejectsOurSignatureOverOtherContent() throws Exception {
        Files.write(dir.resolve("sig.der"), Cms.signDetached(CONTENT, PKI.client));
        Files.writeString(dir.resolve("other.bin"), "other");
        var result = openssl(dir, "cms", "-verify", "-binary", "-noverify", "-inform", "DER", "-in", "sig.der", "-content", "other.bin");
        assertTrue(result.exitCode() != 0, "openssl must refuse");
        assertTrue(result.stderr().contains("verification failure"), result.stderr());
    }

    @Test
    void opensslVerifiesOurAttachedSignature() throws Exception {
        Files.write(dir.resolve("signed.der"), Cms.signAttached(CONTENT, PKI.client));
        openssl(dir, "cms", "-verify", "-binary", "-noverify", "-inform", "DER", "-in", "signed.der", "-out", "out.bin").assertOk();
        assertArrayEquals(CONTENT, Files.readAllBytes(dir.resolve("out.bin")));
    }

    @Test
    void weVerifyOpensslAttachedSignature() throws Exception {
        openssl(dir, "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", "content.bin", "-signer", "cert.pem",
                "-inkey", "key.pem", "-certfile", "chain.pem", "-out", "signed.der").assertOk();
        SignedContent verified = Cms.verifyAttached(Files.readAllBytes(dir.resolve("signed.der")));
        assertArrayEquals(CONTENT, verified.content());
        assertEquals(PKI.client.certificate(), verified.signer());
        assertTrue(verified.certificates().containsAll(PKI.client.certificateAndChain()), verified.certificates()::toString);
    }

    @Test
    void weVerifyOpensslDetachedSignatureAndCatchTampering() throws Exception {
        openssl(dir, "cms", "-sign", "-binary", "-outform", "DER", "-in", "content.bin", "-signer", "cert.pem",
                "-inkey", "key.pem", "-out", "sig.der").assertOk();
        byte[] signature = Files.readAllBytes(dir.resolve("sig.der"));
        assertEquals(PKI.client.certificate(), Cms.verifyDetached(signature, CONTENT).signer());
        byte[] tampered = CONTENT.clone();
        tampered[0] ^= 1;
        var e = org.junit.jupiter.api.Assertions.assertThrows(CmsException.class, () -> Cms.verifyDetached(signature, tampered, "Mdm-Signature"));
        assertEquals("Mdm-Signature does not verify: content digest mismatch (the signature is not over these bytes)", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ContentCipher.class)
    void opensslDecryptsOurEnvelopedData(ContentCipher cipher) throws Exception {
        Files.write(dir.resolve("env.der"), Cms.encrypt(CONTENT, PKI.client.certificate(), cipher));
        List<String> args = new ArrayList<>(List.of("cms", "-decrypt", "-binary", "-inform", "DER", "-in", "env.der",
                "-recip", "cert.pem", "-inkey", "key.pem", "-out", "out.bin"));
        if (cipher == ContentCipher.DES_CBC) {
            // OpenSSL 3 keeps single DES in its legacy provider.
            args.addAll(List.of("-provider", "legacy", "-provider", "default"));
            if (openssl(dir, "list", "-provider", "legacy", "-cipher-algorithms").exitCode() != 0) {
                throw Prerequisites.missing("OpenSSL's legacy provider is not installed (Debian package openssl)"
                        + " for the DES-CBC cross-check");
            }
        }
        openssl(dir, args.toArray(String[]::new)).assertOk();
        assertArrayEquals(CONTENT, Files.readAllBytes(dir.resolve("out.bin")));
    }

    @ParameterizedTest
    @EnumSource(value = ContentCipher.class, names = {"DES_EDE3_CBC", "AES128_CBC", "AES192_CBC", "AES256_CBC"})
    void weDecryptOpensslEnvelopedData(ContentCipher cipher) throws Exception {
        String flag = switch (cipher) {
            case DES_EDE3_CBC -> "-des3";
            case AES128_CBC -> "-aes128";
            case AES192_CBC -> "-aes192";
            case AES256_CBC -> "-aes256";
            case DES_CBC -> throw new AssertionError();
        };
        openssl(dir, "cms", "-encrypt", "-binary", flag, "-outform", "DER", "-in", "content.bin", "-out", "env.der", "cert.pem").assertOk();
        byte[] enveloped = Files.readAllBytes(dir.resolve("env.der"));
        assertEquals(cipher, Cms.contentCipher(enveloped));
        assertArrayEquals(CONTENT, Cms.decrypt(enveloped, PKI.client.certificate(), PKI.client.privateKey()));
    }

    @Test
    void opensslListsOurCertsOnlySignedDataInOrder() throws Exception {
        Files.write(dir.resolve("certs.p7b"), Cms.degenerateCertificates(PKI.client.certificateAndChain()));
        String out = openssl(dir, "pkcs7", "-inform", "DER", "-in", "certs.p7b", "-print_certs", "-noout").assertOk().stdoutText();
        List<String> subjects = out.lines().filter(l -> l.startsWith("subject=")).toList();
        assertEquals(List.of("subject=O = mdmsim test, CN = device-1", "subject=CN = Test Intermediate CA", "subject=CN = Test Root CA"),
                subjects, out);
    }

    @Test
    void weReadOpensslCertsOnlySignedData() throws Exception {
        Files.writeString(dir.resolve("all.pem"), Pem.encode(PKI.client.certificateAndChain()));
        openssl(dir, "crl2pkcs7", "-nocrl", "-certfile", "all.pem", "-outform", "DER", "-out", "certs.p7b").assertOk();
        assertEquals(PKI.client.certificateAndChain(), Cms.parseDegenerate(Files.readAllBytes(dir.resolve("certs.p7b"))));
    }
}
