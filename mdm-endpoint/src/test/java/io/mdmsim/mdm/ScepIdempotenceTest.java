package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.PkiStatus;
import io.mdmsim.core.scep.Scep;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/**
 * RFC 8894 §3.3.1: a client that lost the CertRep sends the same PKCSReq again (same transactionID, same key, same
 * challenge) or polls with CertPoll; both get the certificate already issued, not "challenge was already used".
 */
class ScepIdempotenceTest {

    private static PkiMessage send(URI base, byte[] req) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message").POST(BodyPublishers.ofByteArray(req)).build());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        return Scep.parse(r.body());
    }

    private static byte[] pkcsReq(KeyPair key, Identity signer, String cn, String challenge, String txn) {
        return Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=" + cn, challenge), signer,
                TestPki.PKI.scepCa().certificate(), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256, txn,
                Scep.newNonce());
    }

    @Test
    void aResentPkcsReqGetsTheSameCertificateAndCertPollFindsIt() throws Exception {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.newDevice("UDID-RESEND");
            d.enroll(t.base);
            KeyPair key = KeyPairs.rsa2048();
            Identity signer = Scep.selfSigned(key, "CN=" + d.udid, t.clock.now());
            String txn = Scep.transactionId(key.getPublic());

            PkiMessage first = send(t.base, pkcsReq(key, signer, d.udid, d.challenge(), txn));
            assertEquals(PkiStatus.SUCCESS, first.pkiStatus());
            X509Certificate issued = Scep.issuedCertificates(first, signer).getFirst();

            // the reply was lost: the device sends the same request again (a new senderNonce, as RFC 8894 asks)
            PkiMessage again = send(t.base, pkcsReq(key, signer, d.udid, d.challenge(), txn));
            assertEquals(PkiStatus.SUCCESS, again.pkiStatus(), String.valueOf(again.failInfo()));
            assertEquals(issued, Scep.issuedCertificates(again, signer).getFirst(), "the same certificate");

            PkiMessage poll = send(t.base, ScepModesTest.certPoll(signer, TestPki.PKI.scepCa().certificate(), txn,
                    d.udid));
            assertEquals(PkiStatus.SUCCESS, poll.pkiStatus());
            assertEquals(issued, Scep.issuedCertificates(poll, signer).getFirst());
        }
    }

    @Test
    void anotherKeyOrChallengeUnderTheSameTransactionIsNotAResend() {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.newDevice("UDID-NOT-RESEND");
            d.enroll(t.base);
            KeyPair key = KeyPairs.rsa2048();
            Identity signer = Scep.selfSigned(key, "CN=" + d.udid, t.clock.now());
            String txn = Scep.transactionId(key.getPublic());
            assertEquals(PkiStatus.SUCCESS, send(t.base, pkcsReq(key, signer, d.udid, d.challenge(), txn)).pkiStatus());

            KeyPair thief = KeyPairs.rsa2048();
            Identity thiefSigner = Scep.selfSigned(thief, "CN=" + d.udid, t.clock.now());
            PkiMessage stolen = send(t.base, pkcsReq(thief, thiefSigner, d.udid, d.challenge(), txn));
            assertEquals(PkiStatus.FAILURE, stolen.pkiStatus(), "another key is not the same transaction");
            assertEquals(FailInfo.BAD_REQUEST, stolen.failInfo());

            PkiMessage wrongChallenge = send(t.base, pkcsReq(key, signer, d.udid, "not-the-challenge", txn));
            assertEquals(PkiStatus.FAILURE, wrongChallenge.pkiStatus());
        }
    }
}
