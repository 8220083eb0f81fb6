package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import java.util.Map;

/**
 * The command envelope a server sends in reply to a report: {@code {CommandUUID, Command: {RequestType, ...}}}
 * (AppleDoc: sending-mdm-commands-to-a-device; the keys of each RequestType are in Apple's
 * {@code mdm/commands/*.yaml}). Build one with {@link Commands}.
 *
 * <p>{@code command} is the inner dictionary, RequestType first; it is copied on construction, so do not modify the
 * one this record returns. {@code raw} is the bytes parsed from, or the XML of a command built in code.
 * equals/hashCode compare the content, not {@code raw}.
 */
public record Command(String commandUuid, String requestType, NSDictionary command, byte[] raw) {

    private static final String CONTEXT = "command";

    public Command {
        requireNonNull(commandUuid, "commandUuid");
        requireNonNull(requestType, "requestType");
        requireNonNull(command, "command");
        NSObject inner = command.get("RequestType");
        if (inner != null && !(inner instanceof NSString s && s.getContent().equals(requestType))) {
            throw new IllegalArgumentException("command RequestType: " + Fields.describe(inner)
                    + " (expected: <string> \"" + requestType + "\", the requestType)");
        }
        NSDictionary copy = new NSDictionary();
        copy.put("RequestType", requestType);
        for (Map.Entry<String, NSObject> e : command.entrySet()) {
            if (!e.getKey().equals("RequestType")) {
                copy.put(e.getKey(), e.getValue().clone());
            }
        }
        command = copy;
        if (raw == null) {
            raw = Plist.toXml(envelope(commandUuid, command));
        }
    }

    /**
     * Parses an envelope (XML or binary plist).
     *
     * @throws MalformedMessageException not a plist dictionary, or CommandUUID, Command or Command.RequestType
     *     missing or not of their types
     */
    public static Command parse(byte[] plist) {
        requireNonNull(plist, "plist");
        NSDictionary dict;
        try {
            dict = Plist.parseDictionary(plist);
        } catch (PlistException e) {
            throw new MalformedMessageException(CONTEXT + ": " + e.getMessage(), plist, e);
        }
        Fields f = new Fields(CONTEXT, dict, plist);
        String uuid = f.requiredString("CommandUUID");
        NSDictionary inner = f.requiredDictionary("Command");
        String requestType = f.nested("Command").requiredString("RequestType");
        return new Command(uuid, requestType, inner, plist);
    }

    /** The envelope {@code {CommandUUID, Command}}. */
    public NSDictionary toDictionary() {
        return envelope(commandUuid, command);
    }

    /** The envelope as an XML plist, as a server sends it. */
    public byte[] toXml() {
        return Plist.toXml(toDictionary());
    }

    /** A key of the inner command dictionary, or null. */
    public NSObject get(String key) {
        return command.get(key);
    }

    private static NSDictionary envelope(String commandUuid, NSDictionary command) {
        NSDictionary d = new NSDictionary();
        d.put("CommandUUID", commandUuid);
        d.put("Command", command);
        return d;
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
        return "Command[commandUuid=" + commandUuid + ", requestType=" + requestType + ", keys=" + command.keySet()
                + "]";
    }
}
