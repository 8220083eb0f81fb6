package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.PkiStatus;
import io.mdmsim.core.scep.Scep;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RenewalReq (advertised as "Renewal" in GetCACaps): signed by the current identity, no challenge. */
class ScepRenewalTest {

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void currentIdentityRenewsAndTheNewCertificateSpeaksForTheSameDevice() {
        TestDevice d = t.enrolled("UDID-RENEW", false);
        KeyPair next = KeyPairs.rsa2048();
        PkiMessage rep = renewal(d.mdmIdentity, next, d.caCertificate(t.base));
        assertEquals(PkiStatus.SUCCESS, rep.pkiStatus());
        List<X509Certificate> certs = Scep.issuedCertificates(rep, d.mdmIdentity, next.getPublic());
        Identity renewed = new Identity(certs.getFirst(), next.getPrivate(), certs.subList(1, certs.size()));
        assertNotEquals(d.mdmIdentity.certificate().getSerialNumber(), renewed.certificate().getSerialNumber());

        d.mdmIdentity = renewed;
        HttpResponse<byte[]> idle = d.report(t.base, CommandResult.idle(d.udid));
        assertEquals(200, idle.statusCode(), () -> new String(idle.body()));
    }

    @Test
    void renewalSignedByAStrangerIsRefused() {
        TestDevice d = t.newDevice("UDID-NO-RENEW");
        KeyPair key = KeyPairs.rsa2048();
        Identity selfSigned = Scep.selfSigned(key, "CN=UDID-NO-RENEW", t.clock.now());
        PkiMessage rep = renewal(selfSigned, KeyPairs.rsa2048(), d.caCertificate(t.base));
        assertEquals(PkiStatus.FAILURE, rep.pkiStatus());
        assertEquals(FailInfo.BAD_REQUEST, rep.failInfo());
    }

    private PkiMessage renewal(Identity signer, KeyPair next, X509Certificate ca) {
        byte[] req = Scep.request(MessageType.RENEWAL_REQ, Scep.csr(next, "CN=renewed", null), signer, ca,
                ContentCipher.DES_EDE3_CBC, DigestAlgorithm.SHA1, Scep.transactionId(next.getPublic()), Scep.newNonce());
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/scep?operation=PKIOperation"))
                .POST(BodyPublishers.ofByteArray(req)).build());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        return Scep.parse(r.body());
    }
}
