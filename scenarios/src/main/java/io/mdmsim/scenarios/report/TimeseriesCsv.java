package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.report.RunReport.DepCount;
import io.mdmsim.scenarios.report.RunReport.Interval;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code timeseries.csv}: one row per interval (RFC 4180). Columns: {@code startMs, started, finished, enrolled,
 * active, errors}; for each stage in the report {@code <STAGE>.count, .p50Ms, .p95Ms, .p99Ms}; for each MDM server
 * {@code dep.<server>.visible, dep.<server>.fetched}. A stage or server without figures in an interval has 0 there.
 */
public final class TimeseriesCsv {

    private static final List<String> PERCENTILES = List.of("p50Ms", "p95Ms", "p99Ms");

    private TimeseriesCsv() { }

    public static String render(RunReport report) {
        requireNonNull(report, "report");
        List<Stage> stages = new ArrayList<>(report.stages().keySet());
        List<String> servers = new ArrayList<>(report.dep().keySet());
        List<String> header = new ArrayList<>(List.of("startMs", "started", "finished", "enrolled", "active",
                "errors"));
        for (Stage s : stages) {
            header.add(s + ".count");
            PERCENTILES.forEach(p -> header.add(s + "." + p));
        }
        for (String server : servers) {
            header.add("dep." + server + ".visible");
            header.add("dep." + server + ".fetched");
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (Interval i : report.timeseries()) {
            List<String> row = new ArrayList<>(List.of(Long.toString(i.startMs()), Long.toString(i.started()),
                    Long.toString(i.finished()), Long.toString(i.enrolled()), Long.toString(i.active()),
                    Long.toString(i.errors())));
            for (Stage s : stages) {
                Latency l = i.stages().get(s);
                row.add(Long.toString(l == null ? 0 : l.count()));
                row.add(number(l == null ? 0 : l.p50Ms()));
                row.add(number(l == null ? 0 : l.p95Ms()));
                row.add(number(l == null ? 0 : l.p99Ms()));
            }
            for (String server : servers) {
                DepCount d = i.dep().getOrDefault(server, new DepCount(0, 0));
                row.add(Long.toString(d.visible()));
                row.add(Long.toString(d.fetched()));
            }
            line(sb, row);
        }
        return sb.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void line(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String f = fields.get(i);
            if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        sb.append("\r\n");
    }
}
