/**
 * The user's sign-in while a device enrolls with user affinity: {@code SetupAssistantSignIn} (Setup Assistant (legacy)
 * authentication on the MachineInfo request, Setup Assistant with modern authentication in the web view) with the
 * user licence every user of such a device needs, and who signed in on which enrollment.
 *
 * <p>May use {@code management}, {@code policy}, {@code model} and simulator-core. Its routes are in {@code
 * http.MdmHttp}.
 */
package io.mdmsim.mdm.signin;
