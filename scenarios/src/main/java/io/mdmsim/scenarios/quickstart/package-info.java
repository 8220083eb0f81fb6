/**
 * {@code mdmsim quickstart}: {@code Quickstart} starts a fake ABM, the MDM and a fleet and walks the seeds' add flow;
 * {@code AdminClient} is the JSON client of the parts' admin APIs; {@code Progress} and {@code Summary} print it.
 */
package io.mdmsim.scenarios.quickstart;
