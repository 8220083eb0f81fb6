package io.mdmsim.core.testing;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * A plist as "tagged" JSON that keeps the plist types apart, the same form as the Python helper
 * {@code io/mdmsim/core/plist/fixtures/plistdump.py} prints: {@code {"dict": {...}}}, {@code {"array": [...]}},
 * {@code {"string": s}}, {@code {"integer": "123"}}, {@code {"real": 1.5}}, {@code {"bool": true}},
 * {@code {"data": base64}}, {@code {"date": "2024-10-21T09:41:07Z"}}. Two plists are the same iff their trees are equal.
 */
public final class TaggedPlist {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TaggedPlist() {}

    public static JsonNode of(NSObject o) {
        ObjectNode n = F.objectNode();
        switch (o) {
            case NSDictionary d -> {
                ObjectNode m = n.putObject("dict");
                d.forEach((k, v) -> m.set(k, of(v)));
            }
            case NSArray a -> {
                ArrayNode l = n.putArray("array");
                for (NSObject e : a.getArray()) {
                    l.add(of(e));
                }
            }
            case NSString s -> n.put("string", s.getContent());
            case NSNumber x when x.isBoolean() -> n.put("bool", x.boolValue());
            case NSNumber x when x.isInteger() -> n.put("integer", Long.toString(x.longValue()));
            case NSNumber x -> n.put("real", x.doubleValue());
            case NSData d -> n.put("data", Base64.getEncoder().encodeToString(d.bytes()));
            case NSDate d -> {
                var t = d.getDate().toInstant();
                n.put("date", t.getNano() == 0 ? t.toString() : t.truncatedTo(ChronoUnit.MILLIS).toString());
            }
            default -> throw new IllegalArgumentException("no tagged form for " + o.getClass().getName());
        }
        return n;
    }

    public static JsonNode parse(String json) {
        try {
            return normalize(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return normalize(MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reals as doubles (JSON from Python may hold them as ints, e.g. 1e300 vs 1.0E300 are the same). */
    private static JsonNode normalize(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = F.objectNode();
            n.properties().forEach(e -> o.set(e.getKey(), e.getKey().equals("real")
                    ? F.numberNode(e.getValue().asDouble()) : normalize(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = F.arrayNode();
            n.forEach(e -> a.add(normalize(e)));
            return a;
        }
        return n;
    }

    /** The tagged JSON of a plist file as Python's plistlib reads it (needs python3, else the test is skipped). */
    public static JsonNode viaPython(Path plistFile) {
        Path python = ExternalTools.python3();
        return parse(ExternalTools.run(null, python, plistDumpScript(), plistFile).stdoutText());
    }

    /** The tagged JSON of plist bytes as Python's plistlib reads them (needs python3, else the test is skipped). */
    public static JsonNode viaPython(byte[] plist) {
        Path python = ExternalTools.python3();
        return parse(ExternalTools.run(plist, python, plistDumpScript(), "-").stdoutText());
    }

    public static Path plistDumpScript() {
        return Fixtures.plistFixtures().resolve("plistdump.py");
    }
}
