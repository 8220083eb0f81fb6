/**
 * Coverage-guided fuzz targets (Jazzer) for the decoders that read what clients send: plists, check-in messages and
 * command reports, CMS, SCEP pkiMessages, DEP JSON. {@code ./build verify} runs each in a Maven execution of its own:
 * first on its regression inputs ({@code <Class>Inputs/<method>/} under the test resources: seeds, and every crash a
 * fuzzing run found), then fuzzing for a bounded time, longer on demand (docs/security.md). {@code -Dtest=<Class>}
 * replays a target's inputs alone.
 */
package io.mdmsim.core.fuzz;
