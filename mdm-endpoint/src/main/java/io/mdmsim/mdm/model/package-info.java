/**
 * Small value types every package of the MDM shares: {@code MachineInfo} (the device facts of an enrollment
 * request), {@code DeviceError} (the ADM error body of a 403), {@code BadInputException} (a malformed request,
 * answered with 400), {@code PlistJson} (plist values as JSON and back) and {@code Ids} (seeded identifiers).
 *
 * <p>May use simulator-core only.
 */
package io.mdmsim.mdm.model;
