package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.core.testing.AppleSchemas.Key;
import io.mdmsim.core.testing.AppleSchemas.Schema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec against Apple's check-in YAMLs (ADM {@code mdm/checkin/*.yaml}), one run per
 * file: messages built from the YAML keys round-trip, every key the YAML requires everywhere is enforced, no other key
 * is, and every key's type is checked.
 */
class AppleCheckinSchemaTest {
    /**
     * Keys the YAML marks required that the codec does not require, and why. Keep this list short and explained.
     * UserAuthenticate.DigestResponse: its own description says the device sends it only on the second request.
     */
    private static final Map<String, Set<String>> NOT_ENFORCED = Map.of("UserAuthenticate", Set.of("DigestResponse"));

    static Stream<Path> checkinYamls() {
        List<Path> files = AppleSchemas.checkinFiles();
        assertEquals(8, files.size(), "check-in YAMLs in " + AppleSchemas.checkinDir());
        return files.stream();
    }

    private static Schema schema(Path yaml) {
        return AppleSchemas.load(yaml);
    }

    private static byte[] xml(NSDictionary d) {
        return Plist.toXml(d);
    }

    @Test
    void everyYamlHasARecordAndEveryRecordAYaml() {
        Set<String> yaml = new TreeSet<>();
        for (Path p : AppleSchemas.checkinFiles()) {
            yaml.add(AppleSchemas.load(p).requestType());
        }
        assertEquals(yaml, new TreeSet<>(CheckinCodec.MESSAGE_TYPES));
        assertEquals(yaml.size(), CheckinMessage.class.getPermittedSubclasses().length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkinYamls")
    void messageOfRequiredKeysRoundTrips(Path yaml) {
        roundTrip(schema(yaml), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkinYamls")
    void messageOfAllKeysRoundTripsAndKeepsEveryKey(Path yaml) {
        roundTrip(schema(yaml), true);
    }

    private static void roundTrip(Schema s, boolean allKeys) {
        NSDictionary sample = s.sample(allKeys);
        if (s.key("UDID").isPresent() && !sample.containsKey("UDID") && !sample.containsKey("EnrollmentID")) {
            // authenticate.yaml marks both optional (errata: user enrollments have no UDID) while UDID's description
            // says "required if the enrollment type is not user enrollment".
            sample.put("UDID", s.key("UDID").orElseThrow().sampleValue(false));
        }
        assertEquals(List.of(), s.check(sample), "the sample itself fits the YAML");
        CheckinMessage decoded = CheckinCodec.decode(xml(sample));
        assertEquals(s.requestType(), decoded.messageType());

        byte[] encoded = CheckinCodec.encode(decoded);
        CheckinMessage again = CheckinCodec.decode(encoded);
        assertEquals(decoded, again);

        // Every key of the sample survives decode + encode with its value; a false flag whose YAML default is false
        // may be left out.
        NSDictionary out = Plist.parseDictionary(encoded);
        for (String key : sample.allKeys()) {
            NSObject want = sample.get(key);
            NSObject got = out.get(key);
            if (got == null && isDefault(s.key(key).orElseThrow(), want)) {
                continue;
            }
            assertEquals(want, got, s.requestType() + "." + key);
        }
        assertEquals(new TreeSet<>(sample.keySet()), new TreeSet<>(out.keySet()));
        assertEquals(List.of(), s.check(out), "our encoding fits the YAML");
    }

    private static boolean isDefault(Key k, NSObject v) {
        return k.defaultValue().isBoolean() && v instanceof NSNumber n && n.isBoolean()
                && n.boolValue() == k.defaultValue().asBoolean();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkinYamls")
    void eachKeyRequiredEverywhereIsEnforcedByName(Path yaml) {
        Schema s = schema(yaml);
        Set<String> skipped = NOT_ENFORCED.getOrDefault(s.requestType(), Set.of());
        List<Key> required = s.requiredEverywhere();
        assertTrue(required.stream().anyMatch(k -> k.name().equals("MessageType")), "MessageType is required");
        for (Key k : required) {
            NSDictionary d = s.sample(true);
            d.remove(k.name());
            if (skipped.contains(k.name())) {
                assertDoesNotThrow(() -> CheckinCodec.decode(xml(d)), k.name());
                continue;
            }
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> CheckinCodec.decode(xml(d)), k.name());
            assertTrue(e.getMessage().contains(k.name() + " is missing (expected: " + k.type()), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkinYamls")
    void keysRequiredOnlyOnSomePlatformsOrChannelsAreOptional(Path yaml) {
        // e.g. NotOnConsole (macOS only), UserLongName (user channel), UDID (not on user enrollment)
        Schema s = schema(yaml);
        for (Key k : s.payloadKeys()) {
            if (k.requiredEverywhere()) {
                continue;
            }
            NSDictionary d = s.sample(true);
            d.remove(k.name());
            CheckinMessage m = assertDoesNotThrow(() -> CheckinCodec.decode(xml(d)), k.name());
            assertEquals(m, CheckinCodec.decode(CheckinCodec.encode(m)), k.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkinYamls")
    void udidOrEnrollmentIdIsRequiredWhereTheYamlListsThem(Path yaml) {
        Schema s = schema(yaml);
        boolean listsIdentity = s.key("UDID").isPresent() || s.key("EnrollmentID").isPresent();
        NSDictionary d = s.sample(true);
        d.remove("UDID");
        d.remove("EnrollmentID");
        if (!listsIdentity) {
            assertDoesNotThrow(() -> CheckinCodec.decode(xml(d)));
            return;
        }
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CheckinCodec.decode(xml(d)));
        assertTrue(e.getMessage().contains("UDID"), e.getMessage());
        if (s.key("EnrollmentID").isPresent()) {
            assertTrue(e.getMessage().contains("neither UDID nor EnrollmentID"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkinYamls")
    void everyKeysTypeIsChecked(Path yaml) {
        Schema s = schema(yaml);
        List<String> checked = new ArrayList<>();
        for (Key k : s.payloadKeys()) {
            wrongTypeIsReported(s, List.of(k.name()), k, checked);
            for (Key sub : k.type().equals("<dictionary>") ? k.subkeys() : List.<Key>of()) {
                wrongTypeIsReported(s, List.of(k.name(), sub.name()), sub, checked);
            }
        }
        assertFalse(checked.isEmpty());
    }

    private static void wrongTypeIsReported(Schema s, List<String> path, Key k, List<String> checked) {
        NSObject wrong = k.wrongValue().orElse(null);
        if (wrong == null) {
            return;
        }
        NSDictionary d = s.sample(true);
        NSDictionary parent = d;
        for (String p : path.subList(0, path.size() - 1)) {
            parent = (NSDictionary) parent.get(p);
        }
        parent.put(k.name(), wrong);
        String where = String.join(".", path);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CheckinCodec.decode(xml(d)), where);
        assertTrue(e.getMessage().contains(where + ": " + Plist.typeName(wrong)), e.getMessage());
        assertTrue(e.getMessage().endsWith("(expected: " + k.type() + ")"), e.getMessage());
        checked.add(where);
    }
}
