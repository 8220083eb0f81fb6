package io.mdmsim.scenarios;

import io.mdmsim.scenarios.quickstart.Quickstart;
import io.mdmsim.scenarios.quickstart.QuickstartOptions;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton end to end, over real sockets on loopback: fake ABM, MDM endpoint and virtual iPhones in one
 * JVM, meeting only on the wire (DEP token and sync, cloud configuration, MachineInfo, SCEP, check-in, commands).
 */
class QuickstartTest {

    @Test
    void everyDeviceEnrollsEndToEnd() {
        StringWriter text = new StringWriter();
        boolean ok = new Quickstart(new QuickstartOptions(5, 42, 5, null), new PrintWriter(text, true)).run();
        String out = text.toString();
        assertTrue(ok, out);
        assertTrue(out.contains("5 of 5 enrolled"), out);
        assertTrue(out.contains("DEP sync"), out);
        for (String stage : new String[] {"cloud-config", "machine-info", "scep", "authenticate", "token-update",
                "awaiting-configuration"}) {
            assertTrue(out.contains(stage), "summary names stage " + stage + ":\n" + out);
        }
    }
}
