package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

/**
 * Names one device of a fleet in listener events and results.
 *
 * @param index        position of the device in {@link FleetConfig#devices()}
 * @param serialNumber the device's serial number
 * @param udid         the UDID derived from the fleet seed
 */
public record DeviceRef(int index, String serialNumber, String udid) {
    public DeviceRef {
        requireNonNull(serialNumber, "serialNumber");
        requireNonNull(udid, "udid");
    }

    @Override
    public String toString() {
        return "device #" + index + " " + serialNumber + " (" + udid + ")";
    }
}
