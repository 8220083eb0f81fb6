package io.mdmsim.core.plist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dd.plist.NSDictionary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** XML parsers are reused across parses and threads: every parse still gets its own document, errors included. */
class PlistConcurrencyTest {

    @Test
    void parsesOnManyThreadsEachGetTheirOwnPlist() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String value = "device-" + i;
                results.add(pool.submit(() -> {
                    byte[] xml = Plist.toXml(Plist.wrap(Map.of("UDID", value, "Index", value.length())));
                    NSDictionary d = Plist.parseDictionary(xml);
                    return d.get("UDID").toJavaObject().toString();
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals("device-" + i, results.get(i).get());
            }
        }
    }

    @Test
    void aMalformedPlistDoesNotSpoilTheNextParse() {
        byte[] bad = "<plist><dict><key>a</key></plist>".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            PlistException e = assertThrows(PlistException.class, () -> Plist.parse(bad));
            assertEquals(true, e.getMessage().startsWith("malformed plist: XML line 1"), e.getMessage());
            NSDictionary ok = Plist.parseDictionary(Plist.toXml(Plist.wrap(Map.of("k", "v" + i))));
            assertEquals("v" + i, ok.get("k").toJavaObject());
        }
    }
}
