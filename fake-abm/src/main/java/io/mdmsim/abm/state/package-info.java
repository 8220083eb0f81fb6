/**
 * What ABM knows: {@code AbmState} (organizations, MDM servers with their tokens and profiles, assignments, the
 * per-server device log that fetch and sync read), {@code AbmProfile}, {@code EventKey} and {@code KeyLog} (log
 * positions), and {@code SeededRandom} (keys and identifiers from the seed).
 *
 * <p>May use {@code inventory}, {@code store} and simulator-core.
 */
package io.mdmsim.abm.state;
