package io.mdmsim.scenarios.bench;

import io.mdmsim.core.crypto.RsaEngines;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Which part of this JVM spent its CPU, while the parts share one process: JFR execution samples (every 10 ms of a
 * running Java thread) are sorted by part, and the CPU of the process's Java threads is shared out in proportion.
 * What no Java thread spent (garbage collection, the JIT compilers, the JVM's own threads) is its own part, "JVM (GC,
 * JIT)". A thread in the native RSA engine's calls into libcrypto is in JFR's native samples instead (same period):
 * the engine counts its CPU time exactly ({@code RsaEngine.nativeCpuNanos}), and those samples share it out by part. Virtual threads cannot be timed one by one (the carrier threads run every part's work), hence the sampling;
 * an estimate, which the JSON says. With {@code --split} the servers are processes of their own and are timed exactly.
 *
 * <p>A sample's part: its thread's name ({@code mdm-*}, {@code fake-abm-*}, {@code fake-apns-*}, {@code device-*} ...,
 * as the parts name their threads); else the thread's JDK HTTP client, claimed by the part that made it
 * ({@link #claimNewClients}); else the first frame of a part's package from the bottom of the stack; else
 * "unattributed".
 */
final class CpuSampler implements AutoCloseable {

    static final String MDM = "MDM";
    static final String ABM = "fake ABM";
    static final String DEVICES = "devices";
    static final String DRIVER = "bench driver";
    static final String JVM = "JVM (GC, JIT)";
    static final String UNATTRIBUTED = "unattributed";

    /** The classes of the native RSA engine, whose calls into libcrypto are counted as samples too. */
    private static final String NATIVE_RSA = "io.mdmsim.core.crypto.LibCrypto";
    private static final Pattern HTTP_CLIENT = Pattern.compile("HttpClient-(\\d+)-.*");
    private static final List<Map.Entry<String, String>> NAME_PREFIXES = List.of(
            Map.entry("mdm-", MDM), Map.entry("fake-abm-", ABM), Map.entry("fake-apns-", ABM),
            Map.entry("device-", DEVICES), Map.entry("apns-stream-", DEVICES), Map.entry("apns-reconnect", DEVICES),
            Map.entry("wakeup-timer", DEVICES), Map.entry("bench-", DRIVER));
    private static final List<Map.Entry<String, String>> PACKAGES = List.of(
            Map.entry("io.mdmsim.mdm.", MDM), Map.entry("io.mdmsim.abm.", ABM), Map.entry("io.mdmsim.device.", DEVICES),
            Map.entry("io.mdmsim.scenarios.", DRIVER));

    private final Map<String, String> clientOwners = new ConcurrentHashMap<>();
    private final List<Tally> tallies = new CopyOnWriteArrayList<>();
    private final RecordingStream stream = new RecordingStream();
    private volatile Instant lastFlush = Instant.MIN;

    /** Starts sampling (windows open later count only their own samples, by the samples' time). */
    CpuSampler() {
        stream.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        stream.onEvent("jdk.ExecutionSample", e -> sample(e, false));
        // a thread in native code is not in the execution samples: the native RSA engine's calls are (CPU-bound, unlike
        // a thread waiting in a native socket call, which the native samples are mostly made of)
        stream.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        stream.onEvent("jdk.NativeMethodSample", e -> {
            if (inNativeRsa(e.getStackTrace())) {
                sample(e, true);
            }
        });
        stream.onFlush(() -> lastFlush = Instant.now());
        stream.startAsync();
    }

    /**
     * The JDK HTTP clients made since the last call (their selector threads are running) belong to {@code part}:
     * call right after a part started.
     */
    void claimNewClients(String part) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            Matcher m = HTTP_CLIENT.matcher(t.getName());
            if (m.matches()) {
                clientOwners.putIfAbsent(m.group(1), part);
            }
        }
    }

    /** A measured window from now: its samples by part and the process's CPU clocks. */
    Tally open() {
        Tally t = new Tally();
        tallies.add(t);
        return t;
    }

    @Override
    public void close() {
        stream.close();
    }

    private void sample(RecordedEvent e, boolean nativeRsa) {
        Instant at = e.getStartTime();
        String part = null;
        for (Tally t : tallies) {
            if (t.covers(at)) {
                if (part == null) {
                    part = partOf(e.getThread("sampledThread"), e.getStackTrace());
                }
                (nativeRsa ? t.nativeSamples : t.samples).computeIfAbsent(part, k -> new LongAdder()).increment();
                if (part.equals(UNATTRIBUTED)) {
                    t.unattributed.computeIfAbsent(describe(e), k -> new LongAdder()).increment();
                }
            }
        }
    }

    /** The samples and CPU clocks of one window. */
    final class Tally {
        private final Map<String, LongAdder> samples = new ConcurrentHashMap<>();
        /** Samples in the native RSA engine: they share out its CPU time, which it counts exactly. */
        private final Map<String, LongAdder> nativeSamples = new ConcurrentHashMap<>();
        private final long nativeRsaCpuStart = RsaEngines.current().nativeCpuNanos();
        private final Map<String, LongAdder> unattributed = new ConcurrentHashMap<>();
        private final Instant from = Instant.now();
        private final long processCpuStart = Proc.selfCpuNanos();
        private final long javaThreadsCpuStart = javaThreadsCpu();
        private volatile Instant to;
        private long processCpu;
        private long javaThreadsCpu;
        private double nativeSeconds;

        boolean covers(Instant at) {
            Instant end = to;
            return !at.isBefore(from) && (end == null || !at.isAfter(end));
        }

        /** Ends the window: CPU seconds by part (parts without a sample left out), "JVM (GC, JIT)" last. */
        Map<String, Double> close() {
            processCpu = Proc.selfCpuNanos() - processCpuStart;
            javaThreadsCpu = Math.max(0, javaThreadsCpu() - javaThreadsCpuStart);
            to = Instant.now();
            // the stream hands samples over about once a second: wait for the hand-over after the window's end
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!lastFlush.isAfter(to.plusMillis(50)) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            tallies.remove(this);
            long total = count(samples);
            long nativeTotal = count(nativeSamples);
            Map<String, Double> byPart = new LinkedHashMap<>();
            double javaSeconds = Math.min(javaThreadsCpu, processCpu) / 1e9;
            // the native RSA engine's CPU is counted exactly and shared out by its own samples (JFR takes at most one
            // native sample per period against five Java ones, so one pool of samples would undercount it)
            long nativeEnd = RsaEngines.current().nativeCpuNanos();
            nativeSeconds = nativeTotal == 0 || nativeRsaCpuStart < 0 || nativeEnd < nativeRsaCpuStart ? 0
                    : Math.min((nativeEnd - nativeRsaCpuStart) / 1e9, javaSeconds);
            for (String part : List.of(DEVICES, MDM, ABM, DRIVER, UNATTRIBUTED)) {
                double seconds = share(samples, total, part, javaSeconds - nativeSeconds)
                        + share(nativeSamples, nativeTotal, part, nativeSeconds);
                if (samples.containsKey(part) || nativeSamples.containsKey(part)) {
                    byPart.put(part, seconds);
                }
            }
            if (total + nativeTotal == 0) {
                byPart.put(UNATTRIBUTED, javaSeconds);
            }
            byPart.put(JVM, Math.max(0, processCpu - javaThreadsCpu) / 1e9);
            return byPart;
        }

        /** CPU seconds of the whole process in the window. */
        double processSeconds() {
            return processCpu / 1e9;
        }

        /** The threads and top frames of the unattributed samples, most frequent first (at most five). */
        List<String> unattributedTop() {
            return unattributed.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum())).limit(5)
                    .map(en -> en.getValue().sum() + " × " + en.getKey()).toList();
        }

        /** The native RSA engine's CPU seconds in the window, as it counted them (0 if none or not counted). */
        double nativeRsaSeconds() {
            return nativeSeconds;
        }

        /** How many samples the shares rest on. */
        long sampleCount() {
            return count(samples) + count(nativeSamples);
        }

        private static long count(Map<String, LongAdder> samples) {
            return samples.values().stream().mapToLong(LongAdder::sum).sum();
        }

        private static double share(Map<String, LongAdder> samples, long total, String part, double seconds) {
            LongAdder n = samples.get(part);
            return n == null || total == 0 ? 0 : seconds * n.sum() / total;
        }
    }

    private static String describe(RecordedEvent e) {
        RecordedThread t = e.getThread("sampledThread");
        RecordedStackTrace st = e.getStackTrace();
        String top = st == null || st.getFrames().isEmpty() ? "?" : st.getFrames().getFirst().getMethod().getType()
                .getName() + "." + st.getFrames().getFirst().getMethod().getName();
        return (t == null ? "?" : (t.isVirtual() ? "virtual " : "") + "'" + t.getJavaName() + "'") + " in " + top;
    }

    private static boolean inNativeRsa(RecordedStackTrace stack) {
        if (stack == null) {
            return false;
        }
        for (RecordedFrame frame : stack.getFrames()) {
            if (frame.getMethod().getType().getName().startsWith(NATIVE_RSA)) {
                return true;
            }
        }
        return false;
    }

    private String partOf(RecordedThread thread, RecordedStackTrace stack) {
        String name = thread == null ? null : thread.getJavaName();
        if (name != null) {
            for (Map.Entry<String, String> p : NAME_PREFIXES) {
                if (name.startsWith(p.getKey())) {
                    return p.getValue();
                }
            }
            Matcher m = HTTP_CLIENT.matcher(name);
            if (m.matches()) {
                return clientOwners.getOrDefault(m.group(1), DEVICES); // clients made after the last claim: the fleet's
            }
        }
        if (stack != null) {
            List<RecordedFrame> frames = stack.getFrames();
            for (int i = frames.size() - 1; i >= 0; i--) {
                String type = frames.get(i).getMethod().getType().getName();
                for (Map.Entry<String, String> p : PACKAGES) {
                    if (type.startsWith(p.getKey())) {
                        return p.getValue();
                    }
                }
            }
        }
        return UNATTRIBUTED;
    }

    private static long javaThreadsCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }
}
