package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What happened to a device in a sync response, {@code op_type} (ADS {@code Device.json}). */
public enum OpType {
    ADDED("added"),
    MODIFIED("modified"),
    DELETED("deleted");

    private static final Map<String, OpType> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(OpType::wire, Function.identity()));

    private final String wire;

    OpType(String wire) {
        this.wire = wire;
    }

    /** The value on the wire. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for a wire value; {@link DepException} names the value and the expected ones. */
    @JsonCreator
    public static OpType fromWire(String wire) {
        OpType value = BY_WIRE.get(wire);
        if (value == null) {
            throw new DepException("OpType: " + wire + " (expected one of: "
                    + Arrays.stream(values()).map(OpType::wire).collect(Collectors.joining(", ")) + ")");
        }
        return value;
    }
}
