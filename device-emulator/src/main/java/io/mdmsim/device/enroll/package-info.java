/**
 * Enrollment from the device's side: {@code EnrollmentSteps} (cloud configuration, MachineInfo, profile, SCEP,
 * Authenticate, TokenUpdate, awaiting configuration) and {@code OtaEnrollment} (a profile from a URL, no Apple cloud
 * configuration).
 *
 * <p>May use {@code setup}, {@code managed}, {@code runtime}, {@code net}, {@code model}, the API package and
 * simulator-core.
 */
package io.mdmsim.device.enroll;
