/**
 * Enrollment: {@code EnrollmentService} (the CMS-signed MachineInfo checked against the trusted device CAs, the
 * enrollment policy, the enrollment profile with a one-time SCEP challenge; over-the-air enrollment), {@code
 * ScepService} (the SCEP server, CA or RA), {@code ChallengeStore} (one-time challenges on the simulated clock),
 * {@code IdentityBindings} (which enrollment each identity certificate belongs to) and {@code
 * EnrollmentRefusedException}.
 *
 * <p>May use {@code policy}, {@code events}, {@code store}, {@code model} and simulator-core.
 */
package io.mdmsim.mdm.enroll;
