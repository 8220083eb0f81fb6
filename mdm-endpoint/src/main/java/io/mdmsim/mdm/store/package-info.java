/**
 * The MDM's storage layer: {@code MdmStore} and its parts by aggregate ({@code StoredMeta}, {@code StoredDevices},
 * {@code StoredBindings}, {@code StoredChallenges}, {@code StoredDeclarations}, {@code StoredDep}, {@code
 * StoredPolicy}), with two backends: in memory (the default) and SQLite in a private data directory ({@code
 * SqliteMdmStore}, {@code --data-dir}); {@code StoredJson} writes the services' state as JSON documents. The services
 * keep their state in memory, hand every change to the store before they answer, and load it back at start.
 *
 * <p>May use simulator-core only; every other package of the part may use it.
 */
package io.mdmsim.mdm.store;
