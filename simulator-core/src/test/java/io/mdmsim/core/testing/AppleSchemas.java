package io.mdmsim.core.testing;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Apple's device-management schemas (the YAML files of apple/device-management, vendored in
 * {@code apple-device-management} beside the checkout; their format is described in that repository's schema
 * documentation) for tests: load a check-in message or an MDM command, list its keys with type and presence, build a
 * sample message from them, check a dictionary against them.
 *
 * <p>The schemas are found, or the calling test skipped, by {@link Prerequisites#appleDeviceManagement()}.
 */
public final class AppleSchemas {
    /** Fixed so samples are the same on every run. */
    public static final Instant SAMPLE_DATE = Instant.parse("2024-10-21T09:41:07Z");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<Path, Schema> CACHE = new ConcurrentHashMap<>();

    private AppleSchemas() {}

    /** {@code apple-device-management}, or skip the calling test ({@link Prerequisites}). */
    public static Path appleDir() {
        return Prerequisites.appleDeviceManagement();
    }

    /** {@code mdm/checkin}: one YAML per check-in MessageType. */
    public static Path checkinDir() {
        return appleDir().resolve("mdm/checkin");
    }

    /** {@code mdm/commands}: one YAML per command RequestType. */
    public static Path commandsDir() {
        return appleDir().resolve("mdm/commands");
    }

    public static List<Path> checkinFiles() {
        return yamlFiles(checkinDir());
    }

    public static List<Path> commandFiles() {
        return yamlFiles(commandsDir());
    }

    /** The check-in schema whose {@code payload.requesttype} is {@code messageType}, e.g. "TokenUpdate". */
    public static Schema checkin(String messageType) {
        return byRequestType(checkinFiles(), messageType, "check-in MessageType");
    }

    /** The command schema whose {@code payload.requesttype} is {@code requestType}, e.g. "DeviceInformation". */
    public static Schema command(String requestType) {
        return byRequestType(commandFiles(), requestType, "command RequestType");
    }

    /** Every command schema. */
    public static List<Schema> commands() {
        return commandFiles().stream().map(AppleSchemas::load).toList();
    }

    /** Loads one schema file (cached). */
    public static Schema load(Path yaml) {
        return CACHE.computeIfAbsent(yaml.toAbsolutePath().normalize(), AppleSchemas::read);
    }

    // ---------------------------------------------------------------------------------------------- model

    /**
     * One YAML file: its title, {@code payload.requesttype}, {@code payloadkeys} (the message or the command's keys)
     * and {@code responsekeys} (the device's result keys, for commands).
     */
    public record Schema(Path file, String title, String requestType, List<Key> payloadKeys, List<Key> responseKeys) {

        public Optional<Key> key(String name) {
            return payloadKeys.stream().filter(k -> k.name().equals(name)).findFirst();
        }

        /** Keys the YAML marks {@code presence: required} (some only on some platforms or channels). */
        public List<Key> requiredKeys() {
            return payloadKeys.stream().filter(Key::required).toList();
        }

        /** Required keys that are not limited to some platforms, channels or enrollment types. */
        public List<Key> requiredEverywhere() {
            return payloadKeys.stream().filter(Key::requiredEverywhere).toList();
        }

        /**
         * A message with every required key ({@code allKeys}: every key) filled with a value of its type: the first
         * of its {@code rangelist}, else a fixed sample (strings "sample-Key", integers 1, booleans the opposite of
         * the default, data the UTF-8 of "sample-Key", dates {@link #SAMPLE_DATE}); dictionaries get their subkeys.
         */
        public NSDictionary sample(boolean allKeys) {
            return sampleOf(payloadKeys, allKeys);
        }

        /**
         * What is wrong with {@code dict} (a check-in message, or the inner Command dictionary of a command) against
         * {@code payloadkeys}: missing keys required everywhere, unknown keys, values of the wrong type, values not in
         * the rangelist; nested dictionaries and arrays included. {@code RequestType} is allowed. Empty if none.
         */
        public List<String> check(NSDictionary dict) {
            List<String> problems = new ArrayList<>();
            checkDict("", payloadKeys, dict, problems, Key::requiredEverywhere);
            return problems;
        }

        /** Like {@link #check} for a device's result against {@code responsekeys} (unknown keys allowed). */
        public List<String> checkResponse(NSDictionary dict) {
            List<String> problems = new ArrayList<>();
            checkDict("", responseKeys, dict, problems, k -> false);
            problems.removeIf(p -> p.contains("is not a key of"));
            return problems;
        }
    }

    /**
     * One key: {@code type} as the YAML spells it ({@code <string>}, {@code <integer>}, {@code <real>},
     * {@code <boolean>}, {@code <data>}, {@code <date>}, {@code <array>}, {@code <dictionary>}, {@code <any>});
     * {@code supportedOS} as in the YAML (missing node if absent); {@code subkeys} of a dictionary, or the item of an
     * array.
     */
    public record Key(String name, String type, boolean required, JsonNode supportedOS, JsonNode defaultValue,
            List<String> rangelist, List<Key> subkeys) {

        /**
         * True if the key applies only on some platforms, channels or enrollment types: some OS entry says
         * {@code introduced: n/a}, {@code devicechannel: false}, {@code userchannel: false}, or a
         * {@code userenrollment}/{@code sharedipad} {@code mode} of required or forbidden.
         */
        public boolean conditional() {
            for (JsonNode os : supportedOS) {
                if ("n/a".equals(os.path("introduced").asText(null))
                        || os.path("devicechannel").isBoolean() && !os.path("devicechannel").asBoolean()
                        || os.path("userchannel").isBoolean() && !os.path("userchannel").asBoolean()
                        || limiting(os.path("userenrollment").path("mode").asText(""))
                        || limiting(os.path("sharedipad").path("mode").asText(""))) {
                    return true;
                }
            }
            return false;
        }

        /** {@code presence: required} and not {@link #conditional()}. */
        public boolean requiredEverywhere() {
            return required && !conditional();
        }

        /** Whether {@code value} has this key's type ({@code <real>} accepts integers, {@code <any>} anything). */
        public boolean accepts(NSObject value) {
            return switch (type) {
                case "<string>" -> value instanceof NSString;
                case "<integer>" -> value instanceof NSNumber n && n.isInteger();
                case "<real>" -> value instanceof NSNumber n && !n.isBoolean();
                case "<boolean>" -> value instanceof NSNumber n && n.isBoolean();
                case "<data>" -> value instanceof NSData;
                case "<date>" -> value instanceof NSDate;
                case "<array>" -> value instanceof NSArray;
                case "<dictionary>" -> value instanceof NSDictionary;
                default -> true;
            };
        }

        /** A value of this key's type (see {@link Schema#sample}). */
        public NSObject sampleValue(boolean allKeys) {
            if (!rangelist.isEmpty() && type.equals("<string>")) {
                return new NSString(rangelist.getFirst());
            }
            return switch (type) {
                case "<integer>" -> new NSNumber(rangelist.isEmpty() ? 1 : Long.parseLong(rangelist.getFirst()));
                case "<real>" -> new NSNumber(1.5);
                case "<boolean>" -> new NSNumber(!defaultValue.asBoolean(false));
                case "<data>" -> new NSData(("sample-" + name).getBytes(StandardCharsets.UTF_8));
                case "<date>" -> new NSDate(Date.from(SAMPLE_DATE));
                case "<array>" -> subkeys.isEmpty() ? new NSArray(new NSString("item"))
                        : new NSArray(subkeys.getFirst().sampleValue(allKeys));
                case "<dictionary>" -> sampleOf(subkeys, allKeys);
                default -> new NSString("sample-" + name);
            };
        }

        /** A value of some other type than this key's, or empty for {@code <any>}. */
        public Optional<NSObject> wrongValue() {
            return switch (type) {
                case "<any>" -> Optional.empty();
                case "<string>" -> Optional.of(new NSNumber(42));
                default -> Optional.of(new NSString("not-a-" + type.replaceAll("[<>]", "")));
            };
        }

        private static boolean limiting(String mode) {
            return mode.equals("required") || mode.equals("forbidden");
        }
    }

    // ---------------------------------------------------------------------------------------------- internals

    private static NSDictionary sampleOf(List<Key> keys, boolean allKeys) {
        NSDictionary d = new NSDictionary();
        for (Key k : keys) {
            if ((allKeys || k.required()) && !k.name().equals("ANY")) {
                d.put(k.name(), k.sampleValue(allKeys));
            }
        }
        return d;
    }

    private static void checkDict(String path, List<Key> keys, NSDictionary dict, List<String> problems,
            java.util.function.Predicate<Key> mustBePresent) {
        boolean anyKey = keys.stream().anyMatch(k -> k.name().equals("ANY"));
        for (Key k : keys) {
            if (k.name().equals("ANY")) {
                continue;
            }
            NSObject v = dict.get(k.name());
            if (v == null) {
                if (mustBePresent.test(k)) {
                    problems.add(path + k.name() + " is missing (expected: " + k.type() + ")");
                }
                continue;
            }
            checkValue(path + k.name(), k, v, problems);
        }
        if (!anyKey && !keys.isEmpty()) {
            for (String name : dict.keySet()) {
                if (!name.equals("RequestType") && keys.stream().noneMatch(k -> k.name().equals(name))) {
                    problems.add(path + name + " is not a key of the schema");
                }
            }
        }
    }

    private static void checkValue(String path, Key k, NSObject v, List<String> problems) {
        if (!k.accepts(v)) {
            problems.add(path + ": " + typeName(v) + " (expected: " + k.type() + ")");
            return;
        }
        if (v instanceof NSString s && !k.rangelist().isEmpty() && !k.rangelist().contains(s.getContent())) {
            problems.add(path + ": \"" + s.getContent() + "\" (expected one of " + k.rangelist() + ")");
        }
        if (v instanceof NSDictionary d && !k.subkeys().isEmpty()) {
            checkDict(path + ".", k.subkeys(), d, problems, Key::requiredEverywhere);
        }
        if (v instanceof NSArray a && !k.subkeys().isEmpty()) {
            NSObject[] items = a.getArray();
            for (int i = 0; i < items.length; i++) {
                checkValue(path + "[" + i + "]", k.subkeys().getFirst(), items[i], problems);
            }
        }
    }

    private static String typeName(NSObject v) {
        return io.mdmsim.core.plist.Plist.typeName(v);
    }

    private static Schema byRequestType(List<Path> files, String requestType, String what) {
        requireNonNull(requestType, "requestType");
        List<String> known = new ArrayList<>();
        for (Path f : files) {
            Schema s = load(f);
            if (requestType.equals(s.requestType())) {
                return s;
            }
            known.add(s.requestType());
        }
        throw new IllegalArgumentException(what + ": \"" + requestType + "\" (expected one of " + known + ")");
    }

    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static Schema read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new Schema(file, root.path("title").asText(), root.path("payload").path("requesttype").asText(null),
                keys(root.path("payloadkeys")), keys(root.path("responsekeys")));
    }

    private static List<Key> keys(JsonNode list) {
        List<Key> keys = new ArrayList<>();
        for (JsonNode k : list) {
            List<String> range = new ArrayList<>();
            k.path("rangelist").forEach(r -> range.add(r.asText()));
            keys.add(new Key(k.path("key").asText(), k.path("type").asText("<any>"),
                    "required".equals(k.path("presence").asText()),
                    k.has("supportedOS") ? k.get("supportedOS") : MissingNode.getInstance(),
                    k.has("default") ? k.get("default") : MissingNode.getInstance(),
                    List.copyOf(range), keys(k.path("subkeys"))));
        }
        return List.copyOf(keys);
    }
}
