/**
 * From a scenario file to a {@link io.mdmsim.scenarios.model.Scenario}: YAML or JSON read with the position of every
 * key, checked against the scenario JSON Schema shipped in the jar ({@code mdmsim/scenario.schema.json}) and then
 * against the rules a schema cannot say; every problem is a {@link io.mdmsim.scenarios.file.Problem} with
 * {@code FILE:LINE:COLUMN}. {@code ScenariosJson} is the part's one Jackson mapper (files, reports, admin clients,
 * benchmarks).
 */
package io.mdmsim.scenarios.file;
