package io.mdmsim.core.scep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScepTest {
    private static final Instant NOW = TestPki.NOW;
    private static final TestPki PKI = TestPki.get();
    /** The SCEP CA: an intermediate of the test root, as in SimPki. */
    private static final CertificateAuthority CA = PKI.intermediate;
    private static final KeyPair DEVICE_KEY = KeyPairs.rsa2048();
    private static final String UDID = "00008110-000A1C2E3E48801E";
    private static final Identity SIGNER = Scep.selfSigned(DEVICE_KEY, "CN=" + UDID, NOW);
    private static final PKCS10CertificationRequest CSR = Scep.csr(DEVICE_KEY, "CN=" + UDID, "one-time-challenge");
    private static final byte[] NONCE = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    private static byte[] pkcsReq(ContentCipher cipher, DigestAlgorithm digest) {
        return Scep.request(MessageType.PKCS_REQ, CSR, SIGNER, CA.certificate(), cipher, digest,
                Scep.transactionId(DEVICE_KEY.getPublic()), NONCE);
    }

    static Stream<Arguments> cipherAndDigest() {
        return Arrays.stream(ContentCipher.values())
                .flatMap(c -> Arrays.stream(DigestAlgorithm.values()).map(d -> Arguments.of(c, d)));
    }

    @Test
    void csrCarriesTheChallengePassword() throws Exception {
        assertEquals("one-time-challenge", Scep.challengePassword(CSR));
        assertEquals("CN=" + UDID, CSR.getSubject().toString());
        assertTrue(CSR.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(DEVICE_KEY.getPublic())));
        assertNull(Scep.challengePassword(Scep.csr(DEVICE_KEY, "CN=x", null)));
        assertEquals("pässwort ✓", Scep.challengePassword(Scep.csr(DEVICE_KEY, "CN=x", "pässwort ✓")));
    }

    @Test
    void selfSignedSignerIsValidAroundNow() throws Exception {
        X509Certificate c = SIGNER.certificate();
        c.verify(DEVICE_KEY.getPublic());
        c.checkValidity(java.util.Date.from(NOW));
        assertEquals("CN=" + UDID, c.getSubjectX500Principal().getName());
        assertEquals(List.of(), SIGNER.chain());
    }

    @Test
    void transactionIdIsHexSha256OfThePublicKey() throws Exception {
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(DEVICE_KEY.getPublic().getEncoded()));
        assertEquals(expected, Scep.transactionId(DEVICE_KEY.getPublic()));
        assertEquals(64, expected.length());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cipherAndDigest")
    void pkcsReqAndCertRepSuccessRoundTrip(ContentCipher cipher, DigestAlgorithm digest) throws Exception {
        byte[] wire = pkcsReq(cipher, digest);

        // server side
        PkiMessage request = Scep.parse(wire);
        assertEquals(MessageType.PKCS_REQ, request.messageType());
        assertEquals(Scep.transactionId(DEVICE_KEY.getPublic()), request.transactionId());
        assertArrayEquals(NONCE, request.senderNonce());
        assertNull(request.recipientNonce());
        assertNull(request.pkiStatus());
        assertEquals(SIGNER.certificate(), request.signerCertificate());
        assertEquals(digest, request.digest());
        assertEquals(cipher, request.cipher());
        assertArrayEquals(wire, request.raw());
        PKCS10CertificationRequest csr = Scep.requestCsr(request, CA.identity());
        assertArrayEquals(CSR.getEncoded(), csr.getEncoded());
        assertArrayEquals(CSR.getEncoded(), Scep.decryptContent(request, CA.certificate(), CA.privateKey()));
        assertEquals("one-time-challenge", Scep.challengePassword(csr));
        X509Certificate issued = CA.issue(csr, NOW, Duration.ofDays(365));
        byte[] reply = Scep.certRepSuccess(request, List.of(issued, CA.certificate()), CA.identity());

        // client side
        PkiMessage certRep = Scep.parse(reply);
        assertEquals(MessageType.CERT_REP, certRep.messageType());
        assertEquals(PkiStatus.SUCCESS, certRep.pkiStatus());
        assertNull(certRep.failInfo());
        assertEquals(request.transactionId(), certRep.transactionId());
        assertArrayEquals(NONCE, certRep.recipientNonce());
        assertEquals(Scep.NONCE_LENGTH, certRep.senderNonce().length);
        assertEquals(CA.certificate(), certRep.signerCertificate());
        assertEquals(digest, certRep.digest(), "answers with the request's digest");
        assertEquals(cipher, certRep.cipher(), "answers with the request's cipher");
        List<X509Certificate> certs = Scep.issuedCertificates(certRep, SIGNER);
        assertEquals(List.of(issued, CA.certificate()), certs);
        assertEquals(DEVICE_KEY.getPublic(), certs.get(0).getPublicKey());
        assertEquals("CN=" + UDID, certs.get(0).getSubjectX500Principal().getName());
        assertEquals(List.of(issued, CA.certificate()),
                Cms.parseDegenerate(Scep.decryptContent(certRep, SIGNER.certificate(), SIGNER.privateKey())));
    }

    @Test
    void renewalReqSignedWithTheCurrentIdentity() {
        Identity current = CA.issueClientIdentity("CN=" + UDID, NOW, Duration.ofDays(30));
        KeyPair newKey = KeyPairs.rsa2048();
        byte[] wire = Scep.request(MessageType.RENEWAL_REQ, Scep.csr(newKey, "CN=" + UDID, null), current, CA.certificate(),
                ContentCipher.AES256_CBC, DigestAlgorithm.SHA256, Scep.transactionId(newKey.getPublic()), Scep.newNonce());
        PkiMessage request = Scep.parse(wire);
        assertEquals(MessageType.RENEWAL_REQ, request.messageType());
        assertEquals(current.certificate(), request.signerCertificate());
        assertNull(Scep.challengePassword(Scep.requestCsr(request, CA.identity())));
        PkiMessage reply = Scep.parse(Scep.certRepSuccess(request, List.of(CA.issue(Scep.requestCsr(request, CA.identity()), NOW,
                Duration.ofDays(30))), CA.identity()));
        assertEquals(newKey.getPublic(), Scep.issuedCertificates(reply, current, newKey.getPublic()).get(0).getPublicKey());
    }

    @Test
    void certRepFailureCarriesFailInfoAndNoContent() {
        PkiMessage request = Scep.parse(pkcsReq(ContentCipher.DES_CBC, DigestAlgorithm.SHA1));
        PkiMessage reply = Scep.parse(Scep.certRepFailure(request, FailInfo.BAD_REQUEST, CA.identity()));
        assertEquals(MessageType.CERT_REP, reply.messageType());
        assertEquals(PkiStatus.FAILURE, reply.pkiStatus());
        assertEquals(FailInfo.BAD_REQUEST, reply.failInfo());
        assertEquals(request.transactionId(), reply.transactionId());
        assertArrayEquals(request.senderNonce(), reply.recipientNonce());
        assertEquals(DigestAlgorithm.SHA1, reply.digest());
        assertNull(reply.envelopedData());
        assertNull(reply.cipher());
        var e = assertThrows(ScepException.class, () -> Scep.issuedCertificates(reply, SIGNER));
        assertEquals("pkiMessage is CERT_REP FAILURE (BAD_REQUEST) (expected: CERT_REP SUCCESS)", e.getMessage());
        var d = assertThrows(ScepException.class, () -> Scep.decryptContent(reply, SIGNER.certificate(), SIGNER.privateKey()));
        assertEquals("pkiMessage CERT_REP FAILURE has no encrypted content", d.getMessage());
    }

    @Test
    void certRepPending() {
        PkiMessage request = Scep.parse(pkcsReq(ContentCipher.AES128_CBC, DigestAlgorithm.SHA256));
        PkiMessage reply = Scep.parse(Scep.certRepPending(request, CA.identity()));
        assertEquals(PkiStatus.PENDING, reply.pkiStatus());
        assertNull(reply.failInfo());
        assertNull(reply.envelopedData());
        assertEquals(request.transactionId(), reply.transactionId());
        assertArrayEquals(request.senderNonce(), reply.recipientNonce());
    }

    @Test
    void flippedByteInTheEncryptedContentFails() {
        byte[] wire = pkcsReq(ContentCipher.AES128_CBC, DigestAlgorithm.SHA256);
        byte[] enveloped = Scep.parse(wire).envelopedData();
        int at = indexOf(wire, enveloped) + enveloped.length - 5;
        wire[at] ^= 1;
        var e = assertThrows(ScepException.class, () -> Scep.parse(wire));
        assertEquals("pkiMessage signature does not verify: content digest mismatch (the signature is not over these bytes)", e.getMessage());
    }

    @Test
    void changedTransactionIdFails() {
        byte[] wire = pkcsReq(ContentCipher.AES128_CBC, DigestAlgorithm.SHA256);
        int at = indexOf(wire, Scep.transactionId(DEVICE_KEY.getPublic()).getBytes(StandardCharsets.US_ASCII));
        wire[at] = (byte) (wire[at] == 'a' ? 'b' : 'a');
        var e = assertThrows(ScepException.class, () -> Scep.parse(wire));
        assertEquals("pkiMessage signature does not verify: the signature value does not match the key of CN=" + UDID, e.getMessage());
    }

    @Test
    void flippedSignatureByteFails() {
        byte[] wire = pkcsReq(ContentCipher.DES_EDE3_CBC, DigestAlgorithm.SHA1);
        wire[wire.length - 3] ^= 0x10;
        var e = assertThrows(ScepException.class, () -> Scep.parse(wire));
        assertEquals("pkiMessage signature does not verify: the signature value does not match the key of CN=" + UDID, e.getMessage());
    }

    @Test
    void garbageIsNotAPkiMessage() {
        var e = assertThrows(ScepException.class, () -> Scep.parse("GET /scep".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().startsWith("pkiMessage is not a CMS SignedData: not DER/BER ContentInfo ("), e.getMessage());
        var env = assertThrows(ScepException.class, () -> Scep.parse(Cms.encrypt(new byte[10], CA.certificate(), ContentCipher.AES128_CBC)));
        assertEquals("pkiMessage is not a CMS SignedData: its content type is 1.2.840.113549.1.7.3 (envelopedData)", env.getMessage());
    }

    @Test
    void signedDataWithoutScepAttributesIsRefused() {
        byte[] plain = Cms.signAttached(new byte[] {1, 2, 3}, SIGNER);
        var e = assertThrows(ScepException.class, () -> Scep.parse(plain));
        assertEquals("pkiMessage has no messageType attribute", e.getMessage());
    }

    @Test
    void decryptingWithTheWrongIdentityFails() {
        PkiMessage request = Scep.parse(pkcsReq(ContentCipher.AES128_CBC, DigestAlgorithm.SHA256));
        var e = assertThrows(ScepException.class, () -> Scep.requestCsr(request, PKI.root.identity()));
        assertTrue(e.getMessage().startsWith("cannot decrypt the pkiMessage content: EnvelopedData is not encrypted to certificate CN=Test Root CA"),
                e.getMessage());
    }

    @Test
    void certRepWithNoCertificateForTheRequesterIsRefused() {
        PkiMessage request = Scep.parse(pkcsReq(ContentCipher.AES128_CBC, DigestAlgorithm.SHA256));
        PkiMessage reply = Scep.parse(Scep.certRepSuccess(request, List.of(CA.certificate()), CA.identity()));
        var e = assertThrows(ScepException.class, () -> Scep.issuedCertificates(reply, SIGNER));
        assertEquals("CertRep SUCCESS holds 1 certificate(s), none for the requested key", e.getMessage());
    }

    @Test
    void badRequestArgumentsSayWhatWasExpected() {
        var type = assertThrows(IllegalArgumentException.class, () -> Scep.request(MessageType.GET_CERT, CSR, SIGNER, CA.certificate(),
                ContentCipher.AES128_CBC, DigestAlgorithm.SHA256, "t", NONCE));
        assertEquals("type: GET_CERT (expected: PKCS_REQ or RENEWAL_REQ)", type.getMessage());
        var nonce = assertThrows(IllegalArgumentException.class, () -> Scep.request(MessageType.PKCS_REQ, CSR, SIGNER, CA.certificate(),
                ContentCipher.AES128_CBC, DigestAlgorithm.SHA256, "t", new byte[8]));
        assertEquals("senderNonce: 8 bytes (expected: 16)", nonce.getMessage());
        var tid = assertThrows(IllegalArgumentException.class, () -> Scep.request(MessageType.PKCS_REQ, CSR, SIGNER, CA.certificate(),
                ContentCipher.AES128_CBC, DigestAlgorithm.SHA256, " ", NONCE));
        assertEquals("transactionId: blank (expected e.g. Scep.transactionId(publicKey))", tid.getMessage());
    }

    @Test
    void wireCodesLookUp() {
        assertEquals(MessageType.PKCS_REQ, MessageType.fromCode(19));
        assertEquals(3, MessageType.CERT_REP.code());
        assertEquals(PkiStatus.PENDING, PkiStatus.fromCode(3));
        assertEquals(FailInfo.BAD_CERT_ID, FailInfo.fromCode(4));
        assertEquals("messageType: 99 (expected one of 3 CERT_REP, 17 RENEWAL_REQ, 19 PKCS_REQ, 20 CERT_POLL, 21 GET_CERT, 22 GET_CRL)",
                assertThrows(ScepException.class, () -> MessageType.fromCode(99)).getMessage());
        assertEquals("pkiStatus: 1 (expected: 0 SUCCESS, 2 FAILURE or 3 PENDING)",
                assertThrows(ScepException.class, () -> PkiStatus.fromCode(1)).getMessage());
        assertEquals("failInfo: 7 (expected: 0 badAlg, 1 badMessageCheck, 2 badRequest, 3 badTime or 4 badCertID)",
                assertThrows(ScepException.class, () -> FailInfo.fromCode(7)).getMessage());
    }

    @Test
    void printsReadably() {
        PkiMessage request = Scep.parse(pkcsReq(ContentCipher.DES_CBC, DigestAlgorithm.SHA1));
        String s = request.toString();
        assertTrue(s.startsWith("PkiMessage[PKCS_REQ, transactionId=" + request.transactionId() + ", senderNonce=00112233445566778899aabbccddeeff"), s);
        assertNotNull(s);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
