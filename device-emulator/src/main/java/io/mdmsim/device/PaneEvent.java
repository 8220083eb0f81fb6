package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A Setup Assistant pane a device reached: shown (and for how long the user stayed) or hidden, with the reason.
 *
 * @param pane   which pane
 * @param shown  whether the user saw it
 * @param reason "shown", or why not ("skipped: SkipSetup has Siri", "not in iOS 12.4 (since 13.0)", ...)
 * @param dwell  simulated time the user spent on it; zero when hidden
 */
public record PaneEvent(SetupPane pane, boolean shown, String reason, Duration dwell) {
    public PaneEvent {
        requireNonNull(pane, "pane");
        requireNonNull(reason, "reason");
        requireNonNull(dwell, "dwell");
        if (!shown && !dwell.isZero()) {
            throw new IllegalArgumentException("dwell: " + dwell + " (expected: zero for a hidden pane)");
        }
    }

    public PaneEvent withDwell(Duration d) {
        return new PaneEvent(pane, shown, reason, d);
    }

    @Override
    public String toString() {
        return pane + (shown ? " shown " + dwell : " hidden: " + reason);
    }
}
