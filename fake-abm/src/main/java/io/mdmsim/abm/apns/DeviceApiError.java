package io.mdmsim.abm.apns;

/** A refused device-side or admin request of the fake APNs, with its status; the handlers answer it as readable text. */
public final class DeviceApiError extends RuntimeException {
    private final int status;

    DeviceApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
