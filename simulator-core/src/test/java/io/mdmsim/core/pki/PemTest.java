package io.mdmsim.core.pki;

import static io.mdmsim.core.cms.OpenSsl.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.cms.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
    private static final TestPki PKI = TestPki.get();

    @Test
    void certificateRoundTrips() throws Exception {
        String pem = Pem.encode(PKI.client.certificate());
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n"), pem);
        assertTrue(pem.endsWith("\n-----END CERTIFICATE-----\n"), pem);
        assertTrue(pem.lines().allMatch(l -> l.length() <= 64), "64-character lines");
        assertArrayEquals(PKI.client.certificate().getEncoded(), Pem.certificate(pem).getEncoded());
    }

    @Test
    void chainKeepsItsOrder() {
        List<X509Certificate> chain = PKI.client.certificateAndChain();
        assertEquals(chain, Pem.certificates(Pem.encode(chain)));
        assertEquals(chain.get(0), Pem.certificate(Pem.encode(chain)));
    }

    @Test
    void pkcs8AndPkcs1KeysRoundTrip() {
        PrivateKey key = PKI.client.privateKey();
        String pkcs8 = Pem.encode(key);
        assertTrue(pkcs8.startsWith("-----BEGIN PRIVATE KEY-----\n"), pkcs8);
        assertTrue(Certificates.keyMatches(PKI.client.certificate(), Pem.privateKey(pkcs8)));
        String pkcs1 = Pem.encodePkcs1(key);
        assertTrue(pkcs1.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), pkcs1);
        assertTrue(Certificates.keyMatches(PKI.client.certificate(), Pem.privateKey(pkcs1)));
    }

    @Test
    void keyAndCertificateInOneFile() {
        String both = Pem.encode(PKI.client.privateKey()) + Pem.encode(PKI.client.certificate());
        assertEquals(PKI.client.certificate(), Pem.certificate(both));
        assertTrue(Certificates.keyMatches(PKI.client.certificate(), Pem.privateKey(both)));
    }

    @Test
    void readsKeysOpensslWrites(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        openssl(dir, "genrsa", "-out", "pkcs8.pem", "2048").assertOk();
        openssl(dir, "rsa", "-in", "pkcs8.pem", "-traditional", "-out", "pkcs1.pem").assertOk();
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem").assertOk();
        String pkcs8 = Files.readString(dir.resolve("pkcs8.pem"));
        String pkcs1 = Files.readString(dir.resolve("pkcs1.pem"));
        assertTrue(pkcs1.contains("BEGIN RSA PRIVATE KEY"), pkcs1);
        assertEquals(Pem.privateKey(pkcs8), Pem.privateKey(pkcs1));
        assertEquals("EC", Pem.privateKey(Files.readString(dir.resolve("ec.pem"))).getAlgorithm());
    }

    @Test
    void opensslReadsWhatWeWrite(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        Files.writeString(dir.resolve("key8.pem"), Pem.encode(PKI.client.privateKey()));
        Files.writeString(dir.resolve("key1.pem"), Pem.encodePkcs1(PKI.client.privateKey()));
        Files.writeString(dir.resolve("cert.pem"), Pem.encode(PKI.client.certificate()));
        String modulus8 = openssl(dir, "rsa", "-noout", "-modulus", "-in", "key8.pem").assertOk().stdoutText();
        String modulus1 = openssl(dir, "rsa", "-noout", "-modulus", "-in", "key1.pem").assertOk().stdoutText();
        String certModulus = openssl(dir, "x509", "-noout", "-modulus", "-in", "cert.pem").assertOk().stdoutText();
        assertEquals(certModulus, modulus8);
        assertEquals(certModulus, modulus1);
    }

    @Test
    void emptyOrNonPemTextIsNamed() {
        var empty = assertThrows(PemException.class, () -> Pem.certificate(""));
        assertEquals("no PEM block in the text (expected a line like -----BEGIN CERTIFICATE-----; got empty text)", empty.getMessage());
        var json = assertThrows(PemException.class, () -> Pem.certificates("{\"certificate\": \"MIIB...\"}"));
        assertEquals("no PEM block in the text (expected a line like -----BEGIN CERTIFICATE-----; got 26 characters starting"
                + " \"{\"certificate\": \"MII...\")", json.getMessage());
    }

    @Test
    void keyWhereACertificateIsExpected() {
        var e = assertThrows(PemException.class, () -> Pem.certificate(Pem.encode(PKI.client.privateKey())));
        assertEquals("no CERTIFICATE block in the PEM text (found: PRIVATE KEY)", e.getMessage());
        var k = assertThrows(PemException.class, () -> Pem.privateKey(Pem.encode(PKI.client.certificate())));
        assertEquals("no private key in the PEM text (found: CERTIFICATE; expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                k.getMessage());
    }

    @Test
    void corruptBase64IsMalformed() {
        String pem = Pem.encode(PKI.client.certificate());
        String broken = pem.replaceFirst("\n[A-Za-z0-9+/]{10}", "\n!!!!!!!!!!");
        var e = assertThrows(PemException.class, () -> Pem.certificate(broken));
        assertTrue(e.getMessage().startsWith("malformed PEM text: "), e.getMessage());
    }

    @Test
    void encryptedKeyIsRefusedWithAHint(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        Files.writeString(dir.resolve("key.pem"), Pem.encode(PKI.client.privateKey()));
        openssl(dir, "pkcs8", "-topk8", "-in", "key.pem", "-out", "enc.pem", "-passout", "pass:secret").assertOk();
        var e = assertThrows(PemException.class, () -> Pem.privateKey(Files.readString(dir.resolve("enc.pem"))));
        assertEquals("the private key is encrypted, which is not supported (expected an unencrypted key;"
                + " decrypt it with: openssl pkey -in key.pem -out plain-key.pem)", e.getMessage());
    }
}
