package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long a device may take, on the simulated clock, so that every run ends: an overall deadline for each device's
 * run and a timeout per stage. A device past either ends {@link Outcome#TIMED_OUT} at the stage it was in, with the
 * last answer it got.
 *
 * <p>A stage's timeout counts the time the device spends waiting between exchanges (polls, retries, a command loop, a
 * server that answers "not yet"); the time of the HTTP exchanges themselves (each bounded by the real-time HTTP
 * timeout: at x60 a slow real second is a simulated minute) and the pauses its user takes by the {@link Behaviour}
 * knobs (dwell on panes, the wait before SCEP, a retry after 2 minutes, Company Portal sign-in later, a reboot) do
 * not count. The deadline counts everything. The defaults fit Apple's behaviour: the SCEP stage has the
 * challenge window (15 minutes: a challenge is useless after it), the HTTP stages a few minutes (iOS retries activation
 * and enrollment requests for about that long), awaiting configuration half an hour. {@link Stage#MANAGED} is as long
 * as the fleet's lifetime and has no stage timeout; the deadline still ends it (the device then counts as enrolled).
 *
 * @param deadline the longest a device's whole run may take from power-on; null for none (the stage timeouts still
 *                 end every run)
 * @param stages   the timeout of each stage; a stage not in it has none
 */
public record Timeouts(Duration deadline, Map<Stage, Duration> stages) {

    /** The challenge window: a SCEP challenge is valid for 15 minutes (seeds). */
    public static final Duration SCEP_CHALLENGE_WINDOW = Duration.ofMinutes(15);

    /** The defaults: no overall deadline, a timeout for every stage but MANAGED and DONE. */
    public static final Timeouts DEFAULT = new Timeouts(null, defaults());

    public Timeouts {
        if (deadline != null && !deadline.isPositive()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0, or none)");
        }
        requireNonNull(stages, "stages");
        Map<Stage, Duration> copy = new EnumMap<>(Stage.class);
        stages.forEach((stage, timeout) -> {
            requireNonNull(stage, "stage");
            requireNonNull(timeout, "timeout of " + stage);
            if (!timeout.isPositive()) {
                throw new IllegalArgumentException("stageTimeout: " + stage + "=" + timeout + " (expected: > 0)");
            }
            if (stage == Stage.MANAGED || stage == Stage.DONE) {
                throw new IllegalArgumentException("stageTimeout: " + stage + " (expected: a stage before MANAGED;"
                        + " the managed life lasts the fleet's lifetime, bounded by the deadline)");
            }
            copy.put(stage, timeout);
        });
        stages = Collections.unmodifiableMap(copy);
    }

    /** The timeout of {@code stage}, null when it has none. */
    public Duration stage(Stage stage) {
        return stages.get(stage);
    }

    /** The same timeouts with this overall deadline (null: none). */
    public Timeouts withDeadline(Duration deadline) {
        return new Timeouts(deadline, stages);
    }

    /** The same timeouts with {@code stage} given {@code timeout}. */
    public Timeouts withStage(Stage stage, Duration timeout) {
        Map<Stage, Duration> m = new EnumMap<>(stages);
        m.put(requireNonNull(stage, "stage"), timeout);
        return new Timeouts(deadline, m);
    }

    private static Map<Stage, Duration> defaults() {
        Map<Stage, Duration> m = new EnumMap<>(Stage.class);
        Duration panes = Duration.ofMinutes(10);   // a pane waits on its user, whose time does not count
        Duration request = Duration.ofMinutes(5);  // iOS retries an activation or enrollment request about that long
        m.put(Stage.POWER_ON, panes);
        m.put(Stage.LANGUAGE_REGION, panes);
        m.put(Stage.ACTIVATION, request);
        m.put(Stage.CLOUD_CONFIG, request);
        m.put(Stage.SETUP_PANES, panes);
        m.put(Stage.REMOTE_MANAGEMENT, Duration.ofMinutes(15)); // a web sign-in: pages, redirects, a second factor
        m.put(Stage.MACHINE_INFO, request);
        m.put(Stage.PROFILE, request);
        m.put(Stage.SCEP, SCEP_CHALLENGE_WINDOW);
        m.put(Stage.AUTHENTICATE, request);
        m.put(Stage.TOKEN_UPDATE, request);
        m.put(Stage.AWAITING_CONFIGURATION, Duration.ofMinutes(30));
        m.put(Stage.REMAINING_PANES, panes);
        m.put(Stage.HOME_SCREEN, panes);
        m.put(Stage.COMPANY_PORTAL, Duration.ofMinutes(30));
        return m;
    }
}
