package io.mdmsim.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CmsSignTest {
    private static final TestPki PKI = TestPki.get();
    private static final byte[] BODY = """
            <?xml version="1.0" encoding="UTF-8"?>
            <plist version="1.0"><dict><key>MessageType</key><string>Authenticate</string></dict></plist>
            """.getBytes(StandardCharsets.UTF_8);

    @Test
    void detachedSignatureRoundTrips() throws Exception {
        byte[] signature = Cms.signDetached(BODY, PKI.client);
        SignedContent verified = Cms.verifyDetached(signature, BODY);
        assertArrayEquals(BODY, verified.content());
        assertEquals(PKI.client.certificate(), verified.signer());
        assertEquals(PKI.client.certificateAndChain(), verified.certificates());
        assertEquals(PKI.client.chain(), verified.intermediates());
        CMSSignedData parsed = new CMSSignedData(signature);
        assertEquals(null, parsed.getSignedContent(), "detached");
        SignerInformation signer = parsed.getSignerInfos().getSigners().iterator().next();
        assertEquals(DigestAlgorithm.SHA256.oid(), signer.getDigestAlgOID());
        assertEquals(null, signer.getSignedAttributes().get(org.bouncycastle.asn1.cms.CMSAttributes.signingTime),
                "no wall-clock signingTime");
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void bothDigestsWork(DigestAlgorithm digest) throws Exception {
        byte[] detached = Cms.signDetached(BODY, PKI.client, digest);
        assertEquals(digest.oid(), new CMSSignedData(detached).getSignerInfos().getSigners().iterator().next().getDigestAlgOID());
        assertEquals(PKI.client.certificate(), Cms.verifyDetached(detached, BODY).signer());
        byte[] attached = Cms.signAttached(BODY, PKI.client, digest);
        assertArrayEquals(BODY, Cms.verifyAttached(attached).content());
    }

    @Test
    void flippedContentByteFailsWithDigestMismatch() {
        byte[] signature = Cms.signDetached(BODY, PKI.client);
        byte[] tampered = BODY.clone();
        tampered[60] ^= 1;
        var e = assertThrows(CmsException.class, () -> Cms.verifyDetached(signature, tampered, "Mdm-Signature"));
        assertEquals("Mdm-Signature does not verify: content digest mismatch (the signature is not over these bytes)", e.getMessage());
        var plain = assertThrows(CmsException.class, () -> Cms.verifyDetached(signature, tampered));
        assertEquals("CMS signature does not verify: content digest mismatch (the signature is not over these bytes)", plain.getMessage());
    }

    @Test
    void flippedSignatureByteFailsWithSignatureMismatch() {
        byte[] signature = Cms.signDetached(BODY, PKI.client);
        byte[] tampered = signature.clone();
        tampered[tampered.length - 1] ^= 1; // the SignerInfo's signature value ends the message
        var e = assertThrows(CmsException.class, () -> Cms.verifyDetached(tampered, BODY, "Mdm-Signature"));
        assertEquals("Mdm-Signature does not verify: the signature value does not match the key of CN=device-1,O=mdmsim test",
                e.getMessage());
    }

    @Test
    void garbageIsNotASignedData() {
        var e = assertThrows(CmsException.class, () -> Cms.verifyDetached("hello".getBytes(StandardCharsets.US_ASCII), BODY, "Mdm-Signature"));
        assertTrue(e.getMessage().startsWith("Mdm-Signature is not a CMS SignedData: not DER/BER ContentInfo ("), e.getMessage());
        var empty = assertThrows(CmsException.class, () -> Cms.verifyDetached(new byte[0], BODY));
        assertEquals("CMS signature is not a CMS SignedData: no bytes", empty.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(Cms.signDetached(BODY, PKI.client), 100);
        var cut = assertThrows(CmsException.class, () -> Cms.verifyDetached(truncated, BODY));
        assertTrue(cut.getMessage().startsWith("CMS signature is not a CMS SignedData: "), cut.getMessage());
    }

    @Test
    void envelopedDataIsNotASignedData() {
        byte[] enveloped = Cms.encrypt(BODY, PKI.client.certificate(), ContentCipher.AES128_CBC);
        var e = assertThrows(CmsException.class, () -> Cms.verifyAttached(enveloped, "MachineInfo signature"));
        assertEquals("MachineInfo signature is not a CMS SignedData: its content type is 1.2.840.113549.1.7.3 (envelopedData)", e.getMessage());
    }

    @Test
    void attachedSignatureRoundTrips() {
        byte[] signed = Cms.signAttached(BODY, PKI.client);
        SignedContent verified = Cms.verifyAttached(signed);
        assertArrayEquals(BODY, verified.content());
        assertEquals(PKI.client.certificate(), verified.signer());
        assertEquals(PKI.client.certificateAndChain(), verified.certificates());
    }

    @Test
    void flippedByteInAttachedContentFails() {
        byte[] signed = Cms.signAttached(BODY, PKI.client);
        int at = indexOf(signed, "Authenticate".getBytes(StandardCharsets.US_ASCII));
        signed[at] ^= 1;
        var e = assertThrows(CmsException.class, () -> Cms.verifyAttached(signed, "MachineInfo signature"));
        assertEquals("MachineInfo signature does not verify: content digest mismatch (the signature is not over these bytes)",
                e.getMessage());
    }

    @Test
    void detachedSignatureWhereAttachedIsExpected() {
        byte[] detached = Cms.signDetached(BODY, PKI.client);
        var e = assertThrows(CmsException.class, () -> Cms.verifyAttached(detached, "MachineInfo signature"));
        assertEquals("MachineInfo signature does not verify: the SignedData has no encapsulated content"
                + " (it is a detached signature; expected the signed bytes inside)", e.getMessage());
    }

    @Test
    void certsOnlySignedDataHasNoSignerToVerify() {
        byte[] degenerate = Cms.degenerateCertificates(List.of(PKI.client.certificate()));
        var e = assertThrows(CmsException.class, () -> Cms.verifyDetached(degenerate, BODY));
        assertEquals("CMS signature does not verify: the SignedData has 0 signers (expected: 1)", e.getMessage());
    }

    @Test
    void degenerateKeepsOrder() {
        List<X509Certificate> certs = List.of(PKI.client.certificate(), PKI.root.certificate(), PKI.intermediate.certificate());
        assertEquals(certs, Cms.parseDegenerate(Cms.degenerateCertificates(certs)));
        assertEquals(certs.reversed(), Cms.parseDegenerate(Cms.degenerateCertificates(certs.reversed())));
        assertEquals(List.of(), Cms.parseDegenerate(Cms.degenerateCertificates(List.of())));
    }

    @Test
    void degenerateOfGarbageSaysSo() {
        var e = assertThrows(CmsException.class, () -> Cms.parseDegenerate(new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}));
        assertTrue(e.getMessage().startsWith("certs-only SignedData is not a CMS SignedData: "), e.getMessage());
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
