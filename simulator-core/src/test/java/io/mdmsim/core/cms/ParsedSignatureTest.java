package io.mdmsim.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdmsim.core.cms.internal.CmsSupport;
import io.mdmsim.core.cms.internal.RsaKeyTransRecipient;
import io.mdmsim.core.crypto.RsaEngine;
import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.TestPki;
import io.mdmsim.core.testing.ExternalTools;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A signature checked with a certificate known before; CMS key transport unwrapped alike by both RSA engines. */
class ParsedSignatureTest {
    private static final TestPki PKI = TestPki.get();
    private static final byte[] BODY = "<plist><dict><key>MessageType</key><string>TokenUpdate</string></dict></plist>"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void aKnownSignerChecksTheSignatureValueOnly() {
        byte[] signature = Cms.signDetached(BODY, PKI.client);
        ParsedSignature parsed = ParsedSignature.parseDetached(signature, BODY, "Mdm-Signature");
        assertArrayEquals(Certificates.der(PKI.client.certificate()), parsed.signerCertificateDer());
        parsed.verifyBy(PKI.client.certificate());
        assertEquals(PKI.client.certificate(), parsed.verify().signer());

        byte[] other = "<plist/>".getBytes(StandardCharsets.UTF_8);
        CmsException tampered = assertThrows(CmsException.class,
                () -> ParsedSignature.parseDetached(signature, other, "Mdm-Signature").verifyBy(PKI.client.certificate()));
        assertEquals("Mdm-Signature does not verify: content digest mismatch (the signature is not over these bytes)",
                tampered.getMessage());
        IllegalArgumentException notTheSigner = assertThrows(IllegalArgumentException.class,
                () -> parsed.verifyBy(PKI.otherClient.certificate()));
        assertEquals("signer: CN=stranger (expected: the certificate the Mdm-Signature carries for its signer)",
                notTheSigner.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ContentCipher.class)
    void bothEnginesUnwrapTheContentKey(ContentCipher cipher) throws Exception {
        RsaEngine nativeRsa = ExternalTools.nativeRsa();
        byte[] enveloped = Cms.encrypt(BODY, PKI.client.certificate(), cipher);
        for (RsaEngine engine : new RsaEngine[] {RsaEngines.jdk(), nativeRsa}) {
            CMSEnvelopedData data = CmsSupport.parseEnvelopedData(enveloped);
            RecipientInformation recipient = data.getRecipientInfos().getRecipients().iterator().next();
            assertArrayEquals(BODY, recipient.getContent(RsaKeyTransRecipient.of(PKI.client.privateKey(), engine)),
                    engine.id());
        }
    }
}
