package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The per-serial result of define-profile, assign-profile and clear-profile (ADS {@code AssignProfileResponse.json}); {@code THROTTLED} only with X-Server-Protocol-Version 9+. */
public enum DeviceResult {
    SUCCESS("SUCCESS"),
    NOT_ACCESSIBLE("NOT_ACCESSIBLE"),
    FAILED("FAILED"),
    THROTTLED("THROTTLED");

    private static final Map<String, DeviceResult> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(DeviceResult::wire, Function.identity()));

    private final String wire;

    DeviceResult(String wire) {
        this.wire = wire;
    }

    /** The value on the wire. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for a wire value; {@link DepException} names the value and the expected ones. */
    @JsonCreator
    public static DeviceResult fromWire(String wire) {
        DeviceResult value = BY_WIRE.get(wire);
        if (value == null) {
            throw new DepException("DeviceResult: " + wire + " (expected one of: "
                    + Arrays.stream(values()).map(DeviceResult::wire).collect(Collectors.joining(", ")) + ")");
        }
        return value;
    }
}
