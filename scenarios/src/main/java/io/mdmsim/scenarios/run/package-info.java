/**
 * Runs a {@link io.mdmsim.scenarios.model.Scenario}: starts its world from the parts' public configurations and then
 * reaches them only over HTTP (provisioning, timed actions, the figures expectations read), runs the populations'
 * devices with the load model's arrivals, drives a manual clock, evaluates the expectations on what the
 * {@link io.mdmsim.scenarios.report.RunRecorder} recorded, and hands the console its progress and summary.
 */
package io.mdmsim.scenarios.run;
