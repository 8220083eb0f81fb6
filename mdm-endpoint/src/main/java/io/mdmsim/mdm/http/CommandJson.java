package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.Commands.AppInstall;
import io.mdmsim.core.protocol.Commands.EraseOptions;
import io.mdmsim.core.protocol.Commands.Setting;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.PlistJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The admin API's typed command JSON: {@code {"requestType": "DeviceLock", "Message": "...", "PIN": "123456"}} with
 * the key names of Apple's {@code mdm/commands/*.yaml}. A RequestType with a typed builder in {@link Commands} is
 * bound to that builder, so its keys and types are checked (unknown keys are refused); any other RequestType is
 * passed through as given. Plist data is {@code {"$data": "<base64>"}}, dates {@code {"$date": "<ISO-8601>"}}.
 */
final class CommandJson {

    private static final Pattern REQUEST_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9.]{0,99}");

    private CommandJson() {}

    /**
     * Binds one command.
     *
     * @param syncTokens the current declarative SyncTokens JSON, used as DeclarativeManagement's Data when absent
     * @throws BadInputException what was wrong, naming the key and what was expected
     */
    static Command bind(String commandUuid, Map<String, Object> json, Supplier<byte[]> syncTokens) {
        requireNonNull(json, "json");
        Map<String, Object> body = new LinkedHashMap<>(json);
        Object rt = body.remove("requestType");
        if (!(rt instanceof String requestType) || !REQUEST_TYPE.matcher(requestType).matches()) {
            throw new BadInputException("requestType: " + rt
                    + " (expected: a RequestType string such as DeviceInformation; ADM mdm/commands/*.yaml)");
        }
        Fields f = new Fields(requestType, body);
        try {
            Command c = switch (requestType) {
                case "DeviceInformation" -> {
                    f.allow("Queries", "DeviceAttestationNonce");
                    yield Commands.deviceInformation(commandUuid, f.strings("Queries", true),
                            f.data("DeviceAttestationNonce"));
                }
                case "SecurityInfo" -> {
                    f.allow();
                    yield Commands.securityInfo(commandUuid);
                }
                case "ProfileList" -> {
                    f.allow("ManagedOnly");
                    yield Commands.profileList(commandUuid, f.bool("ManagedOnly"));
                }
                case "InstallProfile" -> {
                    f.allow("Payload");
                    byte[] payload = f.data("Payload");
                    if (payload == null) {
                        throw f.error("Payload", Fields.MISSING, "the profile as {\"$data\": base64} or its XML text");
                    }
                    yield Commands.installProfile(commandUuid, payload);
                }
                case "RemoveProfile" -> {
                    f.allow("Identifier");
                    yield Commands.removeProfile(commandUuid, f.string("Identifier", true));
                }
                case "InstalledApplicationList" -> {
                    f.allow("Identifiers", "ManagedAppsOnly");
                    yield Commands.installedApplicationList(commandUuid, f.strings("Identifiers", false),
                            f.bool("ManagedAppsOnly"));
                }
                case "InstallApplication" -> {
                    f.allow("iTunesStoreID", "Identifier", "ManifestURL", "ManagementFlags", "Options",
                            "Configuration", "Attributes", "InstallAsManaged");
                    Map<String, Object> options = f.dict("Options", "PurchaseMethod");
                    Map<String, Object> attributes = f.dict("Attributes", "Removable");
                    Integer purchase = options == null ? null : new Fields("InstallApplication.Options", options)
                            .integer("PurchaseMethod");
                    Boolean removable = attributes == null ? null
                            : new Fields("InstallApplication.Attributes", attributes).bool("Removable");
                    Long store = f.body.get("iTunesStoreID") == null ? null : f.longValue("iTunesStoreID");
                    yield Commands.installApplication(commandUuid, new AppInstall(store, f.string("Identifier", false),
                            f.string("ManifestURL", false), f.integer("ManagementFlags"), purchase,
                            f.plistDict("Configuration"), f.bool("InstallAsManaged"), removable));
                }
                case "RemoveApplication" -> {
                    f.allow("Identifier");
                    yield Commands.removeApplication(commandUuid, f.string("Identifier", true));
                }
                case "Settings" -> {
                    f.allow("Settings");
                    yield Commands.settings(commandUuid, settings(f));
                }
                case "DeviceConfigured" -> {
                    f.allow();
                    yield Commands.deviceConfigured(commandUuid);
                }
                case "UserConfigured" -> {
                    f.allow();
                    yield Commands.userConfigured(commandUuid);
                }
                case "DeviceLock" -> {
                    f.allow("Message", "PhoneNumber", "PIN");
                    yield Commands.deviceLock(commandUuid, f.string("Message", false), f.string("PhoneNumber", false),
                            f.string("PIN", false));
                }
                case "RestartDevice" -> {
                    f.allow("NotifyUser");
                    yield Commands.restartDevice(commandUuid, f.bool("NotifyUser"));
                }
                case "EraseDevice" -> {
                    f.allow("PIN", "PreserveDataPlan", "DisallowProximitySetup", "ObliterationBehavior");
                    yield Commands.eraseDevice(commandUuid, new EraseOptions(f.string("PIN", false),
                            f.bool("PreserveDataPlan"), f.bool("DisallowProximitySetup"),
                            f.string("ObliterationBehavior", false)));
                }
                case "DeclarativeManagement" -> {
                    f.allow("Data");
                    byte[] data = f.data("Data");
                    yield Commands.declarativeManagement(commandUuid, data != null ? data : syncTokens.get());
                }
                default -> {
                    NSDictionary fields = new NSDictionary();
                    body.forEach((k, v) -> fields.put(k, PlistJson.fromJson(v, k)));
                    yield Commands.raw(commandUuid, requestType, fields);
                }
            };
            return c;
        } catch (IllegalArgumentException e) {
            throw new BadInputException(requestType + ": " + e.getMessage());
        }
    }

    /** A raw command plist: the Command dictionary {RequestType, ...}, or the envelope {CommandUUID?, Command}. */
    static Command bindPlist(String commandUuid, byte[] plist) {
        NSDictionary dict = Plist.parseDictionary(plist);
        String uuid = commandUuid;
        NSDictionary inner = dict;
        if (dict.get("Command") instanceof NSDictionary envelopeCommand) {
            inner = envelopeCommand;
            if (dict.get("CommandUUID") instanceof com.dd.plist.NSString s && !s.getContent().isBlank()) {
                uuid = s.getContent();
            }
        } else if (dict.containsKey("Command")) {
            throw new BadInputException("Command: " + Plist.typeName(dict.get("Command"))
                    + " (expected: <dictionary> with RequestType)");
        }
        if (!(inner.get("RequestType") instanceof com.dd.plist.NSString rt) || rt.getContent().isBlank()) {
            throw new BadInputException("the command plist has no RequestType string (expected: {RequestType, ...}"
                    + " or {CommandUUID, Command: {RequestType, ...}})");
        }
        return Commands.raw(uuid, rt.getContent(), inner);
    }

    private static List<Setting> settings(Fields f) {
        Object v = f.body.get("Settings");
        if (!(v instanceof List<?> list)) {
            throw f.error("Settings", v, "an array of {\"Item\": \"DeviceName\", ...} objects");
        }
        List<Setting> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("Item") instanceof String item)) {
                throw f.error("Settings[" + i + "]", list.get(i), "an object with an Item string");
            }
            Map<String, Object> rest = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (!k.equals("Item")) {
                    rest.put(k, PlistJson.fromJson(e.getValue(), "Settings[" + i + "]." + k));
                }
            }
            out.add(Setting.of(item, rest));
        }
        return out;
    }

    /** Typed access to the keys of one command's JSON, with errors that name the key. */
    private static final class Fields {
        /** Shown as {@code missing} in messages. */
        static final Object MISSING = new Object() {
            @Override
            public String toString() {
                return "missing";
            }
        };
        final String context;
        final Map<String, Object> body;

        Fields(String context, Map<String, Object> body) {
            this.context = context;
            this.body = body;
        }

        void allow(String... keys) {
            Set<String> unknown = new TreeSet<>(body.keySet());
            unknown.removeAll(List.of(keys));
            if (!unknown.isEmpty()) {
                throw new BadInputException(context + ": unknown key(s) " + unknown + " (expected: "
                        + (keys.length == 0 ? "no keys" : String.join(", ", keys))
                        + "; or send the command as a raw plist)");
            }
        }

        BadInputException error(String key, Object value, String expected) {
            String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
            return new BadInputException(context + "." + key + ": " + shown + " (expected: " + expected + ")");
        }

        String string(String key, boolean required) {
            Object v = body.get(key);
            if (v == null && !required) {
                return null;
            }
            if (!(v instanceof String s)) {
                throw error(key, v == null ? MISSING : v, "a string");
            }
            return s;
        }

        Boolean bool(String key) {
            Object v = body.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Boolean b)) {
                throw error(key, v, "true or false");
            }
            return b;
        }

        Integer integer(String key) {
            Object v = body.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() != ((Number) v).intValue()) {
                throw error(key, v, "an integer");
            }
            return ((Number) v).intValue();
        }

        long longValue(String key) {
            Object v = body.get(key);
            if (!(v instanceof Integer || v instanceof Long)) {
                throw error(key, v, "an integer");
            }
            return ((Number) v).longValue();
        }

        List<String> strings(String key, boolean required) {
            Object v = body.get(key);
            if (v == null && !required) {
                return null;
            }
            if (!(v instanceof List<?> l) || !l.stream().allMatch(String.class::isInstance)) {
                throw error(key, v == null ? MISSING : v, "an array of strings");
            }
            return l.stream().map(String.class::cast).toList();
        }

        /** {"$data": base64}, or a string taken as UTF-8 text, or a JSON object serialised as JSON. */
        byte[] data(String key) {
            Object v = body.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof String s) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
            if (v instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("$data")) {
                NSObject o = PlistJson.fromJson(v, context + "." + key);
                return ((NSData) o).bytes();
            }
            if (v instanceof Map<?, ?>) {
                return Json.write(v);
            }
            throw error(key, v, "{\"$data\": \"<base64>\"} or a string");
        }

        /** A JSON object whose keys are limited to {@code allowed}, or null. */
        Map<String, Object> dict(String key, String... allowed) {
            Object v = body.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw error(key, v, "an object");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), val));
            new Fields(context + "." + key, out).allow(allowed);
            return out;
        }

        /** Any JSON object, as plain Java values for a plist dictionary. */
        Map<String, Object> plistDict(String key) {
            Object v = body.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map<?, ?>)) {
                throw error(key, v, "an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = (Map<String, Object>) Plist.unwrap(PlistJson.fromJson(v, context + "." + key));
            return plain;
        }
    }
}
