package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The report folder of a run ({@code --out DIR}, default {@code reports/<scenario>-<time>}): {@code report.json},
 * {@code report.html}, {@code junit.xml}, {@code timeseries.csv} and {@code traces/} (the fleet writes the traces of
 * devices that did not enroll there while it runs; point its {@code TraceOptions} at {@link #traces(Path)}).
 */
public final class ReportFolder {

    public static final String JSON = "report.json";
    public static final String HTML = "report.html";
    public static final String JUNIT = "junit.xml";
    public static final String CSV = "timeseries.csv";
    public static final String TRACES = "traces";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private ReportFolder() { }

    /** {@code reports/<scenario>-<yyyyMMdd-HHmmss>} (UTC wall time), the scenario's name made safe for a path. */
    public static Path defaultDir(String scenario, Instant wallNow) {
        requireNonNull(scenario, "scenario");
        String safe = scenario.replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of("reports", (safe.isEmpty() ? "run" : safe) + "-" + STAMP.format(wallNow));
    }

    /** The folder's {@code traces/}. */
    public static Path traces(Path dir) {
        return dir.resolve(TRACES);
    }

    /**
     * Writes the report's files into {@code dir} (created if missing; files of an earlier report there are replaced)
     * and makes sure {@code traces/} exists. Returns the paths written, report.json first.
     */
    public static List<Path> write(Path dir, RunReport report) throws IOException {
        requireNonNull(dir, "dir");
        requireNonNull(report, "report");
        Files.createDirectories(traces(dir));
        Path json = dir.resolve(JSON);
        Path html = dir.resolve(HTML);
        Path junit = dir.resolve(JUNIT);
        Path csv = dir.resolve(CSV);
        replace(json, ReportJson.toJson(report));
        replace(html, HtmlReport.render(report));
        replace(junit, JunitXml.render(report));
        replace(csv, TimeseriesCsv.render(report));
        return List.of(json, html, junit, csv, traces(dir));
    }

    /**
     * Merges the report folders of a run's shards into {@code out}: the merged {@code report.json} and the other
     * files written from it, and every shard's traces copied into {@code out/traces/}. Returns the merged report.
     */
    public static RunReport merge(List<Path> shardDirs, Path out) throws IOException {
        requireNonNull(shardDirs, "shardDirs");
        requireNonNull(out, "out");
        List<RunReport> reports = new ArrayList<>();
        for (Path d : shardDirs) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException(d + ": not a folder (expected: a report folder with report.json)");
            }
            if (Files.exists(out) && Files.isSameFile(d, out)) {
                throw new IllegalArgumentException(d + ": is the output folder too (expected: --out elsewhere)");
            }
            reports.add(ReportJson.read(d));
        }
        RunReport merged = ReportMerge.merge(reports);
        write(out, merged);
        for (Path d : shardDirs) {
            copyTraces(traces(d), traces(out));
        }
        return merged;
    }

    /** The trace files of one folder into another; a file of the same name already there is kept. */
    private static void copyTraces(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(f.getFileName().toString());
                if (Files.isRegularFile(f) && !Files.exists(target)) {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** Written beside, then moved in place: a reader never sees half a file. */
    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
