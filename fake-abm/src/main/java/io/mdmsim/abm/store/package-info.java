/**
 * Persistence of the fake ABM under {@code --data-dir}: {@code SqliteStore} ({@code abm.db}) implements {@code
 * state.AbmStore}, which receives each change set and hands everything back at start ({@code SnapshotReader}).
 *
 * <p>May use {@code state}, {@code inventory} and simulator-core.
 */
package io.mdmsim.abm.store;
