/**
 * What a scenario run shows on the console: {@link io.mdmsim.scenarios.console.LiveProgress} while it runs (redrawn
 * in place on a terminal, a short block every 10 seconds otherwise) and {@link io.mdmsim.scenarios.console.EndSummary}
 * at the end, in the shape k6 users know: expectations first, then stage latencies, outcomes, errors, paths.
 */
package io.mdmsim.scenarios.console;
