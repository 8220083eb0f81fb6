package io.mdmsim.scenarios.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.model.ExpectationSpec;
import io.mdmsim.scenarios.model.Threshold;
import io.mdmsim.scenarios.quickstart.AdminClient;
import io.mdmsim.scenarios.report.Latency;
import io.mdmsim.scenarios.report.RunReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Evaluates a scenario's expectations on what the run recorded: devices' results (by population), stage times, the
 * DEP side per minute, the actions' results and, from the reference MDM's admin API, the commands it queued.
 */
public final class Verdicts {

    /** One evaluated expectation: what was observed, in words, and whether it passed. */
    record Verdict(ExpectationSpec spec, double observed, String actual, boolean passed) {
        RunReport.ExpectationResult result() {
            return new RunReport.ExpectationResult(spec.name(), spec.threshold().text(), actual, passed);
        }
    }

    /** The run's facts the expectations are evaluated on. */
    record Facts(List<DevicePlan.Device> planned, Map<String, DeviceResult> results,
                 java.util.function.Function<String, List<String>> shownErrors,
                 RunReport report, List<ActionRunner.Result> actions, AdminClient mdmAdmin) { }

    private static final Set<String> TERMINAL = Set.of("ACKNOWLEDGED", "ERROR", "COMMAND_FORMAT_ERROR", "CANCELED");

    private Verdicts() {
    }

    /**
     * The expectations that can be evaluated on a report alone (a merged report of shards has no device's own
     * result): outcomes, stages and errors without a population, the DEP side and the devices started or finished;
     * the others are left out (their shards' results stay in the merged report).
     */
    public static List<RunReport.ExpectationResult> onReport(List<ExpectationSpec> specs, RunReport report) {
        List<RunReport.ExpectationResult> out = new ArrayList<>();
        for (ExpectationSpec e : specs) {
            if (e.population() != null) {
                continue;
            }
            Threshold th = e.threshold();
            Verdict v = switch (e.subject()) {
                case OUTCOME -> {
                    long n = switch (e.value()) {
                        case "enrolled" -> report.count(io.mdmsim.device.Outcome.ENROLLED);
                        case "not-enrolled" -> report.devices().finished()
                                - report.count(io.mdmsim.device.Outcome.ENROLLED);
                        case "not-assigned" -> report.count(io.mdmsim.device.Outcome.NOT_ASSIGNED);
                        case "needs-wipe" -> report.count(io.mdmsim.device.Outcome.NEEDS_WIPE);
                        case "failed" -> report.count(io.mdmsim.device.Outcome.FAILED);
                        default -> report.count(io.mdmsim.device.Outcome.TIMED_OUT);
                    };
                    yield counted(e, n, report.devices().total(), null);
                }
                case STAGE -> {
                    Stage stage = Stage.valueOf(e.value().toUpperCase(Locale.ROOT).replace('-', '_'));
                    Latency l = report.stage(stage).orElse(null);
                    if (th.aggregate().equals("count")) {
                        long n = l == null ? 0 : l.count();
                        yield new Verdict(e, n, n + " devices completed it", th.test(n));
                    }
                    yield l == null ? new Verdict(e, Double.NaN, "no device completed " + e.value(), false)
                            : latency(e, l);
                }
                case ERROR -> th.aggregate().equals("count")
                        ? counted(e, report.errorCountContaining(e.value()), report.devices().total(), "errors")
                        : null;
                case DEP -> dep(e, report);
                case DEVICES -> counted(e, e.value().equals("started") ? report.devices().started()
                        : report.devices().finished(), report.devices().total(), null);
                default -> null;
            };
            if (v != null) {
                out.add(v.result());
            }
        }
        return out;
    }

    static List<Verdict> evaluate(List<ExpectationSpec> specs, Facts facts) {
        List<Verdict> out = new ArrayList<>();
        for (ExpectationSpec e : specs) {
            out.add(evaluate(e, facts));
        }
        return out;
    }

