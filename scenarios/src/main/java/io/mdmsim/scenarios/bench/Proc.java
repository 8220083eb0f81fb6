package io.mdmsim.scenarios.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time and resident memory of a process (this one or a child), from the JVM and /proc. */
final class Proc {

    private Proc() {
    }

    /** CPU time of this whole process (every thread, GC and JIT included), in nanoseconds. */
    static long selfCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of another process so far, in nanoseconds; -1 when the OS does not say. */
    static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** Resident set size of a process in bytes (VmRSS), or -1 where there is no /proc. */
    static long rssBytes(long pid) {
        long kib = statusKiB(pid, "VmRSS:");
        return kib < 0 ? -1 : kib * 1024;
    }

    /** Peak resident set size of a process in bytes (VmHWM), or -1 where there is no /proc. */
    static long peakRssBytes(long pid) {
        long kib = statusKiB(pid, "VmHWM:");
        return kib < 0 ? -1 : kib * 1024;
    }

    private static long statusKiB(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** Heap in use after a full collection (three, so that finalizable and weak garbage is gone too). */
    static long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Collections and their time so far, summed over this JVM's collectors. */
    record GcTotals(long collections, long millis) {
        static GcTotals now() {
            long n = 0;
            long ms = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionCount());
                ms += Math.max(0, gc.getCollectionTime());
            }
            return new GcTotals(n, ms);
        }

        GcTotals since(GcTotals before) {
            return new GcTotals(collections - before.collections, millis - before.millis);
        }
    }
}
