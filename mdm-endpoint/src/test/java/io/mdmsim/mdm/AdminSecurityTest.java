package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.protocol.TokenUpdate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API cannot be steered by a web page the user happens to open, nor by anyone without the server's token:
 * bearer token, loopback Host, no foreign Origin, no web-form bodies; secrets stay out of the event stream.
 */
class AdminSecurityTest {

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** A request to the admin API with exactly these headers: no token unless given. */
    private HttpResponse<byte[]> raw(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(t.base.resolve(path))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String bearer() {
        return "Bearer " + t.server.adminToken();
    }

    @Test
    void aCrossSiteWipeAsAWebFormIsRefusedAndTheDeviceIsNotWiped() {
        TestDevice d = t.enrolled("UDID-CSRF", false);
        HttpResponse<byte[]> csrf = raw("POST", "/admin/devices/" + d.udid + "/wipe", "x",
                "Content-Type", "text/plain", "Origin", "http://evil.example");
        assertTrue(csrf.statusCode() == 401 || csrf.statusCode() == 403, csrf.statusCode() + " " + text(csrf));

        HttpResponse<byte[]> foreign = raw("POST", "/admin/devices/" + d.udid + "/wipe", null,
                "Authorization", bearer(), "Origin", "http://evil.example");
        assertEquals(403, foreign.statusCode(), text(foreign));
        assertTrue(text(foreign).contains("Origin: http://evil.example"), text(foreign));

        HttpResponse<byte[]> form = raw("POST", "/admin/devices/" + d.udid + "/wipe", "x",
                "Authorization", bearer(), "Content-Type", "text/plain");
        assertEquals(415, form.statusCode(), text(form));

        JsonNode device = t.get("/admin/devices/" + d.udid);
        assertEquals("MANAGED", device.path("lifecycle").path("management").asText(device.toString()),
                device.toString());
        for (JsonNode c : t.get("/admin/devices/" + d.udid + "/commands")) {
            assertFalse(c.path("requestType").asText().equals("EraseDevice"), "no EraseDevice was queued");
        }
    }

    @Test
    void noTokenOrAWrongOneIs401() {
        HttpResponse<byte[]> none = raw("GET", "/admin/devices", null);
        assertEquals(401, none.statusCode(), text(none));
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertTrue(text(none).contains("Authorization: Bearer"), text(none));
        HttpResponse<byte[]> wrong = raw("GET", "/admin/devices", null, "Authorization", "Bearer not-the-token-at-all");
        assertEquals(401, wrong.statusCode(), text(wrong));
        assertEquals(200, raw("GET", "/admin/devices", null, "Authorization", bearer()).statusCode());
    }

    @Test
    void aForeignHostHeaderIsRefusedEvenWithTheToken() throws Exception {
        // java.net.http will not send another Host: speak HTTP/1.1 on a socket
        try (java.net.Socket s = new java.net.Socket(t.base.getHost(), t.base.getPort())) {
            String req = "GET /admin/devices HTTP/1.1\r\nHost: attacker.example\r\nAuthorization: " + bearer()
                    + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
            assertTrue(answer.contains("Host: attacker.example"), answer);
        }
    }

    @Test
    void aJsonBodyMustBeLabelledJson() {
        HttpResponse<byte[]> r = raw("PUT", "/admin/policy", "{\"deviceTypeRestrictions\":{\"ios\":\"blocked\"}}",
                "Authorization", bearer(), "Content-Type", "application/xml");
        assertEquals(415, r.statusCode(), text(r));
        assertTrue(text(r).contains("expected: application/json"), text(r));
    }

    @Test
    void pushMagicPushTokenAndUnlockTokenStayOutOfTheEventStream() {
        TestDevice d = t.enrolled("UDID-SECRETS", false);
        byte[] unlock = "unlock-token-bytes".getBytes(StandardCharsets.UTF_8);
        TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[] {7, 7, 7, 7},
                "magic-SECRET", unlock, false)));
        HttpResponse<byte[]> events = raw("GET", "/admin/events", null, "Authorization", bearer());
        assertEquals(200, events.statusCode());
        String all = rawPayloads(text(events));
        assertFalse(all.contains("magic-SECRET"), "PushMagic in events");
        assertFalse(all.contains(Base64.getEncoder().encodeToString(unlock)), "UnlockToken in events");
        assertTrue(text(events).contains("TokenUpdate"), "the TokenUpdate itself is still an event");
        assertTrue(text(events).contains("\"leftOut\""), "the event says what it left out");

        try (TestServer verbose = new TestServer(b -> b.eventsIncludeSecrets(true))) {
            TestDevice v = verbose.enrolled("UDID-SECRETS-ON", false);
            TestServer.expect200(v.checkin(verbose.base, TokenUpdate.forDevice(v.topic(), v.udid, new byte[4],
                    "magic-SHOWN", null, false)));
            String shown = rawPayloads(verbose.getText("/admin/events"));
            assertTrue(shown.contains("magic-SHOWN"), "with eventsIncludeSecrets the raw payload is kept");
        }
    }

    /** The decoded raw payloads of the events (JSON lines), one after the other. */
    private static String rawPayloads(String eventLines) {
        StringBuilder out = new StringBuilder();
        for (String line : eventLines.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode raw = TestServer.json(line).path("rawPayload");
            if (raw.isTextual()) {
                out.append(new String(Base64.getDecoder().decode(raw.asText()), StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    @Test
    void aTokenCannotPointTheDepClientAtAnArbitraryHost() {
        HttpResponse<byte[]> r = raw("POST", "/admin/dep/tokens?depUrl=http://169.254.169.254/latest",
                "not-a-token", "Authorization", bearer(), "Content-Type", "application/pkcs7-mime");
        assertEquals(400, r.statusCode(), text(r));
        assertTrue(text(r).contains("depUrl: http://169.254.169.254/latest"), text(r));
    }

    @Test
    void aFixedTokenIsUsedAndWrittenPrivately(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens").resolve("mdm.token");
        String fixed = "fixed-token-for-scripts-0123456789";
        try (TestServer s = new TestServer(b -> b.adminToken(fixed).adminTokenFile(file))) {
            assertEquals(fixed, s.server.adminToken());
            assertEquals(fixed, Files.readString(file).trim());
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
            HttpResponse<byte[]> ok = TestDevice.send(HttpClient.newHttpClient(), HttpRequest.newBuilder(
                    s.base.resolve("/admin/devices")).header("Authorization", "Bearer " + fixed).GET().build());
            assertEquals(200, ok.statusCode());
        }
    }

    @Test
    void twoServersHaveDifferentTokens() {
        try (TestServer other = new TestServer()) {
            assertNotNull(t.server.adminToken());
            assertTrue(t.server.adminToken().length() >= 32);
            assertFalse(t.server.adminToken().equals(other.server.adminToken()));
            assertEquals(List.of(), List.of());
        }
    }
}
