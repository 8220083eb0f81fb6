package io.mdmsim.scenarios.report;

import io.mdmsim.scenarios.report.RunReport.DepCount;
import io.mdmsim.scenarios.report.RunReport.DepTotals;
import io.mdmsim.scenarios.report.RunReport.ErrorCount;
import io.mdmsim.scenarios.report.RunReport.Interval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Figures a report derives from what it holds, computed the same way for a run ({@link RunRecorder}) and a merge
 * ({@link ReportMerge}).
 */
final class Figures {

    private Figures() { }

    /** Errors most frequent first, then by text. */
    static List<ErrorCount> sortedErrors(List<ErrorCount> errors) {
        List<ErrorCount> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingLong(ErrorCount::count).reversed().thenComparing(ErrorCount::text));
        return sorted;
    }

    /** The per-server totals of a time series. */
    static Map<String, DepTotals> depTotals(List<Interval> series, long intervalMs) {
        Map<String, DepTotals> totals = new TreeMap<>();
        Set<String> servers = new TreeSet<>();
        series.forEach(i -> servers.addAll(i.dep().keySet()));
        double perMinute = 60_000.0 / intervalMs;
        for (String server : servers) {
            long visible = 0;
            long fetched = 0;
            long visiblePeak = 0;
            long fetchedPeak = 0;
            int first = -1;
            int lastFetch = -1;
            for (int i = 0; i < series.size(); i++) {
                DepCount d = series.get(i).dep().get(server);
                if (d == null) {
                    continue;
                }
                visible += d.visible();
                fetched += d.fetched();
                visiblePeak = Math.max(visiblePeak, d.visible());
                fetchedPeak = Math.max(fetchedPeak, d.fetched());
                if (d.fetched() > 0) {
                    first = first < 0 ? i : first;
                    lastFetch = i;
                }
            }
            double mean = first < 0 ? 0 : fetched * perMinute / (lastFetch - first + 1);
            totals.put(server, new DepTotals(visible, fetched, round(visiblePeak * perMinute),
                    round(fetchedPeak * perMinute), round(mean)));
        }
        return totals;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

}
