/**
 * Persistence of the fake ABM under {@code --data-dir}: the {@code AbmStore} interface that receives each change set
 * and hands everything back at start, and {@code SqliteStore} ({@code abm.db}).
 *
 * <p>May use {@code inventory} and simulator-core.
 */
package io.mdmsim.abm.store;
