package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.scenarios.file.ScenariosJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code report.json}: a {@link RunReport} written and read back (docs/reports.md describes the fields). */
public final class ReportJson {

    /** A report file may be at most this large (bounds the work of reading one). */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    private ReportJson() { }

    /** The report as JSON text (fields in a fixed order, so the same report gives the same text). */
    public static String toJson(RunReport report) {
        requireNonNull(report, "report");
        try {
            return ScenariosJson.PRETTY.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /** The report as a JSON tree (for the page's data). */
    static ObjectNode tree(RunReport report) {
        return JSON.valueToTree(requireNonNull(report, "report"));
    }

    public static void write(RunReport report, Path file) throws IOException {
        Files.writeString(file, toJson(report));
    }

    /** Parses a report; an IllegalArgumentException says what is wrong and where. */
    public static RunReport fromJson(String text, String source) {
        requireNonNull(text, "text");
        try {
            RunReport r = JSON.readValue(text, RunReport.class);
            if (r == null) {
                throw new IllegalArgumentException(source + ": empty (expected: a report.json object)");
            }
            if (r.format() != RunReport.FORMAT) {
                throw new IllegalArgumentException(source + ": format " + r.format() + " (expected: "
                        + RunReport.FORMAT + ")");
            }
            return r;
        } catch (JsonMappingException e) {
            String where = e.getLocation() == null ? ""
                    : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String what = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(source + where + ": " + path(e) + firstLine(what)
                    + " (expected: a report.json written by mdmsim, format " + RunReport.FORMAT + ")");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw new IllegalArgumentException(source + where + ": not JSON (" + firstLine(e.getOriginalMessage())
                    + ")");
        }
    }

    /** Reads {@code report.json} (or the file itself when {@code path} is a file). */
    public static RunReport read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("report.json") : path;
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file (expected: a report folder with report.json)");
        }
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": " + size + " bytes (expected: at most " + MAX_BYTES + ")");
        }
        return fromJson(Files.readString(file), file.toString());
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "" : sb + ": ";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
