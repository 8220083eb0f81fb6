package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Sent when the MDM profile is removed and CheckOutWhenRemoved is set (Apple {@code mdm/checkin/checkout.yaml}).
 * Required: Topic, and UDID or (user enrollment) EnrollmentID.
 */
public record CheckOut(String topic, String udid, String enrollmentId, byte[] raw) implements CheckinMessage {

    public static final String MESSAGE_TYPE = "CheckOut";

    public CheckOut {
        requireNonNull(topic, "topic");
        Identity.require(MESSAGE_TYPE, udid, enrollmentId);
    }

    /** What an iPhone or iPad on the device channel sends. */
    public static CheckOut forDevice(String topic, String udid) {
        return new CheckOut(topic, requireNonNull(udid, "udid"), null, null);
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
