package io.mdmsim.mdm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSObject;
import io.mdmsim.core.plist.Plist;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlistJsonTest {

    @Test
    void everyPlistTypeSurvivesTheRoundTrip() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("s", "text");
        v.put("i", 42L);
        v.put("r", 1.5);
        v.put("b", true);
        v.put("d", new byte[] {1, 2, 3});
        v.put("t", Instant.parse("2025-01-01T00:00:00Z"));
        v.put("a", List.of("x", Map.of("k", 1L)));
        NSObject plist = Plist.wrap(v);
        Object json = PlistJson.toJson(plist);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) json;
        assertEquals(Map.of("$data", "AQID"), m.get("d"));
        assertEquals(Map.of("$date", "2025-01-01T00:00:00Z"), m.get("t"));
        assertEquals(plist, PlistJson.fromJson(json, "body"));
    }

    @Test
    void nullsAndBadDataAreNamed() {
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("Settings", Arrays.asList(new LinkedHashMap<>(Map.of("Item", "x")), null));
        var e = assertThrows(BadInputException.class, () -> PlistJson.fromJson(withNull, "body"));
        assertEquals("body.Settings[1]: null (expected: a value; plists have no null)", e.getMessage());
        var bad = assertThrows(BadInputException.class, () -> PlistJson.fromJson(Map.of("$data", "!!"), "Payload"));
        assertTrue(bad.getMessage().startsWith("Payload.$data: not base64"), bad.getMessage());
        var date = assertThrows(BadInputException.class, () -> PlistJson.fromJson(Map.of("$date", "yesterday"), "When"));
        assertTrue(date.getMessage().contains("ISO-8601"), date.getMessage());
    }
}
