package io.mdmsim.core.protocol;

/**
 * macOS escrows its bootstrap token (Apple {@code mdm/checkin/setbootstraptoken.yaml}). A missing or empty
 * {@code bootstrapToken} means "remove it". The YAML lists no UDID key; devices send one, so it is kept when present.
 */
public record SetBootstrapToken(String udid, byte[] bootstrapToken, boolean awaitingConfiguration, byte[] raw)
        implements CheckinMessage {

    public static final String MESSAGE_TYPE = "SetBootstrapToken";

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
