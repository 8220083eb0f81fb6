package io.mdmsim.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.TestPki;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CmsEnvelopeTest {
    private static final TestPki PKI = TestPki.get();
    private static final byte[] TOKEN = "{\"consumer_key\":\"CK_1\",\"consumer_secret\":\"CS_1\"}".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(ContentCipher.class)
    void roundTripsWithEveryCipher(ContentCipher cipher) throws Exception {
        byte[] enveloped = Cms.encrypt(TOKEN, PKI.client.certificate(), cipher);
        assertEquals(cipher, Cms.contentCipher(enveloped));
        CMSEnvelopedData parsed = new CMSEnvelopedData(enveloped);
        assertEquals(cipher.oid(), parsed.getEncryptionAlgOID());
        var recipient = (KeyTransRecipientInformation) parsed.getRecipientInfos().getRecipients().iterator().next();
        assertEquals("1.2.840.113549.1.1.1", recipient.getKeyEncryptionAlgOID(), "rsaEncryption");
        assertEquals(PKI.client.certificate().getSerialNumber(), ((org.bouncycastle.cms.KeyTransRecipientId) recipient.getRID()).getSerialNumber(), "issuerAndSerialNumber");
        assertArrayEquals(TOKEN, Cms.decrypt(enveloped, PKI.client.certificate(), PKI.client.privateKey()));
    }

    @Test
    void emptyContentRoundTrips() {
        byte[] enveloped = Cms.encrypt(new byte[0], PKI.client.certificate(), ContentCipher.AES256_CBC);
        assertArrayEquals(new byte[0], Cms.decrypt(enveloped, PKI.client.certificate(), PKI.client.privateKey()));
    }

    @Test
    void wrongKeyFailsClearly() {
        byte[] enveloped = Cms.encrypt(TOKEN, PKI.client.certificate(), ContentCipher.AES128_CBC);
        var e = assertThrows(CmsException.class, () -> Cms.decrypt(enveloped, PKI.client.certificate(), PKI.otherClient.privateKey()));
        assertEquals("cannot decrypt EnvelopedData: the private key given does not belong to certificate CN=device-1,O=mdmsim test",
                e.getMessage());
    }

    @Test
    void otherRecipientFailsClearly() {
        byte[] enveloped = Cms.encrypt(TOKEN, PKI.client.certificate(), ContentCipher.AES128_CBC);
        var e = assertThrows(CmsException.class,
                () -> Cms.decrypt(enveloped, PKI.otherClient.certificate(), PKI.otherClient.privateKey()));
        assertEquals("EnvelopedData is not encrypted to certificate CN=stranger (serial "
                + PKI.otherClient.certificate().getSerialNumber().toString(16) + "); its recipients: issuer CN=Test Intermediate CA, serial "
                + PKI.client.certificate().getSerialNumber().toString(16), e.getMessage());
    }

    @Test
    void corruptedCiphertextFailsClearly() {
        byte[] enveloped = Cms.encrypt(TOKEN, PKI.client.certificate(), ContentCipher.AES128_CBC);
        enveloped[enveloped.length - 1] ^= 0x55; // last ciphertext block: padding breaks
        var e = assertThrows(CmsException.class, () -> Cms.decrypt(enveloped, PKI.client.certificate(), PKI.client.privateKey()));
        assertTrue(e.getMessage().startsWith("cannot decrypt EnvelopedData (AES-128-CBC) for CN=device-1,O=mdmsim test: "), e.getMessage());
    }

    @Test
    void signedDataIsNotAnEnvelopedData() {
        byte[] signed = Cms.signAttached(TOKEN, PKI.client);
        var e = assertThrows(CmsException.class, () -> Cms.decrypt(signed, PKI.client.certificate(), PKI.client.privateKey()));
        assertEquals("not a CMS EnvelopedData: its content type is 1.2.840.113549.1.7.2 (signedData)", e.getMessage());
        var g = assertThrows(CmsException.class, () -> Cms.contentCipher(new byte[] {1, 2, 3}));
        assertTrue(g.getMessage().startsWith("not a CMS EnvelopedData: not DER/BER ContentInfo ("), g.getMessage());
    }

    @Test
    void nonRsaRecipientIsRefused() throws Exception {
        var ecKey = java.security.KeyPairGenerator.getInstance("EC");
        ecKey.initialize(256);
        var pair = ecKey.generateKeyPair();
        var ecCert = io.mdmsim.core.pki.Certificates.selfSigned(pair, "CN=ec", TestPki.NOW, TestPki.YEAR);
        var e = assertThrows(CmsException.class, () -> Cms.encrypt(TOKEN, ecCert, ContentCipher.AES128_CBC));
        assertEquals("cannot encrypt to certificate CN=ec: its key is EC (expected: RSA)", e.getMessage());
    }
}
