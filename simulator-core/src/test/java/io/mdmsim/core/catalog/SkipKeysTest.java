package io.mdmsim.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mdmsim.core.catalog.SkipKeys.Origin;
import io.mdmsim.core.catalog.SkipKeys.SkipKey;
import io.mdmsim.core.testing.Prerequisites;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one skip key table, against Apple's other/skipkeys.yaml. */
class SkipKeysTest {

    @Test
    void anUnknownKeyIsAProblemThatNamesItAndWhatIsExpected() {
        assertTrue(SkipKeys.problem("Siri").isEmpty());
        assertTrue(SkipKeys.problem("Registration").isEmpty(), "a retired key is still accepted");
        assertEquals("skip_setup_items: unknown key 'Avatar' (expected: a key of Apple's skipkeys.yaml, e.g. Siri,"
                + " Location, AppleID)", SkipKeys.problem("Avatar").orElseThrow());
        for (String notApple : List.of("Avatar", "Tone", "UnlockWithWatch", "iCloudKeychain", "siri", "")) {
            assertFalse(SkipKeys.isKnown(notApple), notApple);
        }
    }

    @Test
    void aMalformedTableIsRefusedWithWhatWasWrong() {
        var unknown = assertThrows(IOException.class, () -> SkipKeys.read(stream("{\"keys\": [], \"kyes\": []}")));
        assertTrue(unknown.getMessage().contains("kyes"), unknown.getMessage());
        var empty = assertThrows(IOException.class, () -> SkipKeys.read(stream("{\"keys\": []}")));
        assertEquals("expected a non-empty \"keys\" array", empty.getMessage());
        var noOrigin = assertThrows(IOException.class, () -> SkipKeys.read(stream("{\"keys\": [{\"key\": \"Siri\"}]}")));
        assertTrue(noOrigin.getMessage().contains("origin"), noOrigin.getMessage());
    }

    /** Apple's keys, in Apple's order, with the iOS facts of skipkeys.yaml. Cross-check last (the gate may skip). */
    @Test
    void theAppleKeysAreThoseOfSkipkeysYaml() throws IOException {
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(
                Prerequisites.appleDeviceManagement().resolve("other/skipkeys.yaml").toFile());
        List<String> keys = new ArrayList<>();
        for (JsonNode k : yaml.path("payloadkeys")) {
            String key = k.path("key").asText();
            keys.add(key);
            SkipKey ours = SkipKeys.find(key).orElseThrow(() -> new AssertionError("missing " + key));
            assertEquals(Origin.ADM, ours.origin(), key);
            assertEquals(k.path("title").asText(), ours.title(), key);
            JsonNode ios = k.path("supportedOS").path("iOS");
            String introduced = ios.isMissingNode() || !ios.has("introduced") ? "7.0" : ios.path("introduced").asText();
            assertEquals("n/a".equals(introduced) ? null : introduced, ours.ios(), key + " introduced on iOS");
            assertEquals(ios.has("deprecated") ? ios.path("deprecated").asText() : null, ours.iosDeprecated(),
                    key + " deprecated on iOS");
            if (ours.onIos()) {
                assertEquals(ios.path("always-skippable").asBoolean(true), ours.alwaysSkippable(),
                        key + " always-skippable on iOS");
            }
        }
        assertEquals(keys, SkipKeys.all().stream().filter(k -> k.origin() == Origin.ADM).map(SkipKey::key).toList());
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
