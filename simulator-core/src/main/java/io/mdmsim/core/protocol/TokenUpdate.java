package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The device's push token, sent after Authenticate and whenever it changes (Apple {@code mdm/checkin/tokenupdate.yaml}).
 * Required: Topic, Token, PushMagic, and UDID or (user enrollment) EnrollmentID. {@code awaitingConfiguration} is
 * {@code AwaitingConfiguration} (default false; written only when true). UserID/UserShortName/UserLongName and
 * EnrollmentUserID belong to the user channel; NotOnConsole is macOS only (null when absent).
 */
public record TokenUpdate(String topic, String udid, String enrollmentId, byte[] token, String pushMagic,
        byte[] unlockToken, boolean awaitingConfiguration, String userId, String userShortName, String userLongName,
        String enrollmentUserId, Boolean notOnConsole, byte[] raw) implements CheckinMessage {

    public static final String MESSAGE_TYPE = "TokenUpdate";

    public TokenUpdate {
        requireNonNull(topic, "topic");
        requireNonNull(token, "token");
        requireNonNull(pushMagic, "pushMagic");
        Identity.require(MESSAGE_TYPE, udid, enrollmentId);
    }

    /** Without the macOS-only keys EnrollmentUserID and NotOnConsole. */
    public TokenUpdate(String topic, String udid, String enrollmentId, byte[] token, String pushMagic,
            byte[] unlockToken, boolean awaitingConfiguration, String userId, String userShortName,
            String userLongName, byte[] raw) {
        this(topic, udid, enrollmentId, token, pushMagic, unlockToken, awaitingConfiguration, userId, userShortName,
                userLongName, null, null, raw);
    }

    /** What an iPhone or iPad on the device channel sends. */
    public static TokenUpdate forDevice(String topic, String udid, byte[] token, String pushMagic, byte[] unlockToken,
            boolean awaitingConfiguration) {
        return new TokenUpdate(topic, requireNonNull(udid, "udid"), null, token, pushMagic, unlockToken,
                awaitingConfiguration, null, null, null, null, null, null);
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
