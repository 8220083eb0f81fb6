package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Declarative device management over check-in (Apple {@code mdm/checkin/declarativemanagement.yaml}). Required:
 * Endpoint ({@code tokens}, {@code declaration-items}, {@code status}, {@code declaration/<type>/<id>}), and UDID or
 * (user enrollment) EnrollmentID. {@code data} is the JSON body (e.g. a status report), if any.
 */
public record DeclarativeManagement(String endpoint, byte[] data, String udid, String enrollmentId,
        String enrollmentUserId, String userShortName, String userId, String userLongName, byte[] raw)
        implements CheckinMessage {

    public static final String MESSAGE_TYPE = "DeclarativeManagement";

    public DeclarativeManagement {
        requireNonNull(endpoint, "endpoint");
        Identity.require(MESSAGE_TYPE, udid, enrollmentId);
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
