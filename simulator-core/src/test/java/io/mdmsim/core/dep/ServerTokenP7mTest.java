package io.mdmsim.core.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.SmimeP7m;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.testing.ExternalTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTokenP7mTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final ServerToken TOKEN = new ServerToken("CK_1", "CS_2", "AT_3", "AS_4",
            Instant.parse("2026-01-01T00:00:00Z"));
    private static Identity mdm;
    private static Identity other;

    @BeforeAll
    static void identities() {
        CertificateAuthority ca = CertificateAuthority.selfSignedRoot("test CA", NOW, Duration.ofDays(3650));
        mdm = ca.issueClientIdentity("CN=MDM DEP token key", NOW, Duration.ofDays(365));
        other = ca.issueClientIdentity("CN=someone else", NOW, Duration.ofDays(365));
    }

    @Test
    void roundTripThroughTheSmimeFile() {
        byte[] p7m = TOKEN.toP7m(mdm.certificate());
        String text = new String(p7m, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; "
                + "smime-type=enveloped-data\r\n"), text);
        assertEquals(ContentCipher.AES128_CBC, Cms.contentCipher(SmimeP7m.unwrap(p7m)));
        assertEquals(TOKEN, ServerToken.fromP7m(p7m, mdm.certificate(), mdm.privateKey()));
    }

    @Test
    void aTokenForAnotherCertificateIsAClearError() {
        byte[] p7m = TOKEN.toP7m(other.certificate());
        CmsException e = assertThrows(CmsException.class,
                () -> ServerToken.fromP7m(p7m, mdm.certificate(), mdm.privateKey()));
        assertTrue(e.getMessage().startsWith("EnvelopedData is not encrypted to certificate"), e.getMessage());
    }

    @Test
    void encryptedContentThatIsNotATokenIsADepException() {
        byte[] p7m = SmimeP7m.wrap(Cms.encrypt("hello".getBytes(StandardCharsets.UTF_8), mdm.certificate(),
                ContentCipher.AES128_CBC));
        DepException e = assertThrows(DepException.class,
                () -> ServerToken.fromP7m(p7m, mdm.certificate(), mdm.privateKey()));
        assertTrue(e.getMessage().startsWith("server token: no JSON object found"), e.getMessage());
    }

    @Test
    void opensslDecryptsTheTokenFileAsTheAppleDocDescribes(@TempDir Path dir) throws Exception {
        Path openssl = ExternalTools.require("openssl", "openssl");
        Path p7m = Files.write(dir.resolve("token.p7m"), TOKEN.toP7m(mdm.certificate()));
        Path cert = Files.writeString(dir.resolve("cert.pem"), Pem.encode(mdm.certificate()));
        Path key = Files.writeString(dir.resolve("key.pem"), Pem.encode(mdm.privateKey()));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(openssl.toString(), "smime", "-decrypt", "-in", p7m.toString(),
                "-recip", cert.toString(), "-inkey", key.toString(), "-out", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), log);
        byte[] decrypted = readAll(out);
        assertEquals(new String(TOKEN.toMimeContent(), StandardCharsets.UTF_8),
                new String(decrypted, StandardCharsets.UTF_8));
        assertEquals(TOKEN, ServerToken.fromMimeContent(decrypted));
    }

    private static byte[] readAll(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
