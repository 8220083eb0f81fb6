package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks plists against Apple's device-management YAML schemas (shared/apple-device-management): every required key
 * present, and every key the YAML knows of the type it declares, recursively through dictionary subkeys.
 */
final class AppleYaml {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private AppleYaml() {}

    /**
     * The shared reference folder: the system property mdmsim.shared.dir if it holds the Apple schemas, else the
     * nearest "shared" folder above the working directory (a git worktree sits deeper than the main checkout).
     */
    static Path shared() {
        String dir = System.getProperty("mdmsim.shared.dir");
        if (dir != null && Files.isDirectory(Path.of(dir, "apple-device-management"))) {
            return Path.of(dir);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared").resolve("apple-device-management"))) {
                return p.resolve("shared");
            }
        }
        throw new AssertionError("cannot find shared/apple-device-management (mdmsim.shared.dir = " + dir + ")");
    }

    static JsonNode load(String relative) {
        Path p = shared().resolve("apple-device-management").resolve(relative);
        try {
            return YAML.readTree(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** Asserts {@code dict} against the payloadkeys of the YAML file. */
    static void assertConforms(String yamlPath, NSDictionary dict) {
        check(yamlPath, load(yamlPath).path("payloadkeys"), dict);
    }

    private static void check(String where, JsonNode keys, NSDictionary dict) {
        for (JsonNode k : keys) {
            String name = k.path("key").asText();
            NSObject value = dict.get(name);
            if ("required".equals(k.path("presence").asText())) {
                assertNotNull(value, where + ": required key " + name + " is missing from " + dict.keySet());
            }
            if (value == null) {
                continue;
            }
            String type = k.path("type").asText();
            assertTrue(hasType(value, type), where + ": " + name + " is " + value.getClass().getSimpleName()
                    + " (expected " + type + ")");
            JsonNode range = k.path("rangelist");
            if (range.isArray() && !range.isEmpty() && !(value instanceof NSArray)) {
                boolean listed = false;
                for (JsonNode r : range) {
                    listed |= r.asText().equals(value.toJavaObject().toString());
                }
                assertTrue(listed, where + ": " + name + " = " + value.toJavaObject() + " is not in " + range);
            }
            if (value instanceof NSDictionary sub && k.has("subkeys")) {
                check(where + "/" + name, k.path("subkeys"), sub);
            }
        }
    }

    private static boolean hasType(NSObject v, String type) {
        return switch (type) {
            case "<string>" -> v instanceof NSString;
            case "<integer>" -> v instanceof NSNumber n && n.type() == NSNumber.INTEGER;
            case "<real>" -> v instanceof NSNumber;
            case "<boolean>" -> v instanceof NSNumber n && n.type() == NSNumber.BOOLEAN;
            case "<data>" -> v instanceof NSData;
            case "<date>" -> v instanceof NSDate;
            case "<array>" -> v instanceof NSArray;
            case "<dictionary>" -> v instanceof NSDictionary;
            default -> true;
        };
    }
}
