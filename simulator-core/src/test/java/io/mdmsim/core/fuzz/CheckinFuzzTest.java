package io.mdmsim.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.ProtocolException;

/**
 * The check-in and command-report decoders on any bytes: a typed message, or a {@link PlistException} /
 * {@link ProtocolException} saying what was wrong; what decodes encodes again.
 */
class CheckinFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesAreACheckinOrAClearRefusal(byte[] data) {
        try {
            CheckinMessage m = CheckinCodec.decode(data);
            xml(() -> CheckinCodec.encode(m));
        } catch (PlistException | ProtocolException refused) {
            // a clear 400
        }
        try {
            CommandResult r = CommandResult.parse(data);
            xml(r::toXml);
        } catch (PlistException | ProtocolException refused) {
            // a clear 400
        }
    }

    /** Writing XML may refuse text a binary plist carried (control characters), with a clear reason. */
    private static void xml(Runnable write) {
        try {
            write.run();
        } catch (IllegalArgumentException notXmlSafe) {
            if (!notXmlSafe.getMessage().contains("which an XML plist cannot carry")) {
                throw notXmlSafe;
            }
        }
    }
}
