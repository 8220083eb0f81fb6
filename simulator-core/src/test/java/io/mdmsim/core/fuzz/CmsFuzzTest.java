package io.mdmsim.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.pki.TestPki;

/**
 * The CMS decoders (SignedData attached and detached, EnvelopedData) on any bytes: verified content or a
 * {@link CmsException}, never another exception.
 */
class CmsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesVerifyOrAreRefusedClearly(FuzzedDataProvider input) {
        byte[] content = input.consumeBytes(64);
        byte[] der = input.consumeRemainingAsBytes();
        try {
            Cms.verifyAttached(der, "fuzz");
        } catch (CmsException refused) {
            // a clear 400
        }
        try {
            Cms.verifyDetached(der, content, "fuzz");
        } catch (CmsException refused) {
            // a clear 403
        }
        try {
            Cms.decrypt(der, TestPki.get().client.certificate(), TestPki.get().client.privateKey());
        } catch (CmsException refused) {
            // a clear 400
        }
    }
}
