package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JSON at the edges: a repeated key or a number where a name belongs is a clear 400, not a guess. */
class InputEdgesTest {

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aCommandWithARepeatedKeyIsRefusedNotTheLastOneWins() {
        TestDevice d = t.enrolled("UDID-DUP", false);
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + d.udid + "/commands",
                "{\"requestType\":\"DeviceLock\",\"requestType\":\"EraseDevice\"}");
        assertEquals(400, r.statusCode(), text(r));
        assertTrue(text(r).toLowerCase().contains("duplicate") && text(r).contains("requestType"), text(r));
        for (JsonNode c : t.get("/admin/devices/" + d.udid + "/commands")) {
            assertTrue(!c.path("requestType").asText().equals("EraseDevice"), "nothing was queued: " + c);
        }
    }

    @Test
    void aBinaryTokenUpdateWithAControlCharacterIsRefusedNotA500() {
        TestDevice d = t.enrolled("UDID-NUL", false);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("MessageType", "TokenUpdate");
        m.put("UDID", "UDID-NUL\u0000");
        m.put("Topic", d.topic());
        m.put("Token", new byte[32]);
        m.put("PushMagic", "magic");
        byte[] binary = io.mdmsim.core.plist.Plist.toBinary(io.mdmsim.core.plist.Plist.wrap(m));
        HttpResponse<byte[]> r = d.checkin(t.base, binary);
        assertEquals(403, r.statusCode(), text(r));
        assertEquals(200, d.checkin(t.base, io.mdmsim.core.protocol.TokenUpdate.forDevice(d.topic(), d.udid,
                new byte[32], "magic", null, false)).statusCode(), "the server goes on");
    }

    @Test
    void anEnrollmentProfileNameMustBeAString() {
        io.mdmsim.core.http.HttpError e = org.junit.jupiter.api.Assertions.assertThrows(
                io.mdmsim.core.http.HttpError.class, () -> io.mdmsim.core.http.Json.read(
                        "{\"name\":123}".getBytes(StandardCharsets.UTF_8),
                        io.mdmsim.mdm.management.EnrollmentProfile.class));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("$.name"), e.getMessage());
    }

    @Test
    void aVppTokenNameMustBeAString() {
        HttpResponse<byte[]> r = t.send("POST", "/admin/vpp-tokens",
                "{\"name\":123,\"organization\":\"Org\",\"expiry\":\"2030-01-01\",\"companyPortalLicenses\":5}");
        assertEquals(400, r.statusCode(), text(r));
        assertTrue(text(r).contains("name"), text(r));
    }
}
