package io.mdmsim.scenarios.bench;

import io.mdmsim.core.crypto.RsaEngines;
import io.mdmsim.scenarios.file.ScenariosJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one benchmark run: what ran (benchmark, options, the work-changing options named), where (machine,
 * load, JVM), and the figures: throughput, latency per stage, CPU per operation for each part, memory, GC. Printed
 * as one table and written as JSON.
 */
final class Report {

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final String unit;

    /**
     * @param benchmark the benchmark's name
     * @param unit      what one operation is, e.g. "enrollment", "command round trip"
     */
    Report(String benchmark, String unit, List<String> args, Map<String, Object> options, List<String> variant) {
        this.unit = unit;
        root.put("benchmark", benchmark);
        root.put("command", "mdmsim " + String.join(" ", args));
        root.put("started", Instant.now().toString());
        root.put("options", options);
        root.put("variant", variant);
        root.put("unit", unit);
        root.put("machine", Machine.describe());
        root.put("jvm", Machine.jvm());
        root.put("rsa", Map.of("engine", RsaEngines.current().id(), "description", RsaEngines.describe()));
    }

    /** The measured window: operations done, failed, seconds; throughput per second and per minute. */
    void throughput(long operations, long failed, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operations", operations);
        m.put("failed", failed);
        m.put("seconds", round(seconds, 3));
        m.put("perSecond", round(operations / Math.max(seconds, 1e-9), 1));
        m.put("perMinute", round(operations * 60 / Math.max(seconds, 1e-9), 0));
        root.put("throughput", m);
        row("throughput", String.format(Locale.ROOT, "%,d %ss in %.1f s: %,.0f a minute, %,.1f a second%s",
                operations, unit, seconds, operations * 60 / Math.max(seconds, 1e-9),
                operations / Math.max(seconds, 1e-9), failed == 0 ? "" : " (" + failed + " failed)"));
    }

    void warmup(long operations, double seconds) {
        root.put("warmup", Map.of("operations", operations, "seconds", round(seconds, 3)));
    }

    /** Latency per stage. */
    void stages(Latencies latencies) {
        Map<String, Map<String, Object>> s = latencies.summary();
        root.put("stages", s);
        s.forEach((stage, f) -> row(stage, String.format(Locale.ROOT, "p50 %s · p95 %s · p99 %s · max %s ms  (n=%d)",
                f.get("p50Ms"), f.get("p95Ms"), f.get("p99Ms"), f.get("maxMs"), f.get("count"))));
    }

    /**
     * CPU seconds of each part in the window and per operation.
     *
     * @param method how it was measured, e.g. "process CPU of each process" or the sampling estimate
     */
    void cpu(Map<String, Double> secondsByPart, long operations, String method) {
        Map<String, Object> parts = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Double> e : secondsByPart.entrySet()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("cpuSeconds", round(e.getValue(), 3));
            p.put("msPerOperation", round(e.getValue() * 1000 / Math.max(operations, 1), 3));
            parts.put(e.getKey(), p);
            total += e.getValue();
            row("CPU " + e.getKey(), String.format(Locale.ROOT, "%.2f ms per %s (%.1f s)",
                    e.getValue() * 1000 / Math.max(operations, 1), unit, e.getValue()));
        }
        row("CPU total", String.format(Locale.ROOT, "%.2f ms per %s (%.1f s) — %s",
                total * 1000 / Math.max(operations, 1), unit, total, method));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("method", method);
        cpu.put("parts", parts);
        cpu.put("totalSeconds", round(total, 3));
        cpu.put("totalMsPerOperation", round(total * 1000 / Math.max(operations, 1), 3));
        root.put("cpu", cpu);
    }

    /** A memory figure in bytes (heap after GC, RSS of a process ...), shown in MiB. */
    void memory(String name, long bytes) {
        @SuppressWarnings("unchecked")
        Map<String, Object> mem = (Map<String, Object>) root.computeIfAbsent("memory", k -> new LinkedHashMap<>());
        mem.put(name + "MiB", bytes < 0 ? null : round(bytes / 1048576.0, 1));
        row(name, bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0));
    }

    /** Any other figure, with its table text. */
    void figure(String name, Object value, String text) {
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) root.computeIfAbsent("figures", k -> new LinkedHashMap<>());
        f.put(name, value);
        row(name, text);
    }

    void gc(Proc.GcTotals during) {
        root.put("gcDuringWindow", Map.of("collections", during.collections(), "millis", during.millis()));
        row("GC in window", during.collections() + " collections, " + during.millis() + " ms");
    }

    void finish() {
        root.put("loadAverageAfter", Machine.loadAverage());
    }

    /** One table: the header line names the benchmark, its variant, JVM and load. */
    void print(PrintWriter out) {
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) root.get("machine");
        @SuppressWarnings("unchecked")
        Map<String, Object> jvm = (Map<String, Object>) root.get("jvm");
        out.printf(Locale.ROOT, "%n%s — %s%n", root.get("command"), String.join(", ", variant()));
        out.printf(Locale.ROOT, "%s CPUs (%s), %s %s, %s, load %s before, %s after%n", machine.get("cpus"),
                machine.get("cpuModel"), jvm.get("vm"), jvm.get("version"), jvm.get("gc"),
                machine.get("loadAverage"), root.get("loadAverageAfter"));
        out.printf(Locale.ROOT, "RSA engine: %s%n", ((Map<?, ?>) root.get("rsa")).get("description"));
        int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        String line = "-".repeat(w + 2) + "+" + "-".repeat(72);
        out.println(line);
        for (String[] r : rows) {
            out.printf(Locale.ROOT, " %-" + w + "s | %s%n", r[0], r[1]);
        }
        out.println(line);
        out.flush();
    }

    void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ScenariosJson.PRETTY.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    Map<String, Object> json() {
        return root;
    }

    @SuppressWarnings("unchecked")
    private List<String> variant() {
        return (List<String>) root.get("variant");
    }

    private void row(String name, String text) {
        rows.add(new String[] {name, text});
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
