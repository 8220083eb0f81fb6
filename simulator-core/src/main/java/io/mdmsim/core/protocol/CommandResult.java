package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A device's report to the ServerURL: {@code {UDID | EnrollmentID, Status, CommandUUID, ErrorChain, ...result keys}}
 * (AppleDoc: sending-mdm-commands-to-a-device; result keys are the {@code responsekeys} of Apple's
 * {@code mdm/commands/*.yaml}, e.g. {@code QueryResponses} for DeviceInformation).
 *
 * <p>{@code body} is the whole dictionary (copied on construction; do not modify the one returned); the typed
 * components are read from it and must agree with it. {@code raw} is the bytes parsed from, or the XML of a result
 * built in code. equals/hashCode compare the content, not {@code raw}.
 */
public record CommandResult(String udid, String enrollmentId, CommandStatus status, String commandUuid,
        List<ErrorChainItem> errorChain, NSDictionary body, byte[] raw) {

    /** The keys this record models; everything else in {@code body} is the command's result. */
    public static final Set<String> ENVELOPE_KEYS = Set.of("UDID", "EnrollmentID", "Status", "CommandUUID",
            "ErrorChain");

    private static final String CONTEXT = "command result";

    public CommandResult {
        requireNonNull(status, "status");
        requireNonNull(body, "body");
        Identity.require(CONTEXT, udid, enrollmentId);
        if (commandUuid == null && status != CommandStatus.IDLE) {
            throw new IllegalArgumentException(CONTEXT + ": commandUuid is null with Status " + status
                    + " (expected: a CommandUUID; only Idle has none)");
        }
        errorChain = errorChain == null ? List.of() : List.copyOf(errorChain);
        body = body.clone();
        agree(body, "UDID", udid);
        agree(body, "EnrollmentID", enrollmentId);
        agree(body, "Status", status.wire());
        agree(body, "CommandUUID", commandUuid);
        int chain = body.get("ErrorChain") instanceof NSArray a ? a.count() : 0;
        if (chain != errorChain.size()) {
            throw new IllegalArgumentException(CONTEXT + ": body ErrorChain has " + chain + " items but errorChain "
                    + errorChain.size() + " (expected: the same)");
        }
        if (raw == null) {
            raw = Plist.toXml(body);
        }
    }

    /** Nothing to report: "give me work". */
    public static CommandResult idle(String udid) {
        return of(udid, null, CommandStatus.IDLE, null, List.of(), Map.of());
    }

    /** The command ran; {@code extra} holds its result keys as plain Java values (see {@link Plist#wrap}). */
    public static CommandResult acknowledged(String udid, String commandUuid, Map<String, ?> extra) {
        return of(udid, null, CommandStatus.ACKNOWLEDGED, requireNonNull(commandUuid, "commandUuid"), List.of(),
                extra);
    }

    /** The command failed. */
    public static CommandResult error(String udid, String commandUuid, List<ErrorChainItem> errorChain) {
        return of(udid, null, CommandStatus.ERROR, requireNonNull(commandUuid, "commandUuid"), errorChain, Map.of());
    }

    /** The command cannot run now; the device will poll again. */
    public static CommandResult notNow(String udid, String commandUuid) {
        return of(udid, null, CommandStatus.NOT_NOW, requireNonNull(commandUuid, "commandUuid"), List.of(), Map.of());
    }

    /** The command was malformed. */
    public static CommandResult commandFormatError(String udid, String commandUuid, List<ErrorChainItem> errorChain) {
        return of(udid, null, CommandStatus.COMMAND_FORMAT_ERROR, requireNonNull(commandUuid, "commandUuid"),
                errorChain, Map.of());
    }

    /**
     * Any report. {@code udid} or (user enrollment) {@code enrollmentId} must be set; {@code commandUuid} may be null
     * only for Idle; {@code extra} (result keys, plain Java values) may not repeat the {@link #ENVELOPE_KEYS}.
     */
    public static CommandResult of(String udid, String enrollmentId, CommandStatus status, String commandUuid,
            List<ErrorChainItem> errorChain, Map<String, ?> extra) {
        requireNonNull(status, "status");
        requireNonNull(errorChain, "errorChain");
        requireNonNull(extra, "extra");
        Map<String, Object> body = new LinkedHashMap<>();
        putIfSet(body, "UDID", udid);
        putIfSet(body, "EnrollmentID", enrollmentId);
        body.put("Status", status.wire());
        putIfSet(body, "CommandUUID", commandUuid);
        if (!errorChain.isEmpty()) {
            body.put("ErrorChain", errorChain.stream().map(ErrorChainItem::toDictionary).toList());
        }
        for (Map.Entry<String, ?> e : extra.entrySet()) {
            if (ENVELOPE_KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException("extra: " + e.getKey()
                        + " (expected: result keys only; the envelope keys " + ENVELOPE_KEYS + " are set from the arguments)");
            }
            body.put(e.getKey(), e.getValue());
        }
        return new CommandResult(udid, enrollmentId, status, commandUuid, errorChain, (NSDictionary) Plist.wrap(body),
                null);
    }

    /**
     * Parses a report (XML or binary plist).
     *
     * @throws MalformedMessageException not a plist dictionary; Status missing or not a known value; neither UDID nor
     *     EnrollmentID; CommandUUID missing on a non-Idle report; a malformed ErrorChain
     */
    public static CommandResult parse(byte[] plist) {
        requireNonNull(plist, "plist");
        NSDictionary dict;
        try {
            dict = Plist.parseDictionary(plist);
        } catch (PlistException e) {
            throw new MalformedMessageException(CONTEXT + ": " + e.getMessage(), plist, e);
        }
        Fields f = new Fields(CONTEXT, dict, plist);
        String wire = f.requiredString("Status");
        CommandStatus status;
        try {
            status = CommandStatus.fromWire(wire);
        } catch (MalformedMessageException e) {
            throw f.error(e.getMessage());
        }
        f.requireIdentity();
        String commandUuid = f.string("CommandUUID");
        if (commandUuid == null && status != CommandStatus.IDLE) {
            throw f.error("CommandUUID is missing (expected: <string>; only an Idle report may leave it out)");
        }
        List<ErrorChainItem> chain = new ArrayList<>();
        NSArray items = f.array("ErrorChain");
        if (items != null) {
            for (int i = 0; i < items.count(); i++) {
                chain.add(ErrorChainItem.read(f.item("ErrorChain", items, i)));
            }
        }
        return new CommandResult(f.string("UDID"), f.string("EnrollmentID"), status, commandUuid, chain, dict, plist);
    }

    /** The report as an XML plist, as a device sends it. */
    public byte[] toXml() {
        return Plist.toXml(body);
    }

    /** A key of the body (e.g. {@code QueryResponses}), or null. */
    public NSObject get(String key) {
        return body.get(key);
    }

    /** The id the device is known by: UDID, or the EnrollmentID of a user enrollment. */
    public String identity() {
        return udid != null ? udid : enrollmentId;
    }

    private static void putIfSet(Map<String, Object> body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private static void agree(NSDictionary body, String key, String value) {
        NSObject o = body.get(key);
        String inBody = o instanceof NSString s ? s.getContent() : null;
        if (!Objects.equals(inBody, value) || o != null && inBody == null) {
            throw new IllegalArgumentException(CONTEXT + ": body " + key + " is " + Fields.describe(o)
                    + " but the component is " + (value == null ? "null" : Fields.quote(value))
                    + " (expected: the same)");
        }
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
        return "CommandResult[udid=" + udid + ", enrollmentId=" + enrollmentId + ", status=" + status
                + ", commandUuid=" + commandUuid + ", errorChain=" + errorChain + ", keys=" + body.keySet() + "]";
    }
}
