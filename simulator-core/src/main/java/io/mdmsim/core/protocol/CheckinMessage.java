package io.mdmsim.core.protocol;

/**
 * A check-in message (Apple: "Check-in", {@code mdm/checkin/*.yaml}), one record per message type.
 * Read with {@link CheckinCodec#decode}, written with {@link CheckinCodec#encode}.
 *
 * <p>Records compare by content: byte arrays by value, and {@link #raw()} is left out of equals/hashCode.
 */
public sealed interface CheckinMessage permits Authenticate, TokenUpdate, CheckOut, UserAuthenticate,
        SetBootstrapToken, GetBootstrapToken, GetToken, DeclarativeManagement {

    /** The wire value of {@code MessageType}. */
    String messageType();

    /** {@code UDID}; null for a user enrollment (then {@link #enrollmentId()}) or when the device did not send it. */
    String udid();

    /** {@code EnrollmentID} of a user enrollment; null otherwise, and for message types that have none. */
    default String enrollmentId() {
        return null;
    }

    /** The id the device is known by: UDID, or the EnrollmentID of a user enrollment; null if it sent neither. */
    default String identity() {
        return udid() != null ? udid() : enrollmentId();
    }

    /**
     * The exact bytes the message was decoded from (not copied; do not modify); null for a message built in code
     * ({@link CheckinCodec#encode} gives its bytes).
     */
    byte[] raw();
}
