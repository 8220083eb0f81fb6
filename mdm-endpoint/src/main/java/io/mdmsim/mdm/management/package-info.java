/**
 * {@code EnrollmentProfile}: the seeds' enrollment profile settings, their constraints, and the DEP profile each
 * becomes.
 *
 * <p>May use simulator-core only.
 */
package io.mdmsim.mdm.management;
