/**
 * {@code EnrollmentProfile}: the seeds' enrollment profile settings, their constraints, and the DEP profile each
 * becomes; {@code JitSso}: the configuration profile a Just in Time Registration profile sends its devices.
 *
 * <p>May use simulator-core only.
 */
package io.mdmsim.mdm.management;
