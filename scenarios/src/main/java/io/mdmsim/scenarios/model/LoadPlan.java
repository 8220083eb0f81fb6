package io.mdmsim.scenarios.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a scenario will do, before it runs: how many devices in which populations, when they arrive, when the actions
 * happen, and how long that takes on the scenario's clock at least. {@code mdmsim validate} prints it.
 *
 * @param devices     devices the populations name (null where a population takes all that fit an inventory)
 * @param arrivals    devices that will power on (fewer than devices when the load ends first)
 * @param lastArrival when the last device powers on
 * @param lastAction  when the last action happens (zero without actions)
 */
public record LoadPlan(Integer devices, Integer arrivals, Duration lastArrival, Duration lastAction) {

    /** The plan of a scenario. */
    public static LoadPlan of(Scenario s) {
        Integer devices = 0;
        for (PopulationSpec p : s.populations()) {
            if (p.count() == null) {
                devices = null;
                break;
            }
            devices += p.count();
        }
        Duration lastAction = s.actions().isEmpty() ? Duration.ZERO : s.actions().getLast().at();
        if (devices == null) {
            return new LoadPlan(null, null, null, lastAction);
        }
        List<Duration> arrivals = s.load().arrivals(devices);
        return new LoadPlan(devices, arrivals.size(), arrivals.isEmpty() ? Duration.ZERO : arrivals.getLast(),
                lastAction);
    }

    /** The plan in a few lines. */
    public List<String> describe(Scenario s) {
        List<String> out = new ArrayList<>();
        List<String> pops = new ArrayList<>();
        for (PopulationSpec p : s.populations()) {
            pops.add(p.name() + " " + (p.device() != null ? "1 (" + p.device().serial() + ")"
                    : p.count() == null ? "all that fit" : p.count()) + (p.ota() ? " over the air" : ""));
        }
        out.add(String.format(Locale.ROOT, "devices   %s in %d population%s%s", devices == null ? "?" : devices,
                s.populations().size(), s.populations().size() == 1 ? "" : "s",
                pops.isEmpty() ? "" : ": " + String.join(", ", pops)));
        String load = switch (s.load()) {
            case LoadSpec.AllAtOnce a -> "all-at-once";
            case LoadSpec.ConstantArrivalRate c -> "constant-arrival-rate " + num(c.rate()) + " per "
                    + Durations.format(c.timeUnit()) + (c.duration() == null ? "" : " for "
                    + Durations.format(c.duration()));
            case LoadSpec.RampingArrivalRate r -> "ramping-arrival-rate from " + num(r.startRate()) + " per "
                    + Durations.format(r.timeUnit()) + " through " + r.stages().size() + " stage"
                    + (r.stages().size() == 1 ? "" : "s") + " (" + String.join(", ", r.stages().stream()
                    .map(st -> num(st.target()) + " over " + Durations.format(st.duration())).toList()) + ")";
            case LoadSpec.ConstantDevices c -> "constant-devices " + c.devices() + " at a time";
        };
        if (arrivals != null && devices != null && arrivals < devices) {
            load += "; only " + arrivals + " of the " + devices + " devices arrive before the load ends";
        }
        if (lastArrival != null && !lastArrival.isZero()) {
            load += "; the last device powers on at " + Durations.format(lastArrival);
        }
        out.add("load      " + load);
        out.add("actions   " + (s.actions().isEmpty() ? "none" : s.actions().size() + ", the last at "
                + Durations.format(lastAction)));
        out.add("expect    " + (s.expectations().isEmpty() && (devices == null || devices > 0)
                ? "none written: every device enrolled (the default expectation)"
                : s.expectations().size() + " expectation" + (s.expectations().size() == 1 ? "" : "s")));
        Duration least = lastArrival == null ? lastAction : lastArrival.compareTo(lastAction) > 0 ? lastArrival
                : lastAction;
        out.add("duration  at least " + Durations.format(least) + " on the " + s.clock().text() + " clock"
                + (s.deadline() == null ? "" : ", deadline " + Durations.format(s.deadline())) + "; seed " + s.seed());
        return out;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
