package io.mdmsim.core.scep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.testing.GoldenFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HexFormat;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/**
 * SCEP messages as golden files, both directions, from fixed keys (a CA and a requester, PEM beside the files). The
 * CSR is deterministic and written byte for byte. A pkiMessage is not: each encoding draws a fresh content-encryption
 * key and IV (and a CertRep a fresh senderNonce), so its golden file is compared by what it says: decoding the golden
 * gives the request it was made from, and encoding that request again decodes to the same message.
 */
class ScepGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/golden/scep");
    private static final String SUBJECT = "CN=golden-device";
    private static final String CHALLENGE = "golden-challenge";
    private static final byte[] NONCE = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

    private final Identity ca = identity("ca.pem", "ca-key.pem");
    private final Identity requester = identity("requester.pem", "requester-key.pem");
    private final KeyPair requesterKey = new KeyPair(requester.publicKey(), requester.privateKey());

    @Test
    void theCsrIsWrittenByteForByteAndReadBack() throws IOException {
        PKCS10CertificationRequest csr = Scep.csr(requesterKey, SUBJECT, CHALLENGE);
        Path file = DIR.resolve("csr.der");
        GoldenFiles.assertWritten(file, csr.getEncoded());
        PKCS10CertificationRequest read = new PKCS10CertificationRequest(GoldenFiles.read(file));
        assertEquals(CHALLENGE, Scep.challengePassword(read));
        assertEquals(SUBJECT, read.getSubject().toString());
    }

    @Test
    void aPkcsReqDecodesToTheRequestItWasMadeFromAndEncodesToTheSameMessage() throws IOException {
        byte[] encoded = pkcsReq();
        Path file = DIR.resolve("pkcsreq.der");
        writeOnUpdate(file, encoded);
        PkiMessage golden = Scep.parse(GoldenFiles.read(file));
        assertEquals(MessageType.PKCS_REQ, golden.messageType());
        assertEquals(Scep.transactionId(requester.publicKey()), golden.transactionId());
        assertArrayEquals(NONCE, golden.senderNonce());
        assertEquals(DigestAlgorithm.SHA256, golden.digest());
        assertEquals(ContentCipher.AES128_CBC, golden.cipher());
        assertEquals(requester.certificate(), golden.signerCertificate());
        byte[] csr = Scep.csr(requesterKey, SUBJECT, CHALLENGE).getEncoded();
        assertArrayEquals(csr, Scep.requestCsr(golden, ca).getEncoded(), "the golden request carries the golden CSR");

        PkiMessage again = Scep.parse(encoded);
        assertSameMessage(golden, again);
        assertArrayEquals(csr, Scep.requestCsr(again, ca).getEncoded());
    }

    @Test
    void aCertRepFailureDecodesToTheAnswerItWasMadeFromAndEncodesToTheSameMessage() {
        PkiMessage request = Scep.parse(pkcsReq());
        byte[] encoded = Scep.certRepFailure(request, FailInfo.BAD_REQUEST, ca);
        Path file = DIR.resolve("certrep-failure.der");
        writeOnUpdate(file, encoded);
        PkiMessage golden = Scep.parse(GoldenFiles.read(file));
        assertEquals(MessageType.CERT_REP, golden.messageType());
        assertEquals(PkiStatus.FAILURE, golden.pkiStatus());
        assertEquals(FailInfo.BAD_REQUEST, golden.failInfo());
        assertEquals(request.transactionId(), golden.transactionId());
        assertArrayEquals(NONCE, golden.recipientNonce(), "the answer names the request's nonce");
        assertEquals(ca.certificate(), golden.signerCertificate());

        assertSameMessage(golden, Scep.parse(encoded));
    }

    private byte[] pkcsReq() {
        return Scep.request(MessageType.PKCS_REQ, Scep.csr(requesterKey, SUBJECT, CHALLENGE), requester,
                ca.certificate(), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256,
                Scep.transactionId(requester.publicKey()), NONCE);
    }

    /** Everything a pkiMessage says except what each encoding draws afresh (content key, IV, a CertRep's nonce). */
    private static void assertSameMessage(PkiMessage expected, PkiMessage actual) {
        assertEquals(expected.messageType(), actual.messageType());
        assertEquals(expected.transactionId(), actual.transactionId());
        assertEquals(expected.pkiStatus(), actual.pkiStatus());
        assertEquals(expected.failInfo(), actual.failInfo());
        assertEquals(expected.digest(), actual.digest());
        assertEquals(expected.cipher(), actual.cipher());
        assertEquals(expected.signerCertificate(), actual.signerCertificate());
        assertArrayEquals(expected.recipientNonce(), actual.recipientNonce());
        if (expected.messageType() != MessageType.CERT_REP) {
            assertArrayEquals(expected.senderNonce(), actual.senderNonce());
        }
    }

    /** Under {@code -Dgolden.update=true} the file is written again (review the diff); else it is only read. */
    private static void writeOnUpdate(Path file, byte[] encoded) {
        if (Boolean.getBoolean("golden.update")) {
            try {
                Files.write(file, encoded);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Identity identity(String cert, String key) {
        try {
            return new Identity(Pem.certificate(Files.readString(DIR.resolve(cert), StandardCharsets.US_ASCII)),
                    Pem.privateKey(Files.readString(DIR.resolve(key), StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
