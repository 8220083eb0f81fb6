/**
 * From power-on to enrolled, the device's side: {@code SetupAssistant} (the panes, in order, and what skips them),
 * {@code EnrollmentSteps} (cloud configuration, MachineInfo, profile, SCEP, Authenticate, TokenUpdate, awaiting
 * configuration) with {@code MachineInfoStep} (the MachineInfo POST and the refusals it reads), {@code WebView} (modern
 * authentication), {@code OtaEnrollment} (a profile from a URL, no Apple cloud
 * configuration) and {@code CompanyPortal} (the app that signs the user in and ends Single App Mode).
 *
 * <p>May use {@code managed}, {@code runtime}, {@code net}, {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.enroll;
