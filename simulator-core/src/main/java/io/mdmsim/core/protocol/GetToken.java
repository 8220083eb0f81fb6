package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The device asks the server for a token of a service (Apple {@code mdm/checkin/gettoken.yaml}); the server replies
 * {@code {TokenData: <data>}}. Required: TokenServiceType ({@code com.apple.maid}, {@code com.apple.watch.pairing}),
 * and UDID or (user enrollment) EnrollmentID.
 */
public record GetToken(String tokenServiceType, TokenParameters tokenParameters, String udid, String enrollmentId,
        String enrollmentUserId, String userShortName, String userId, String userLongName, byte[] raw)
        implements CheckinMessage {

    public static final String MESSAGE_TYPE = "GetToken";

    /** {@code TokenParameters}; all three are needed by {@code com.apple.watch.pairing}. */
    public record TokenParameters(String securityToken, String phoneUdid, String watchUdid) {}

    public GetToken {
        requireNonNull(tokenServiceType, "tokenServiceType");
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
