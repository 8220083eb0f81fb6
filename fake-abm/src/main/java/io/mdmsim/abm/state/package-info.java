/**
 * What ABM knows. {@code AbmState} is the one entry point (one lock; organizations, MDM servers with their tokens and
 * profiles, assignments, the per-server device log that fetch and sync read) over its parts, each called under that
 * lock: {@code AbmTables} (the data: organizations, inventory, device state columns, servers, profiles) with {@code
 * OrgEntry} and {@code ServerEntry}, {@code Organizations} (organizations and inventory), {@code MdmServers}
 * (servers, tokens, pace, cursor expiry), {@code Assignments} (the admin's assignments and releases), {@code
 * DeviceProfiles} (profiles and the DEP API's device operations, cloud configuration), {@code AssignmentLog} (fetch
 * and sync pages) and {@code AbmPersistence} (the mapping to {@code AbmStore}, the interface through which the state
 * persists its changes, implemented in {@code store}). Also {@code AbmProfile}, {@code EventKey} and {@code KeyLog}
 * (log positions) and {@code SeededRandom} (keys and identifiers from the seed).
 *
 * <p>May use {@code inventory}, the root package's config types and simulator-core.
 */
package io.mdmsim.abm.state;