    private static Verdict evaluate(ExpectationSpec e, Facts f) {
        Threshold th = e.threshold();
        List<DeviceResult> scope = new ArrayList<>();
        for (DevicePlan.Device d : f.planned()) {
            if (e.population() == null || d.population().name().equals(e.population())) {
                DeviceResult r = f.results().get(d.spec().serialNumber());
                if (r != null) {
                    scope.add(r);
                }
            }
        }
        return switch (e.subject()) {
            case OUTCOME -> share(e, scope, outcome(e.value()));
            case ERROR -> share(e, scope, r -> r.reason() != null && r.reason().contains(e.value())
                    || f.shownErrors().apply(r.device().serialNumber()).stream().anyMatch(t -> t.contains(e.value())));
            case MANAGEMENT -> share(e, scope, management(e.value()));
            case DEVICES -> share(e, scope, e.value().equals("started") ? r -> r.reason() == null
                    || !r.reason().startsWith("interrupted before power-on") : r -> true);
            case STAGE -> stage(e, scope);
            case DEP -> dep(e, f.report());
            case ACTION -> {
                long runs = f.actions().stream().filter(a -> a.name().equals(e.value())).count();
                long hits = f.actions().stream().filter(a -> a.name().equals(e.value())
                        && a.result().equals(e.result())).count();
                String said = f.actions().stream().filter(a -> a.name().equals(e.value())).map(a -> a.result()
                        + (a.message() == null || a.message().isEmpty() ? "" : ": " + a.message())).findFirst()
                        .orElse("did not run");
                yield counted(e, hits, runs, said);
            }
            case COMMANDS -> commands(e, f);
            case MDM_DEVICE -> mdmDevice(e, scope, f);
        };
    }

    private static Predicate<DeviceResult> outcome(String value) {
        return switch (value) {
            case "enrolled" -> r -> r.outcome() == Outcome.ENROLLED;
            case "not-enrolled" -> r -> r.outcome() != Outcome.ENROLLED;
            case "not-assigned" -> r -> r.outcome() == Outcome.NOT_ASSIGNED;
            case "needs-wipe" -> r -> r.outcome() == Outcome.NEEDS_WIPE;
            case "timed-out" -> r -> r.outcome() == Outcome.TIMED_OUT;
            default -> r -> r.outcome() == Outcome.FAILED;
        };
    }

    private static Predicate<DeviceResult> management(String value) {
        return switch (value) {
            case "managed" -> r -> r.management().managed();
            case "unmanaged" -> r -> !r.management().managed();
            case "supervised" -> r -> r.management().supervised();
            case "single-app-mode" -> r -> r.management().singleAppMode();
            case "retired" -> r -> r.management().unenrolled() == DeviceResult.Unenrollment.RETIRED;
            case "removed-by-user" -> r -> r.management().unenrolled() == DeviceResult.Unenrollment.REMOVED_BY_USER;
            default -> r -> r.management().enrollments() > 1; // reenrolled
        };
    }

    private static Verdict share(ExpectationSpec e, List<DeviceResult> scope, Predicate<DeviceResult> which) {
        long n = scope.stream().filter(which).count();
        return counted(e, n, scope.size(), null);
    }

    /** count: n; rate: n of total. */
    private static Verdict counted(ExpectationSpec e, long n, long total, String note) {
        Threshold th = e.threshold();
        if (th.aggregate().equals("rate")) {
            if (total == 0) {
                return new Verdict(e, Double.NaN, "no devices to measure", false);
            }
            double rate = (double) n / total;
            return new Verdict(e, rate, String.format(Locale.ROOT, "%s (%d of %d)", rate(rate), n, total)
                    + (note == null ? "" : "; " + note), th.test(rate));
        }
        return new Verdict(e, n, n + (note == null ? "" : " (" + note + ")"), th.test(n));
    }

    private static Verdict stage(ExpectationSpec e, List<DeviceResult> scope) {
        Stage stage = Stage.valueOf(e.value().toUpperCase(Locale.ROOT).replace('-', '_'));
        List<Duration> times = new ArrayList<>();
        for (DeviceResult r : scope) {
            Duration d = r.stageDurations().get(stage);
            if (d != null) {
                times.add(d);
            }
        }
        Threshold th = e.threshold();
        if (th.aggregate().equals("count")) {
            return new Verdict(e, times.size(), times.size() + " devices completed it", th.test(times.size()));
        }
        if (times.isEmpty()) {
            return new Verdict(e, Double.NaN, "no device completed " + e.value(), false);
        }
        return latency(e, Latency.of(times));
    }

    /** A time aggregate of a stage's latencies. */
    private static Verdict latency(ExpectationSpec e, Latency l) {
        Threshold th = e.threshold();
        double ms = switch (th.aggregate()) {
            case "avg" -> l.meanMs();
            case "min" -> l.minMs();
            case "med" -> l.p50Ms();
            case "max" -> l.maxMs();
            default -> l.percentileMs(th.percentile());
        };
        return new Verdict(e, ms, millis(ms) + " (" + l.count() + " devices)", th.test(ms));
    }

