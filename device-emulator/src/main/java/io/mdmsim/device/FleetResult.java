package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a fleet run: one result per device in the order of {@link FleetConfig#devices()}, counts per outcome and
 * duration statistics per stage (simulated time).
 *
 * @param devices one result per device
 * @param elapsed simulated time from the start of the run to the end of the last device
 */
public record FleetResult(List<DeviceResult> devices, Duration elapsed) {

    public FleetResult {
        requireNonNull(devices, "devices");
        requireNonNull(elapsed, "elapsed");
        devices = List.copyOf(devices);
    }

    /** Number of devices per outcome; every outcome is present, zero when none ended that way. */
    public Map<Outcome, Integer> outcomes() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        for (DeviceResult d : devices) {
            counts.merge(d.outcome(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    public int count(Outcome outcome) {
        requireNonNull(outcome, "outcome");
        return outcomes().get(outcome);
    }

    public boolean allEnrolled() {
        return devices.stream().allMatch(DeviceResult::enrolled);
    }

    /** The devices that did not enroll, in device order. */
    public List<DeviceResult> failures() {
        return devices.stream().filter(d -> !d.enrolled()).toList();
    }

    /** Duration statistics of each stage that at least one device completed, in stage order. */
    public Map<Stage, StageStats> stages() {
        Map<Stage, List<Duration>> byStage = new EnumMap<>(Stage.class);
        for (DeviceResult d : devices) {
            d.stageDurations().forEach((stage, took) -> byStage.computeIfAbsent(stage, s -> new ArrayList<>()).add(took));
        }
        Map<Stage, StageStats> stats = new EnumMap<>(Stage.class);
        byStage.forEach((stage, durations) -> stats.put(stage, StageStats.of(stage, durations)));
        return Collections.unmodifiableMap(stats);
    }

    /**
     * Management at the end of the run: "managed", "unmanaged" (enrolled at some point, then not), "supervised",
     * "singleAppMode" (still locked), and one count per {@link DeviceResult.Unenrollment} other than NONE
     * ("RETIRED", "REMOVED_BY_USER"), and "refusedWhileManaged": the check-ins and reports the MDM refused with 403 while
     * the devices were managed (an MDM that forgot them). Every key is present.
     */
    public Map<String, Integer> management() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("managed", 0);
        m.put("unmanaged", 0);
        m.put("supervised", 0);
        m.put("singleAppMode", 0);
        m.put("refusedWhileManaged", 0);
        for (DeviceResult.Unenrollment u : DeviceResult.Unenrollment.values()) {
            if (u != DeviceResult.Unenrollment.NONE) {
                m.put(u.name(), 0);
            }
        }
        for (DeviceResult d : devices) {
            DeviceResult.Management dm = d.management();
            m.merge(dm.managed() ? "managed" : "unmanaged", dm.managed() || dm.enrollments() > 0 ? 1 : 0,
                    Integer::sum);
            m.merge("supervised", dm.supervised() ? 1 : 0, Integer::sum);
            m.merge("singleAppMode", dm.singleAppMode() ? 1 : 0, Integer::sum);
            m.merge("refusedWhileManaged", dm.refusedWhileManaged(), Integer::sum);
            if (dm.unenrolled() != DeviceResult.Unenrollment.NONE) {
                m.merge(dm.unenrolled().name(), 1, Integer::sum);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** A few lines for a terminal: outcome counts, then each failed device. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(devices.size()).append(" devices in ").append(elapsed).append(": ");
        Map<Outcome, Integer> counts = outcomes();
        sb.append(String.join(", ", counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).toList()));
        Map<String, Integer> m = management();
        if (m.get("unmanaged") > 0 || m.get("singleAppMode") > 0) {
            sb.append("; ").append(m.get("unmanaged")).append(" unmanaged at the end (").append(m.get("RETIRED"))
                    .append(" retired, ").append(m.get("REMOVED_BY_USER")).append(" removed by the user), ")
                    .append(m.get("singleAppMode")).append(" still in Single App Mode");
        }
        if (m.get("refusedWhileManaged") > 0) {
            sb.append("; ").append(m.get("refusedWhileManaged")).append(" check-ins refused with 403 while managed"
                    + " (the MDM does not recognize devices it enrolled)");
        }
        for (DeviceResult f : failures()) {
            sb.append('\n').append("  ").append(f);
        }
        return sb.toString();
    }
}
