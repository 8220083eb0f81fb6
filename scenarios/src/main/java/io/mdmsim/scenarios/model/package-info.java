/**
 * What a scenario says, as immutable records: the seed and clock, the world (fake ABM, the reference MDM or a system
 * under test), populations of devices, the load over time, timed actions, expectations with k6-style thresholds and
 * deadlines. No I/O here.
 */
package io.mdmsim.scenarios.model;
