/**
 * Coverage-guided fuzz targets (Jazzer) for the decoders that read what clients send: plists, check-in messages and
 * command reports, CMS, SCEP pkiMessages, DEP JSON. In an ordinary test run each runs on its regression inputs
 * ({@code <Class>Inputs/<method>/} under the test resources: seeds, and every crash a fuzzing run found);
 * {@code ./build verify} fuzzes each for a bounded time, longer on demand (docs/security.md).
 */
package io.mdmsim.core.fuzz;
