package io.mdmsim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mdmsim.core.testing.AppleSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Apple's device-management YAML read as the rules an iOS device's message must follow: which keys an iPhone must send
 * and that it sends no key marked n/a for iOS. Complements core's {@link AppleSchemas}, whose checks are
 * platform-neutral.
 */
final class AppleYaml {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String file;
    private final Map<String, JsonNode> keys = new LinkedHashMap<>();

    private AppleYaml(String file, JsonNode keyList) {
        this.file = file;
        for (JsonNode k : keyList) {
            keys.put(k.get("key").asText(), k);
        }
    }

    /** The payload keys of a file, e.g. "mdm/checkin/tokenupdate.yaml". */
    static AppleYaml payloadKeys(String relativePath) {
        return new AppleYaml(relativePath, read(relativePath).get("payloadkeys"));
    }

    /** The subkeys of a response key, e.g. QueryResponses of "mdm/commands/information.device.yaml". */
    static AppleYaml responseSubkeys(String relativePath, String responseKey) {
        for (JsonNode k : read(relativePath).get("responsekeys")) {
            if (k.get("key").asText().equals(responseKey)) {
                return new AppleYaml(relativePath + " " + responseKey, k.get("subkeys"));
            }
        }
        throw new AssertionError(relativePath + " has no response key " + responseKey);
    }

    private static JsonNode read(String relativePath) {
        Path p = AppleSchemas.appleDir().resolve(relativePath);
        try {
            return YAML.readTree(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** Keys an iOS device channel (not user enrollment) must send. */
    Set<String> requiredForIosDevice() {
        Set<String> out = new TreeSet<>();
        keys.forEach((name, k) -> {
            JsonNode ios = k.path("supportedOS").path("iOS");
            boolean onIos = !ios.path("introduced").asText("").equals("n/a");
            boolean userEnrollmentOnly = ios.path("userenrollment").path("mode").asText("").equals("required");
            if ("required".equals(k.path("presence").asText()) && onIos && !userEnrollmentOnly) {
                out.add(name);
            }
        });
        return out;
    }

    /** Every key of the dictionary is defined in the YAML, not marked n/a for iOS, and has the YAML's type. */
    void assertConforms(NSDictionary dict, String what) {
        for (Map.Entry<String, NSObject> e : dict.entrySet()) {
            JsonNode k = keys.get(e.getKey());
            if (k == null) {
                fail(what + " has key " + e.getKey() + " that " + file + " does not define (defined: " + keys.keySet() + ")");
            }
            String introduced = k.path("supportedOS").path("iOS").path("introduced").asText("");
            assertTrue(!introduced.equals("n/a"), what + " key " + e.getKey() + " is n/a for iOS in " + file);
            assertEquals(k.get("type").asText(), yamlType(e.getValue()), what + " key " + e.getKey() + " type");
        }
    }

    void assertHasRequired(NSDictionary dict, String what) {
        for (String key : requiredForIosDevice()) {
            assertTrue(dict.containsKey(key), what + " lacks required key " + key + " of " + file + ": " + dict.keySet());
        }
    }

    static String yamlType(NSObject o) {
        return switch (o) {
            case NSString s -> "<string>";
            case NSNumber n when n.isBoolean() -> "<boolean>";
            case NSNumber n when n.isInteger() -> "<integer>";
            case NSNumber n -> "<real>";
            case NSData d -> "<data>";
            case NSDate d -> "<date>";
            case NSArray a -> "<array>";
            case NSDictionary d -> "<dictionary>";
            default -> o.getClass().getSimpleName();
        };
    }
}
