package io.mdmsim.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.core.testing.AppleSchemas.Key;
import io.mdmsim.core.testing.AppleSchemas.Schema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test helper that reads Apple's YAML, checked on the command files the MDM builds against. */
class AppleSchemasTest {

    @Test
    void loadsEveryCommand() {
        List<Schema> all = AppleSchemas.commands();
        assertEquals(66, all.size());
        for (Schema s : all) {
            assertNotNull(s.requestType(), s.file().toString());
            assertEquals(List.of(), s.check(s.sample(false)), s.requestType() + " required-keys sample");
            assertEquals(List.of(), s.check(s.sample(true)), s.requestType() + " all-keys sample");
        }
    }

    @Test
    void listsRequiredKeysWithTheirTypes() {
        Schema s = AppleSchemas.command("DeviceInformation");
        assertTrue(s.file().endsWith("information.device.yaml"), s.file().toString());
        Key queries = s.requiredKeys().getFirst();
        assertEquals("Queries", queries.name());
        assertEquals("<array>", queries.type());
        assertEquals("<string>", queries.subkeys().getFirst().type());
        assertTrue(queries.requiredEverywhere());
        assertFalse(s.responseKeys().isEmpty());
        assertEquals(List.of(), AppleSchemas.command("DeviceConfigured").payloadKeys());
    }

    @Test
    void tellsConditionalFromEverywhereRequiredKeys() {
        Schema s = AppleSchemas.checkin("TokenUpdate");
        assertEquals(List.of("MessageType", "Topic", "Token", "PushMagic"),
                s.requiredEverywhere().stream().map(Key::name).toList());
        assertTrue(s.key("NotOnConsole").orElseThrow().required());
        assertTrue(s.key("NotOnConsole").orElseThrow().conditional(), "macOS only");
    }

    @Test
    void checkFindsWhatIsWrong() {
        Schema s = AppleSchemas.command("InstalledApplicationList");
        NSDictionary d = new NSDictionary();
        d.put("RequestType", "InstalledApplicationList");
        d.put("ManagedOnly", true);
        d.put("Identifiers", new NSArray(new NSNumber(5)));
        d.put("ManagedAppsOnly", "yes");
        assertEquals(List.of("Identifiers[0]: <integer> (expected: <string>)",
                "ManagedAppsOnly: <string> (expected: <boolean>)",
                "ManagedOnly is not a key of the schema"), s.check(d).stream().sorted().toList());

        Schema token = AppleSchemas.checkin("GetToken");
        NSDictionary g = token.sample(false);
        g.put("TokenServiceType", new NSString("com.example.other"));
        g.remove("Topic");
        assertEquals(List.of("TokenServiceType: \"com.example.other\" (expected one of [com.apple.maid, "
                + "com.apple.watch.pairing])"), token.check(g));
        g.remove("MessageType");
        assertTrue(token.check(g).contains("MessageType is missing (expected: <string>)"), token.check(g).toString());
    }

    @Test
    void unknownRequestTypeNamesTheKnownOnes() {
        AppleSchemas.appleDir();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppleSchemas.checkin("ReturnToService"));
        assertTrue(e.getMessage().startsWith("check-in MessageType: \"ReturnToService\" (expected one of ["),
                e.getMessage());
    }
}
