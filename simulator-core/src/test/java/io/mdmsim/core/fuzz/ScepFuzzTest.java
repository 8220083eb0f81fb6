package io.mdmsim.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.pki.TestPki;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.scep.ScepException;

/**
 * The SCEP pkiMessage decoder on any bytes: a message whose CSR can be read, or a {@link ScepException} /
 * {@link CmsException}, never another exception.
 */
class ScepFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesAreAPkiMessageOrAClearRefusal(byte[] der) {
        PkiMessage message;
        try {
            message = Scep.parse(der);
        } catch (ScepException refused) {
            return;
        }
        try {
            Scep.requestCsr(message, TestPki.get().client);
        } catch (ScepException | CmsException refused) {
            // a CertRep FAILURE
        }
    }
}
