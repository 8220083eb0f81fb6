/**
 * The record of a scenario run and the report folder written from it.
 *
 * <p>{@link io.mdmsim.scenarios.report.RunRecorder} is fed by the runner while devices run (it is the fleet's
 * listener; every method is thread-safe) and by the runner's DEP figures; {@link
 * io.mdmsim.scenarios.report.RunRecorder#snapshot()} turns what it saw into a {@link
 * io.mdmsim.scenarios.report.RunReport}, the immutable model that expectations query and that {@code report.json}
 * holds. Latencies are HdrHistograms stored whole (compressed, base64) so that shard reports merge exactly
 * ({@link io.mdmsim.scenarios.report.ReportMerge}). The writers of the folder ({@code report.json},
 * {@code report.html}, {@code junit.xml}, {@code timeseries.csv}, {@code traces/}) live here too.
 */
package io.mdmsim.scenarios.report;
