/**
 * What an ABM administrator does in the web UI: {@code AdminService} (organizations, inventory, MDM servers and their
 * tokens, assignments) and the CSV uploads it reads ({@code CsvImport} over {@code Csv}).
 *
 * <p>May use {@code dep}, {@code state}, {@code inventory} and simulator-core.
 */
package io.mdmsim.abm.admin;
