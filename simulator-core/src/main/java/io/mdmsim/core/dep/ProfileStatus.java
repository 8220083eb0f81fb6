package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A device's {@code profile_status} (ADS {@code Device.json}): empty, then assigned, pushed, removed. */
public enum ProfileStatus {
    EMPTY("empty"),
    ASSIGNED("assigned"),
    PUSHED("pushed"),
    REMOVED("removed");

    private static final Map<String, ProfileStatus> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ProfileStatus::wire, Function.identity()));

    private final String wire;

    ProfileStatus(String wire) {
        this.wire = wire;
    }

    /** The value on the wire. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for a wire value; {@link DepException} names the value and the expected ones. */
    @JsonCreator
    public static ProfileStatus fromWire(String wire) {
        ProfileStatus value = BY_WIRE.get(wire);
        if (value == null) {
            throw new DepException("ProfileStatus: " + wire + " (expected one of: "
                    + Arrays.stream(values()).map(ProfileStatus::wire).collect(Collectors.joining(", ")) + ")");
        }
        return value;
    }
}
