package io.mdmsim.core.time;

/**
 * A task scheduled on a {@link SimClock} with {@link SimClock#schedule} or {@link SimClock#scheduleRepeatedly}.
 */
public interface ClockTimer {

    /**
     * Stops the task from running (again); a run already under way finishes. Returns false when there was nothing left
     * to cancel (a one-shot task that already started, or a timer cancelled before).
     */
    boolean cancel();

    /** Whether the timer will not run (again): cancelled, or a one-shot task that has started. */
    boolean isDone();
}
