/**
 * What ABM knows: {@code AbmState} (organizations, MDM servers with their tokens and profiles, assignments, the
 * per-server device log that fetch and sync read), {@code AbmProfile}, {@code EventKey} and {@code KeyLog} (log
 * positions), {@code SeededRandom} (keys and identifiers from the seed) and {@code AbmStore}, the interface through
 * which it persists its changes (implemented in {@code store}).
 *
 * <p>May use {@code inventory}, the root package's config types and simulator-core.
 */
package io.mdmsim.abm.state;
