/**
 * What a test changes while the fake runs: {@code AbmSettings} (DEP behaviour, {@code PUT /admin/settings}) and
 * {@code Faults} (latency, error rates and scripted answers per endpoint).
 *
 * <p>May use simulator-core only.
 */
package io.mdmsim.abm.settings;
