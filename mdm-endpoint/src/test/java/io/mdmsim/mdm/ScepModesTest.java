package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Certificates;
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
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/** SCEP with an RA (GetCACert CA+RA) and the PENDING fault mode (CertPoll / GetCertInitial). */
class ScepModesTest {

    @Test
    void withAnRaGetCaCertAnswersRaAndCaAndTheRaSignsReplies() {
        try (TestServer t = new TestServer(b -> b.scepRa(true))) {
            HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/scep?operation=GetCACert"))
                    .GET().build());
            assertEquals(200, r.statusCode());
            assertEquals("application/x-x509-ca-ra-cert", r.headers().firstValue("Content-Type").orElseThrow());
            List<X509Certificate> certs = Cms.parseDegenerate(r.body());
            assertEquals(3, certs.size(), "RA, CA and the root the CA chains to");
            X509Certificate ra = certs.get(0);
            assertEquals(TestPki.PKI.scepCa().certificate(), certs.get(1));
            assertEquals(TestPki.PKI.root().certificate(), certs.get(2));
            assertEquals(-1, ra.getBasicConstraints(), "the RA is not a CA");
            assertEquals(TestPki.PKI.scepCa().certificate().getSubjectX500Principal(), ra.getIssuerX500Principal());

            TestDevice d = t.newDevice("UDID-RA");
            d.enroll(t.base);
            for (X509Certificate recipient : List.of(ra, TestPki.PKI.scepCa().certificate())) {
                if (recipient != ra) {
                    d.enroll(t.base);
                }
                Attempt a = request(t.base, MessageType.PKCS_REQ, d.udid, d.challenge(), recipient, null, null);
                assertEquals(PkiStatus.SUCCESS, a.reply.pkiStatus(), "encrypted to " + recipient.getSubjectX500Principal());
                assertEquals(ra, a.reply.signerCertificate(), "the RA signs CertReps");
                X509Certificate issued = Scep.issuedCertificates(a.reply, a.signer).getFirst();
                assertEquals(TestPki.PKI.scepCa().certificate().getSubjectX500Principal(), issued.getIssuerX500Principal());
            }
        }
    }

    @Test
    void pendingModeAnswersPendingThenIssuesOnCertPoll() throws Exception {
        try (TestServer t = new TestServer(b -> b.scepPendingRounds(2))) {
            TestDevice d = t.newDevice("UDID-PENDING");
            d.enroll(t.base);
            X509Certificate ca = TestPki.PKI.scepCa().certificate();
            KeyPair key = KeyPairs.rsa2048();
            Identity signer = Scep.selfSigned(key, "CN=" + d.udid, t.clock.now());
            String txn = Scep.transactionId(key.getPublic());

            Attempt first = request(t.base, MessageType.PKCS_REQ, d.udid, d.challenge(), ca, key, signer);
            assertEquals(PkiStatus.PENDING, first.reply.pkiStatus());
            assertEquals(txn, first.reply.transactionId());

            PkiMessage poll1 = send(t.base, certPoll(signer, ca, txn, d.udid));
            assertEquals(PkiStatus.PENDING, poll1.pkiStatus(), "two rounds of PENDING: the request and one poll");
            PkiMessage poll2 = send(t.base, certPoll(signer, ca, txn, d.udid));
            assertEquals(PkiStatus.SUCCESS, poll2.pkiStatus());
            X509Certificate issued = Scep.issuedCertificates(poll2, signer).getFirst();
            assertEquals(d.udid, Certificates.commonName(issued));

            // Polling again hands out the same certificate; a repeated PKCSReq of that transaction is a poll too.
            PkiMessage poll3 = send(t.base, certPoll(signer, ca, txn, d.udid));
            assertEquals(issued, Scep.issuedCertificates(poll3, signer).getFirst());
            Attempt resent = request(t.base, MessageType.PKCS_REQ, d.udid, d.challenge(), ca, key, signer);
            assertEquals(PkiStatus.SUCCESS, resent.reply.pkiStatus(), "the spent challenge is not checked again");

            // A poll for a transaction nobody started.
            KeyPair other = KeyPairs.rsa2048();
            Identity otherSigner = Scep.selfSigned(other, "CN=nobody", t.clock.now());
            PkiMessage unknown = send(t.base, certPoll(otherSigner, ca, Scep.transactionId(other.getPublic()), "nobody"));
            assertEquals(PkiStatus.FAILURE, unknown.pkiStatus());
            assertEquals(FailInfo.BAD_CERT_ID, unknown.failInfo());

            JsonNode events = EnrollmentPolicyTest.eventsOf(t, "scep");
            assertEquals(List.of("PENDING", "PENDING", "SUCCESS", "SUCCESS", "SUCCESS", "FAILURE"),
                    events.findValuesAsText("pkiStatus"));
            assertEquals("badCertId", events.get(5).path("failInfo").asText());
        }
    }

    @Test
    void everyAdvertisedCipherAndDigestIsAnsweredInKindByPostAndByGet() {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.newDevice("UDID-CIPHERS");
            KeyPair key = KeyPairs.rsa2048();
            Identity signer = Scep.selfSigned(key, "CN=" + d.udid, t.clock.now());
            boolean byGet = false;
            for (ContentCipher cipher : List.of(ContentCipher.DES_CBC, ContentCipher.DES_EDE3_CBC,
                    ContentCipher.AES128_CBC, ContentCipher.AES256_CBC)) {
                for (DigestAlgorithm digest : List.of(DigestAlgorithm.SHA1, DigestAlgorithm.SHA256)) {
                    d.enroll(t.base);
                    byte[] req = Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=" + d.udid, d.challenge()),
                            signer, TestPki.PKI.scepCa().certificate(), cipher, digest,
                            Scep.transactionId(key.getPublic()), Scep.newNonce());
                    PkiMessage reply;
                    if (byGet) {
                        String message = java.net.URLEncoder.encode(java.util.Base64.getEncoder().encodeToString(req),
                                java.nio.charset.StandardCharsets.US_ASCII);
                        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve(
                                "/scep?operation=PKIOperation&message=" + message)).GET().build());
                        assertEquals(200, r.statusCode(), () -> new String(r.body()));
                        reply = Scep.parse(r.body());
                    } else {
                        reply = send(t.base, req);
                    }
                    byGet = !byGet;
                    String what = cipher + "/" + digest;
                    assertEquals(PkiStatus.SUCCESS, reply.pkiStatus(), what);
                    assertEquals(cipher, reply.cipher(), what + ": the reply is encrypted like the request");
                    assertEquals(digest, reply.digest(), what + ": and signed with its digest");
                    assertEquals(d.udid, Certificates.commonName(Scep.issuedCertificates(reply, signer).getFirst()),
                            what + ": the same subject enrolls again");
                }
            }
        }
    }

    // ---- a small SCEP client -------------------------------------------------------------------------------

    private record Attempt(PkiMessage reply, Identity signer) {}

    private static Attempt request(URI base, MessageType type, String cn, String challenge, X509Certificate recipient,
            KeyPair key, Identity signer) {
        KeyPair k = key != null ? key : KeyPairs.rsa2048();
        Identity s = signer != null ? signer : Scep.selfSigned(k, "CN=" + cn, java.time.Instant.now());
        byte[] req = Scep.request(type, Scep.csr(k, "CN=" + cn, challenge), s, recipient, ContentCipher.AES128_CBC,
                DigestAlgorithm.SHA256, Scep.transactionId(k.getPublic()), Scep.newNonce());
        return new Attempt(send(base, req), s);
    }

    private static PkiMessage send(URI base, byte[] req) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message").POST(BodyPublishers.ofByteArray(req)).build());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        return Scep.parse(r.body());
    }

    /**
     * A CertPoll (GetCertInitial, RFC 8894 §3.3.3): signed attributes messageType 20, transactionID, senderNonce over
     * an EnvelopedData of IssuerAndSubject. Core's Scep builds only PKCSReq and RenewalReq, so it is built here.
     */
    static byte[] certPoll(Identity signer, X509Certificate ca, String transactionId, String cn) throws Exception {
        byte[] issuerAndSubject = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + cn)})
                .getEncoded();
        byte[] enveloped = Cms.encrypt(issuerAndSubject, ca, ContentCipher.AES128_CBC);
        ASN1EncodableVector attrs = new ASN1EncodableVector();
        attrs.add(attr("2.16.840.1.113733.1.9.2", new DERPrintableString("20")));
        attrs.add(attr("2.16.840.1.113733.1.9.7", new DERPrintableString(transactionId)));
        attrs.add(attr("2.16.840.1.113733.1.9.5", new DEROctetString(Scep.newNonce())));
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attrs)))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.privateKey()), signer.certificate()));
        gen.addCertificates(new JcaCertStore(List.of(signer.certificate())));
        return gen.generate(new CMSProcessableByteArray(enveloped), true).getEncoded();
    }

    private static Attribute attr(String oid, org.bouncycastle.asn1.ASN1Encodable value) {
        return new Attribute(new ASN1ObjectIdentifier(oid), new DERSet(value));
    }

    @Test
    void certPollOfATransactionNeverSeenIsBadCertId() throws Exception {
        try (TestServer t = new TestServer()) {
            KeyPair key = KeyPairs.rsa2048();
            Identity signer = Scep.selfSigned(key, "CN=x", t.clock.now());
            PkiMessage r = send(t.base, certPoll(signer, TestPki.PKI.scepCa().certificate(),
                    Scep.transactionId(key.getPublic()), "x"));
            assertEquals(PkiStatus.FAILURE, r.pkiStatus());
            assertEquals(FailInfo.BAD_CERT_ID, r.failInfo());
            assertTrue(EnrollmentPolicyTest.eventsOf(t, "scep").get(0).path("reason").asText()
                    .contains("no pending or issued request"));
        }
    }
}
