package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.plist.Plist;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed builders of {@link Command}s, one per RequestType, named after it; the keys are those of Apple's
 * {@code mdm/commands/<file>.yaml} named in each method. To add one: a method that puts its keys in a map and calls
 * {@link #command}.
 */
public final class Commands {
    private Commands() {}

    /** DeviceInformation ({@code information.device.yaml}): {@code Queries} = the names of the values wanted. */
    public static Command deviceInformation(String commandUuid, List<String> queries) {
        requireNonNull(queries, "queries");
        return command(commandUuid, "DeviceInformation", keys().with("Queries", List.copyOf(queries)));
    }

    /** DeviceConfigured ({@code device.configured.yaml}): releases a device awaiting configuration. No keys. */
    public static Command deviceConfigured(String commandUuid) {
        return command(commandUuid, "DeviceConfigured", keys());
    }

    /** Any RequestType with the given keys of its Command dictionary (RequestType itself is added). */
    public static Command raw(String commandUuid, String requestType, NSDictionary fields) {
        requireNonNull(fields, "fields");
        return new Command(commandUuid, requestType, fields, null);
    }

    /**
     * Any RequestType with keys given as plain Java values (see {@link Plist#wrap}), e.g. from the admin API's JSON.
     */
    public static Command raw(String commandUuid, String requestType, Map<String, ?> fields) {
        requireNonNull(fields, "fields");
        return command(commandUuid, requestType, fields);
    }

    /** Builds the command from keys in insertion order. */
    static Command command(String commandUuid, String requestType, Map<String, ?> fields) {
        requireNonNull(commandUuid, "commandUuid");
        requireNonNull(requestType, "requestType");
        NSObject wrapped = Plist.wrap(fields);
        return new Command(commandUuid, requestType, (NSDictionary) wrapped, null);
    }

    static Keys keys() {
        return new Keys();
    }

    /** An ordered map of command keys; {@link #with} leaves out null values (absent optional keys). */
    static final class Keys extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        Keys with(String key, Object value) {
            if (value != null) {
                put(key, value);
            }
            return this;
        }
    }
}
