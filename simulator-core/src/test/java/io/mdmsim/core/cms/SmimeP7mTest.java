package io.mdmsim.core.cms;

import static io.mdmsim.core.cms.OpenSsl.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmimeP7mTest {
    private static final TestPki PKI = TestPki.get();
    private static final byte[] MIME_CONTENT = ("Content-Type: text/plain;charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            + "-----BEGIN MESSAGE-----{\"consumer_key\":\"CK_x\",\"access_token_expiry\":\"2027-01-01T00:00:00Z\"}-----END MESSAGE-----")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void wrapHasTheHeadersABlankLineAnd76CharacterBase64Lines() {
        byte[] der = Cms.encrypt(MIME_CONTENT, PKI.client.certificate(), ContentCipher.AES128_CBC);
        String text = new String(SmimeP7m.wrap(der), StandardCharsets.US_ASCII);
        String[] parts = text.split("\r\n\r\n", 2);
        assertEquals(List.of(
                "Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type=enveloped-data",
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename=\"smime.p7m\"",
                "Content-Description: S/MIME Encrypted Message"), List.of(parts[0].split("\r\n")));
        List<String> lines = List.of(parts[1].split("\r\n"));
        assertTrue(lines.stream().limit(lines.size() - 1).allMatch(l -> l.length() == 76), "full lines of 76");
        assertTrue(lines.get(lines.size() - 1).length() <= 76);
        assertTrue(text.endsWith("\r\n"));
        assertArrayEquals(der, SmimeP7m.unwrap(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void unwrapTakesLfLineEndingsAndFoldedHeaders() {
        byte[] der = Cms.encrypt(MIME_CONTENT, PKI.client.certificate(), ContentCipher.AES128_CBC);
        String lf = new String(SmimeP7m.wrap(der), StandardCharsets.US_ASCII).replace("\r\n", "\n")
                .replace("; smime-type=", ";\n\tsmime-type=");
        assertArrayEquals(der, SmimeP7m.unwrap(lf.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void opensslSmimeDecryptsOurWrap(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        byte[] p7m = SmimeP7m.wrap(Cms.encrypt(MIME_CONTENT, PKI.client.certificate(), ContentCipher.AES128_CBC));
        Files.write(dir.resolve("token.p7m"), p7m);
        Files.writeString(dir.resolve("cert.pem"), Pem.encode(PKI.client.certificate()));
        Files.writeString(dir.resolve("key.pem"), Pem.encode(PKI.client.privateKey()));
        openssl(dir, "smime", "-decrypt", "-in", "token.p7m", "-recip", "cert.pem", "-inkey", "key.pem", "-out", "plain.txt").assertOk();
        assertArrayEquals(MIME_CONTENT, Files.readAllBytes(dir.resolve("plain.txt")));
    }

    @Test
    void weUnwrapWhatOpensslSmimeEncrypts(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        Files.write(dir.resolve("plain.txt"), MIME_CONTENT);
        Files.writeString(dir.resolve("cert.pem"), Pem.encode(PKI.client.certificate()));
        openssl(dir, "smime", "-encrypt", "-binary", "-aes128", "-in", "plain.txt", "-out", "token.p7m", "cert.pem").assertOk();
        byte[] der = SmimeP7m.unwrap(Files.readAllBytes(dir.resolve("token.p7m")));
        assertEquals(ContentCipher.AES128_CBC, Cms.contentCipher(der));
        assertArrayEquals(MIME_CONTENT, Cms.decrypt(der, PKI.client.certificate(), PKI.client.privateKey()));
    }

    @Test
    void badInputsSayWhatIsWrong() {
        assertEquals("not an S/MIME .p7m: empty", message(""));
        assertEquals("not an S/MIME .p7m: no blank line after the MIME headers (expected headers such as"
                + " Content-Type: application/pkcs7-mime, a blank line, then base64)", message("MIAGCSqGSIb3DQEHA6CAMIACAQAx"));
        assertEquals("not an S/MIME .p7m: Content-Type: text/plain (expected: application/pkcs7-mime)",
                message("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n"));
        assertEquals("not an S/MIME .p7m: no Content-Type header (expected: application/pkcs7-mime)",
                message("Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n"));
        assertEquals("not an S/MIME .p7m: Content-Transfer-Encoding: 7bit (expected: base64)",
                message("Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: 7bit\r\n\r\nAAAA\r\n"));
        assertEquals("not an S/MIME .p7m: Content-Transfer-Encoding: null (expected: base64)",
                message("Content-Type: application/pkcs7-mime\r\n\r\nAAAA\r\n"));
        assertTrue(message("Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%%\r\n")
                .startsWith("not an S/MIME .p7m: the body is not base64 ("));
        assertEquals("not an S/MIME .p7m: the body is empty (expected base64 of a CMS EnvelopedData)",
                message("Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: base64\r\n\r\n\r\n"));
        assertEquals("not an S/MIME .p7m: \"garbage line\" is not a MIME header line (expected Name: value)",
                message("garbage line\r\n\r\nAAAA"));
    }

    private static String message(String smime) {
        return assertThrows(CmsException.class, () -> SmimeP7m.unwrap(smime.getBytes(StandardCharsets.US_ASCII))).getMessage();
    }
}
