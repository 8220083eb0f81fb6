package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.testing.HostilePlists;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The work one request can cause is bounded by what its body expands to, not by its size on the wire. */
class BoundedWorkTest {

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void aCommandReportThatIsADagOf26LevelsIs400AndTheHeapDoesNotGrow() {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.enrolled("UDID-DAG", false);
            byte[] dag = HostilePlists.dagReport(d.udid, "CMD-DAG", 26);
            long before = usedHeapAfterGc();
            HttpResponse<byte[]> r = TestDevice.put(t.base, "/mdm/connect", "application/x-apple-aspen-mdm", dag,
                    d.mdmIdentity);
            long grown = usedHeapAfterGc() - before;
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertEquals(400, r.statusCode(), body);
            assertTrue(body.contains("plist too large") && body.contains("expected: at most"), body);
            assertTrue(grown < 64L * 1024 * 1024, "heap grew by " + grown / (1024 * 1024) + " MB");
            assertEquals(200, d.report(t.base, CommandResult.idle(d.udid)).statusCode(), "the device still works");
        }
    }

    @Test
    void aCheckinThatIsADagIs400() {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.enrolled("UDID-DAG-CHECKIN", false);
            HttpResponse<byte[]> r = TestDevice.put(t.base, "/mdm/checkin", "application/x-apple-aspen-mdm-checkin",
                    HostilePlists.dagReport(d.udid, "CMD", 26), d.mdmIdentity);
            assertEquals(400, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        }
    }
}
