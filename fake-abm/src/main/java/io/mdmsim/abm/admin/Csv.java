package io.mdmsim.abm.admin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: comma-separated fields, optional double quotes (a quote inside a quoted field doubled),
 * CRLF or LF line ends, a leading UTF-8 byte order mark ignored, blank lines skipped. Rows keep their line number so
 * errors can point at them.
 */
final class Csv {

    /** One row and the line it starts on (1-based). */
    record Row(int line, List<String> fields) {
    }

    /** A malformed file; the message names the line. */
    static final class CsvException extends IllegalArgumentException {
        CsvException(String message) {
            super(message);
        }
    }

    private Csv() {
    }

    static List<Row> parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (!field.isEmpty()) {
                        throw new CsvException("line " + line + ": a quote inside an unquoted field (expected: the whole field quoted, quotes doubled)");
                    }
                    quoted = true;
                    fieldWasQuoted = true;
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldWasQuoted = false;
                }
                case '\r' -> {
                    // part of CRLF; a lone CR is ignored too
                }
                case '\n' -> {
                    fields.add(field.toString());
                    addRow(rows, rowLine, fields, fieldWasQuoted);
                    fields = new ArrayList<>();
                    field.setLength(0);
                    fieldWasQuoted = false;
                    line++;
                    rowLine = line;
                }
                default -> {
                    if (fieldWasQuoted) {
                        throw new CsvException("line " + line + ": text after a closing quote");
                    }
                    field.append(c);
                }
            }
            i++;
        }
        if (quoted) {
            throw new CsvException("line " + rowLine + ": a quoted field is not closed");
        }
        if (!field.isEmpty() || !fields.isEmpty() || fieldWasQuoted) {
            fields.add(field.toString());
            addRow(rows, rowLine, fields, fieldWasQuoted);
        }
        return rows;
    }

    private static void addRow(List<Row> rows, int line, List<String> fields, boolean lastQuoted) {
        boolean blank = fields.size() == 1 && fields.getFirst().isBlank() && !lastQuoted;
        if (!blank) {
            rows.add(new Row(line, List.copyOf(fields)));
        }
    }
}
