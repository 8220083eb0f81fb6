/**
 * A virtual device's facts and state, owned by its thread: {@code Device}, {@code HardwareProfile}, {@code Cellular},
 * {@code ManagedState}, {@code DeclarativeState}, {@code CloudConfiguration}, {@code EnrollmentProfile}, {@code
 * AccessRight}, {@code UserAgent}, {@code DeviceBehaviour}, {@code CompanyPortalApp}; the values its code passes around:
 * {@code CommandReply}, {@code DeviceErrors}, {@code StageFailure}; {@code PlistFields} and {@code Versions}.
 *
 * <p>May use the API package and simulator-core.
 */
package io.mdmsim.device.model;
