package io.mdmsim.device.internal;

/**
 * Thrown out of a step when the device acknowledged EraseDevice: the runner resets it to factory and powers it on
 * again at the first stage. Unchecked so it passes through {@link Step#run}; it is control flow, not a failure.
 */
public final class DeviceErased extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String commandUuid;

    public DeviceErased(String commandUuid) {
        super("erased by EraseDevice " + commandUuid, null, false, false);
        this.commandUuid = commandUuid;
    }

    public String commandUuid() {
        return commandUuid;
    }
}
