package io.mdmsim.abm.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.abm.state.EventKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorCodecTest {

    private final CursorCodec codec = new CursorCodec("secret".getBytes(StandardCharsets.UTF_8));
    private final Instant issued = Instant.parse("2025-06-01T12:00:00.123Z");

    @Test
    void roundTripsBothKinds() {
        DepCursor fetch = new DepCursor.Fetch("uuid-1", new EventKey(1_000, 7), EventKey.MIN, issued);
        DepCursor sync = new DepCursor.Sync("uuid-1", new EventKey(-5, 9), issued);
        assertEquals(fetch, codec.decode(codec.encode(fetch)));
        assertEquals(sync, codec.decode(codec.encode(sync)));
        assertTrue(codec.encode(fetch).matches("[A-Za-z0-9+/=]+"));
    }

    @Test
    void rejectsGarbageEditsAndCursorsOfAnotherSecret() {
        String good = codec.encode(new DepCursor.Sync("uuid-1", new EventKey(5, 9), issued));
        assertEquals("cursor is not base64", assertThrows(IllegalArgumentException.class, () -> codec.decode("%%%")).getMessage());
        String edited = Base64.getEncoder().encodeToString(
                new String(Base64.getDecoder().decode(good), StandardCharsets.US_ASCII).replace(":5:", ":6:").getBytes(StandardCharsets.US_ASCII));
        assertEquals("cursor was not issued by this server",
                assertThrows(IllegalArgumentException.class, () -> codec.decode(edited)).getMessage());
        CursorCodec other = new CursorCodec("other".getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> other.decode(good));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(Base64.getEncoder().encodeToString("abc".getBytes(StandardCharsets.US_ASCII))));
    }
}
