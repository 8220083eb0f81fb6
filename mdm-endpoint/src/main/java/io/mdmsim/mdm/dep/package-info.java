/**
 * Apple's Device Assignment (DEP) API from the MDM's side: {@code DepClient} (session, OAuth, the calls) and {@code
 * DepTokenService} (the token key pair, token upload, the background sync of each token, the enrollment profiles
 * defined in ABM and their assignment) with {@code TokenStorage} (how a token and an add flow are kept in the store).
 *
 * <p>May use {@code management}, {@code events}, {@code store}, {@code model} and simulator-core.
 */
package io.mdmsim.mdm.dep;
