package io.mdmsim.scenarios.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured window of a benchmark: wall time, CPU of each part, GC. In one JVM the parts' CPU is the sampler's
 * estimate; split, each server process is timed by its own CPU time and this process (the devices and the driver)
 * by its own, with the sampler telling the devices from the driver.
 */
final class Window {

    private final World world;
    private final Map<String, Long> childCpuStart;
    private final Proc.GcTotals gcStart;
    private final CpuSampler.Tally tally;
    private final long start;
    private long end;
    private Map<String, Double> sampled;
    private Map<String, Long> childCpuEnd;
    private Proc.GcTotals gc;

    private Window(World world, CpuSampler sampler) {
        this.world = world;
        this.gcStart = Proc.GcTotals.now();
        this.childCpuStart = world.processCpu();
        this.tally = sampler.open();
        this.start = System.nanoTime();
    }

    static Window open(World world, CpuSampler sampler) {
        return new Window(world, sampler);
    }

    void close() {
        end = System.nanoTime();
        sampled = tally.close();
        childCpuEnd = world.processCpu();
        gc = Proc.GcTotals.now().since(gcStart);
    }

    double seconds() {
        return (end - start) / 1e9;
    }

    /** CPU seconds by part in the window. */
    Map<String, Double> cpuByPart() {
        Map<String, Double> parts = new LinkedHashMap<>();
        if (!world.split()) {
            return new LinkedHashMap<>(sampled);
        }
        double here = tally.processSeconds();
        double driver = sampled.getOrDefault(CpuSampler.DRIVER, 0.0);
        parts.put(CpuSampler.DEVICES + " (process, less the driver)", here - driver);
        childCpuEnd.forEach((part, t) -> parts.put(part + " (process)", Math.max(0, t - childCpuStart.get(part)) / 1e9));
        if (driver > 0) {
            parts.put(CpuSampler.DRIVER, driver);
        }
        return parts;
    }

    String method() {
        return world.split()
                ? "process CPU time of each process; this process's driver share from JFR samples"
                : String.format(java.util.Locale.ROOT, "one process: its CPU (%.1f s) shared out by %d JFR execution"
                        + " samples per part; GC and JIT apart%s", tally.processSeconds(), tally.sampleCount(),
                        tally.nativeRsaSeconds() > 0 ? String.format(java.util.Locale.ROOT, "; native RSA %.1f s,"
                                + " counted by the engine", tally.nativeRsaSeconds()) : "");
    }

    /** CPU by part, per operation, and the GC of this JVM. */
    void report(Report report, long operations) {
        report.cpu(cpuByPart(), operations, method());
        if (!tally.unattributedTop().isEmpty()) {
            report.json().put("unattributedSamples", tally.unattributedTop());
        }
        report.gc(gc);
    }

    /** RSS of this process and of each server process. */
    void memory(Report report) {
        long self = ProcessHandle.current().pid();
        report.memory(world.split() ? "RSS devices process" : "RSS (one process)", Proc.rssBytes(self));
        world.processes().forEach((part, p) -> report.memory("RSS " + part + " process", Proc.rssBytes(p.pid())));
    }
}