    private static Verdict dep(ExpectationSpec e, RunReport report) {
        Threshold th = e.threshold();
        boolean visible = e.value().equals("visible");
        // per minute: intervals shorter than a minute are added up minute by minute, longer ones divided
        long step = Math.max(60_000, report.intervalMs());
        double scale = 60_000.0 / step;
        Map<Long, Long> byStep = new TreeMap<>();
        long total = 0;
        for (RunReport.Interval i : report.timeseries()) {
            long n = 0;
            for (Map.Entry<String, RunReport.DepCount> d : i.dep().entrySet()) {
                if (e.mdmServer() == null || d.getKey().equals(e.mdmServer())) {
                    n += visible ? d.getValue().visible() : d.getValue().fetched();
                }
            }
            total += n;
            byStep.merge(i.startMs() / step, n, Long::sum);
        }
        List<Double> perMinute = new ArrayList<>();
        long lastStep = byStep.isEmpty() ? -1 : ((TreeMap<Long, Long>) byStep).lastKey();
        for (long k = 0; k <= lastStep; k++) {
            perMinute.add(byStep.getOrDefault(k, 0L) * scale);
        }
        if (th.aggregate().equals("count")) {
            return new Verdict(e, total, total + " devices", th.test(total));
        }
        // the minutes from the first to the last that saw any: the DEP side's active part of the run
        int first = 0;
        int last = perMinute.size() - 1;
        while (first <= last && perMinute.get(first) == 0) {
            first++;
        }
        while (last >= first && perMinute.get(last) == 0) {
            last--;
        }
        if (first > last) {
            return new Verdict(e, Double.NaN, "no DEP figures recorded", false);
        }
        List<Double> active = new ArrayList<>(perMinute.subList(first, last + 1));
        active.sort(null);
        double v = switch (th.aggregate()) {
            case "avg" -> active.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            case "min" -> active.getFirst();
            case "max" -> active.getLast();
            case "med" -> active.get((int) Math.ceil(0.5 * active.size()) - 1);
            default -> active.get(Math.max(0, (int) Math.ceil(th.percentile() / 100 * active.size()) - 1));
        };
        return new Verdict(e, v, String.format(Locale.ROOT, "%,.0f a minute (%d minutes, %,d devices)", v,
                active.size(), total), th.test(v));
    }

    private static Verdict commands(ExpectationSpec e, Facts f) {
        if (f.mdmAdmin() == null) {
            return new Verdict(e, Double.NaN, "no admin API of the MDM to read commands from", false);
        }
        long total = 0;
        long terminal = 0;
        Map<String, Long> open = new TreeMap<>();
        for (JsonNode d : f.mdmAdmin().getJson("/admin/devices")) {
            for (JsonNode c : f.mdmAdmin().getJson("/admin/devices/" + d.path("udid").asText() + "/commands")) {
                total++;
                String state = c.path("state").asText();
                if (TERMINAL.contains(state)) {
                    terminal++;
                } else {
                    open.merge(state, 1L, Long::sum);
                }
            }
        }
        return counted(e, terminal, total, open.isEmpty() ? null : "not terminal: " + open);
    }

    /** Devices in scope whose record in the MDM has the field matching the pattern, of those the MDM knows. */
    private static Verdict mdmDevice(ExpectationSpec e, List<DeviceResult> scope, Facts f) {
        if (f.mdmAdmin() == null) {
            return new Verdict(e, Double.NaN, "no admin API of the MDM to read devices from", false);
        }
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(e.result());
        Map<String, String> udids = new TreeMap<>();
        for (JsonNode d : f.mdmAdmin().getJson("/admin/devices")) {
            udids.put(d.path("serialNumber").asText(), d.path("udid").asText());
        }
        long known = 0;
        long matching = 0;
        String example = null;
        for (DeviceResult r : scope) {
            String udid = udids.get(r.device().serialNumber());
            if (udid == null) {
                continue;
            }
            known++;
            JsonNode v = f.mdmAdmin().getJson("/admin/devices/" + udid);
            for (String part : e.value().split("\\.")) {
                v = v.path(part);
            }
            String text = v.isValueNode() ? v.asText() : v.toString();
            if (pattern.matcher(text).find()) {
                matching++;
            } else if (example == null) {
                example = r.device().serialNumber() + ": " + (v.isMissingNode() ? "(no " + e.value() + ")" : text);
            }
        }
        return counted(e, matching, known, example == null ? null : "e.g. " + example);
    }

    static String rate(double r) {
        return r == 1 ? "1" : r == 0 ? "0" : String.format(Locale.ROOT, "%.4f", r).replaceAll("0+$", "");
    }

    /** Milliseconds as people read them: 850ms, 2.4s, 16m0s. */
    static String millis(double ms) {
        if (ms < 1_000) {
            return String.format(Locale.ROOT, "%.0fms", ms);
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.2fs", ms / 1000).replaceAll("\\.?0+s$", "s");
        }
        long s = Math.round(ms / 1000);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
