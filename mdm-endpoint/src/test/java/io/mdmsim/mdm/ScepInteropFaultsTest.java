package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.PkiStatus;
import io.mdmsim.core.scep.Scep;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SCEP faults independent clients hit: a 4096-bit key's GET request line, an unsupported digest answered with a
 * CertRep FAILURE badAlg a SCEP client can read, and SCEP events tied to the device the challenge was minted for.
 */
class ScepInteropFaultsTest {

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aPkiOperationByGetWithA4096BitKeyGetsItsCertificate() {
        TestDevice d = t.newDevice("UDID-GET-4096");
        d.enroll(t.base);
        KeyPair key = KeyPairs.rsa(4096);
        Identity signer = Scep.selfSigned(key, "CN=" + d.udid, t.clock.now());
        byte[] request = Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=" + d.udid, d.challenge()), signer,
                d.caCertificate(t.base), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256,
                Scep.transactionId(key.getPublic()), Scep.newNonce());
        String query = "/scep?operation=PKIOperation&message="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.UTF_8);
        assertTrue(query.length() > 5_000, "a request line of real-world size: " + query.length());
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve(query)).GET().build());
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        PkiMessage reply = Scep.parse(r.body());
        assertEquals(PkiStatus.SUCCESS, reply.pkiStatus());
        assertEquals(key.getPublic(), Scep.issuedCertificates(reply, signer).getFirst().getPublicKey());
    }

    @Test
    void aSha512RequestIsAnsweredWithACertRepFailureBadAlg() throws Exception {
        TestDevice d = t.newDevice("UDID-SHA512");
        d.enroll(t.base);
        KeyPair key = KeyPairs.rsa2048();
        Identity signer = Scep.selfSigned(key, "CN=" + d.udid, t.clock.now());
        byte[] nonce = Scep.newNonce();
        byte[] request = sha512Request(Scep.csr(key, "CN=" + d.udid, d.challenge()).getEncoded(), signer,
                d.caCertificate(t.base), "tx-sha512", nonce);
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build());
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/x-pki-message", r.headers().firstValue("Content-Type").orElse(null));
        PkiMessage reply = Scep.parse(r.body());
        assertEquals(MessageType.CERT_REP, reply.messageType());
        assertEquals(PkiStatus.FAILURE, reply.pkiStatus());
        assertEquals(FailInfo.BAD_ALG, reply.failInfo());
        assertEquals("tx-sha512", reply.transactionId());
        assertArrayEquals(nonce, reply.recipientNonce(), "the reply answers the request's nonce");
        JsonNode event = EnrollmentPolicyTest.eventsOf(t, "scep").get(0);
        assertEquals("badAlg", event.path("failInfo").asText());
        assertTrue(event.path("reason").asText().contains("digest algorithm 2.16.840.1.101.3.4.2.3 is not supported"),
                event.toString());
    }

    @Test
    void scepEventsCarryTheUdidTheChallengeWasMintedFor() {
        TestDevice late = t.newDevice("UDID-LATE");
        late.enroll(t.base);
        t.clock.advance(Duration.ofMinutes(16)); // the seeds' user who waits: the challenge has expired
        assertEquals(PkiStatus.FAILURE, late.scep(t.base, late.challenge(), t.clock.now()).certRep().pkiStatus());
        TestDevice prompt = t.newDevice("UDID-PROMPT");
        prompt.enroll(t.base);
        assertEquals(PkiStatus.SUCCESS, prompt.scep(t.base, prompt.challenge(), t.clock.now()).certRep().pkiStatus());

        JsonNode events = EnrollmentPolicyTest.eventsOf(t, "scep");
        assertEquals(2, events.size(), events.toString());
        assertEquals("UDID-LATE", events.get(0).path("udid").asText(), events.get(0).toString());
        assertEquals("FAILURE", events.get(0).path("pkiStatus").asText());
        assertEquals("UDID-PROMPT", events.get(1).path("udid").asText(), events.get(1).toString());
        assertEquals("SUCCESS", events.get(1).path("pkiStatus").asText());
    }

    /** A PKCSReq as {@link Scep#request} builds it, but signed with SHA-512 (which this server does not support). */
    private static byte[] sha512Request(byte[] csr, Identity signer, X509Certificate recipient, String transactionId,
            byte[] nonce) throws Exception {
        byte[] enveloped = Cms.encrypt(csr, recipient, ContentCipher.AES128_CBC);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(attribute("2.16.840.1.113733.1.9.2", new DERPrintableString("19"))); // messageType PKCSReq
        attributes.add(attribute("2.16.840.1.113733.1.9.7", new DERPrintableString(transactionId)));
        attributes.add(attribute("2.16.840.1.113733.1.9.5", new DEROctetString(nonce)));
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                .build(new JcaContentSignerBuilder("SHA512withRSA").build(signer.privateKey()), signer.certificate()));
        g.addCertificates(new JcaCertStore(List.of(signer.certificate())));
        return g.generate(new CMSProcessableByteArray(enveloped), true).getEncoded();
    }

    private static Attribute attribute(String oid, org.bouncycastle.asn1.ASN1Encodable value) {
        return new Attribute(new ASN1ObjectIdentifier(oid), new DERSet(value));
    }
}
