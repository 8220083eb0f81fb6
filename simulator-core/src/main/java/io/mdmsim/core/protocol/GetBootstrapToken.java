package io.mdmsim.core.protocol;

/**
 * macOS asks for its escrowed bootstrap token (Apple {@code mdm/checkin/getbootstraptoken.yaml}); the server replies
 * {@code {BootstrapToken: <data>}}. The YAML lists no UDID key; devices send one, so it is kept when present.
 */
public record GetBootstrapToken(String udid, boolean awaitingConfiguration, byte[] raw) implements CheckinMessage {

    public static final String MESSAGE_TYPE = "GetBootstrapToken";

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
