/**
 * Apple's Device Assignment (DEP) API from the MDM's side. {@code DepClient} (session, OAuth, the calls) and {@code
 * DepTokenService}, the one entry point for the admin API and the enrollment, over its parts: {@code AddFlows} (the
 * add flows' key pairs), {@code TokenRegistry} (the uploaded tokens: upload, renewal, deletion, scope tags, their
 * devices) with {@code Token} (one token's state and the seeds' rules on it), {@code ProfileBook} (the enrollment
 * profiles defined in ABM, their assignment and edits), {@code SyncEngine} (one sync round) and {@code SyncScheduler}
 * (when rounds run: background timers, the Sync button's limits, resuming after a restart); {@code TokenStorage} says
 * how a token and an add flow are kept in the store.
 *
 * <p>May use {@code management}, {@code events}, {@code store}, {@code model} and simulator-core.
 */
package io.mdmsim.mdm.dep;
