/**
 * Simulated time: {@code SimClock} (wall, scaled, manual) with timers ({@code schedule}, {@code scheduleRepeatedly},
 * {@code ClockTimer}); {@code ManualClock} moves only when told and can run its timers until idle. Uses nothing.
 */
package io.mdmsim.core.time;
