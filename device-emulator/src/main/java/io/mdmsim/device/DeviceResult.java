package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one device's run ended.
 *
 * @param device          which device
 * @param outcome         ENROLLED, NOT_ASSIGNED or FAILED
 * @param stage           the stage the device ended in: {@link Stage#DONE} when enrolled, else the stage that failed
 * @param reason          readable reason when not enrolled (what failed and what was expected), null when enrolled
 * @param stageDurations  simulated time of each stage the device completed, in stage order (a failed stage is not
 *                        in it)
 * @param total           simulated time from power-on to the end of the run
 */
public record DeviceResult(DeviceRef device, Outcome outcome, Stage stage, String reason,
                           Map<Stage, Duration> stageDurations, Duration total) {

    public DeviceResult {
        requireNonNull(device, "device");
        requireNonNull(outcome, "outcome");
        requireNonNull(stage, "stage");
        requireNonNull(stageDurations, "stageDurations");
        requireNonNull(total, "total");
        if (outcome == Outcome.ENROLLED && reason != null) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: null for an enrolled device)");
        }
        if (outcome != Outcome.ENROLLED && reason == null) {
            throw new IllegalArgumentException("reason: null (expected: a readable reason for outcome " + outcome + ")");
        }
        stageDurations = Collections.unmodifiableMap(new LinkedHashMap<>(stageDurations));
    }

    public boolean enrolled() {
        return outcome == Outcome.ENROLLED;
    }

    @Override
    public String toString() {
        return enrolled()
                ? device + ": ENROLLED in " + total
                : device + ": " + outcome + " at " + stage + ": " + reason;
    }
}
