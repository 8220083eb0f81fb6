/**
 * The reference MDM's own behaviour, the innermost {@code MdmService}: {@code ReferenceMdmService} (enrollment state
 * from check-ins, one command queue per device and its reports) with {@code AwaitConfigurationFlow} (the
 * await-configuration setup flow, critical items, device names), {@code CheckinRequests} (user channel, bootstrap
 * token, GetToken, declarative management) and {@code CommandReports} (reports as the queue keeps them), {@code
 * CompanyPortalService} (Company Portal, Single App Mode) with {@code CriticalApps} (deferred critical apps), {@code
 * Supervision} and {@code PortalView} (the admin view of all three), {@code
 * EnrollmentSettings} (the commands an enrollment profile sends once enrolled) and {@code DeviceLifecycle}
 * (profile snapshot per enrollment, wipe, retire, re-enrollment).
 *
 * <p>May use {@code service}, {@code device}, {@code queue}, {@code dep}, {@code push}, {@code enroll}, {@code
 * declarative}, {@code management}, {@code events}, {@code model} and simulator-core; never the HTTP adapters.
 */
package io.mdmsim.mdm.reference;
