/**
 * The {@code mdmsim} command line (picocli): {@code Main} and one command class per verb ({@code run}, {@code validate},
 * {@code quickstart}, {@code abm}, {@code mdm}, {@code devices}, {@code report}, {@code bench}, {@code version}), with
 * the shared options. Commands start the parts from their public configs and talk to them over HTTP.
 */
package io.mdmsim.scenarios.cli;
