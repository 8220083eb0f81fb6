package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code Status} of a device's report to the ServerURL (AppleDoc: sending-mdm-commands-to-a-device). */
public enum CommandStatus {
    /** Nothing to report; the device asks for work. Carries no CommandUUID. */
    IDLE("Idle"),
    /** The command ran successfully. */
    ACKNOWLEDGED("Acknowledged"),
    /** The command failed; see ErrorChain. */
    ERROR("Error"),
    /** The command was malformed. */
    COMMAND_FORMAT_ERROR("CommandFormatError"),
    /** The device cannot run the command now (locked, in Setup Assistant, ...); it will poll again. */
    NOT_NOW("NotNow");

    private static final Map<String, CommandStatus> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(CommandStatus::wire, Function.identity()));
    private static final String EXPECTED = Arrays.stream(values()).map(CommandStatus::wire)
            .collect(Collectors.joining(", ", "(expected one of ", ")"));

    private final String wire;

    CommandStatus(String wire) {
        this.wire = wire;
    }

    /** The value on the wire, e.g. {@code "Acknowledged"}. */
    public String wire() {
        return wire;
    }

    /** The status of a wire value (case-sensitive, as Apple sends it). */
    public static Optional<CommandStatus> lookup(String wire) {
        return Optional.ofNullable(BY_WIRE.get(requireNonNull(wire, "wire")));
    }

    /**
     * The status of a wire value.
     *
     * @throws MalformedMessageException for any other value, e.g.
     *     {@code Status: "Done" (expected one of Idle, Acknowledged, Error, CommandFormatError, NotNow)}
     */
    public static CommandStatus fromWire(String wire) {
        return lookup(wire).orElseThrow(() ->
                new MalformedMessageException("Status: " + Fields.quote(wire) + " " + EXPECTED, null));
    }

    @Override
    public String toString() {
        return wire;
    }
}
