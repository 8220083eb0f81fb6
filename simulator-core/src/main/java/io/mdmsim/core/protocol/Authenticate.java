package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The first check-in message, sent when the MDM payload installs (Apple {@code mdm/checkin/authenticate.yaml}).
 * Required: Topic, and UDID or (user enrollment) EnrollmentID. DeviceName, Model and ModelName are sent by macOS only.
 */
public record Authenticate(String topic, String udid, String enrollmentId, String serialNumber, String productName,
        String osVersion, String buildVersion, String imei, String meid, String deviceName, String model,
        String modelName, byte[] raw) implements CheckinMessage {

    public static final String MESSAGE_TYPE = "Authenticate";

    public Authenticate {
        requireNonNull(topic, "topic");
        Identity.require(MESSAGE_TYPE, udid, enrollmentId);
    }

    /** What an iPhone or iPad on the device channel sends. */
    public static Authenticate forDevice(String topic, String udid, String serialNumber, String productName,
            String osVersion, String buildVersion, String imei, String meid) {
        return new Authenticate(topic, requireNonNull(udid, "udid"), null, serialNumber, productName, osVersion,
                buildVersion, imei, meid, null, null, null, null);
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
