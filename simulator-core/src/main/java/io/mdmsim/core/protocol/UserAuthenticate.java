package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

/**
 * macOS user-channel authentication (Apple {@code mdm/checkin/userauthenticate.yaml}). Required: UDID, UserID.
 * The YAML marks DigestResponse required too, but its own description says the device sends it only on the second
 * request, after the server's DigestChallenge; so it is optional here (null on the first request).
 */
public record UserAuthenticate(String udid, String userId, String digestResponse, byte[] raw)
        implements CheckinMessage {

    public static final String MESSAGE_TYPE = "UserAuthenticate";

    public UserAuthenticate {
        requireNonNull(udid, "udid");
        requireNonNull(userId, "userId");
    }

    @Override
    public String messageType() {
        return MESSAGE_TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return RecordSupport.equals(this, o);
    }

    @Override
    public int hashCode() {
        return RecordSupport.hashCode(this);
    }

    @Override
    public String toString() {
        return RecordSupport.toString(this);
    }
}
