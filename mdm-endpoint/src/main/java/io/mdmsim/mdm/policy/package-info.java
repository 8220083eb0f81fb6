/**
 * The enrollment policy: {@code PolicyService} (device type restrictions, corporate identifiers, licences, VPP
 * tokens) with its vocabulary ({@code Platform}, {@code Licenses}, {@code VppToken}, {@code Alert}) and {@code
 * PolicyAlerts} (expiring tokens, licences running low), {@code PolicyStorage} (how the policy is kept in the store),
 * {@code LicenseGate} (the licence check Company Portal's sign-in asks) and {@code JitRegistrationPolicy} (the device
 * configuration policy Just in Time Registration needs).
 *
 * <p>May use {@code management}, {@code store}, {@code model} and simulator-core. {@code PolicyAdmin} (the policy, alerts) and {@code VppTokenAdmin} (VPP tokens) hold the administrator's operations; their routes are {@code http.PolicyAdminApi}.
 */
package io.mdmsim.mdm.policy;
