/**
 * The device enrollments this server knows: {@code DeviceRegistry} of {@code DeviceRecord}s (one per enrollment,
 * each with its command queue and its lock), their {@code EnrollmentState}, the Company Portal state ({@code
 * PortalState}) and the {@code DeviceView} snapshot the admin API shows.
 *
 * <p>May use {@code queue}, {@code store}, {@code model} and simulator-core. Each record is written to the store when
 * a lock that changed it is released.
 */
package io.mdmsim.mdm.device;
