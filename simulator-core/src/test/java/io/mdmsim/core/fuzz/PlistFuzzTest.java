package io.mdmsim.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.dd.plist.NSObject;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;

/**
 * The plist decoder on any bytes: a plist within the bounds, or a {@link PlistException}; never another exception, a
 * hang or an unbounded expansion. What it parses can be turned into Java values and XML again (as the MDM does to
 * store and show a report; the binary writer is left out: Jazzer's map hooks trip over dd-plist's compareTo).
 */
class PlistFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesParseOrAreRefusedClearly(byte[] data) {
        NSObject root;
        try {
            root = Plist.parse(data);
        } catch (PlistException refused) {
            return;
        }
        Plist.unwrap(root);
        try {
            Plist.toXml(root);
        } catch (IllegalArgumentException notXmlSafe) {
            // control characters: a binary plist can carry them, XML cannot (a clear refusal)
        }
    }
}
