package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAccessTest {

    private final AdminAccess access = AdminAccess.of("0123456789abcdef0123", List.of("mdmsim.test"));

    private static HttpRequest request(String method, String path, String body, String... headers) {
        HttpRequest r = HttpRequest.of(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            r = r.withHeader(headers[i], headers[i + 1]);
        }
        return r;
    }

    private static String text(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aGoodRequestPasses() {
        assertNull(access.check(request("GET", "/admin/devices", null, "Host", "127.0.0.1:8500",
                "Authorization", "Bearer 0123456789abcdef0123")));
        assertNull(access.check(request("POST", "/admin/x", "{}", "Host", "[::1]:8500", "Authorization",
                "Bearer 0123456789abcdef0123", "Content-Type", "application/json", "Origin", "http://[::1]:8500")));
        assertNull(access.check(request("GET", "/admin/x", null, "Host", "mdmsim.test:80", "Authorization",
                "Bearer 0123456789abcdef0123")));
    }

    @Test
    void eachRuleHasItsOwnClearRefusal() {
        String auth = "Bearer 0123456789abcdef0123";
        HttpResponse host = access.check(request("GET", "/admin/x", null, "Host", "attacker.example",
                "Authorization", auth));
        assertEquals(403, host.status());
        assertTrue(text(host).startsWith("Host: attacker.example (expected: a loopback host"), text(host));
        assertEquals(403, access.check(request("GET", "/admin/x", null, "Authorization", auth)).status());
        assertEquals(403, access.check(request("GET", "/admin/x", null, "Host", "127.0.0.1.attacker.example",
                "Authorization", auth)).status());

        HttpResponse origin = access.check(request("POST", "/admin/x", null, "Host", "127.0.0.1:8500",
                "Authorization", auth, "Origin", "http://127.0.0.1:9999"));
        assertEquals(403, origin.status(), "another port is another origin");
        assertEquals(403, access.check(request("POST", "/admin/x", null, "Host", "127.0.0.1:8500",
                "Authorization", auth, "Origin", "null")).status());

        HttpResponse none = access.check(request("GET", "/admin/x", null, "Host", "localhost"));
        assertEquals(401, none.status());
        assertTrue(none.headers().get("WWW-Authenticate").startsWith("Bearer"));
        assertEquals(401, access.check(request("GET", "/admin/x", null, "Host", "localhost", "Authorization",
                "Bearer 0123456789abcdef012")).status());
        assertEquals(401, access.check(request("GET", "/admin/x", null, "Host", "localhost", "Authorization",
                "Basic 0123456789abcdef0123")).status());

        for (String type : new String[] {null, "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x"}) {
            HttpRequest r = type == null
                    ? request("POST", "/admin/x", "{}", "Host", "localhost", "Authorization", auth)
                    : request("POST", "/admin/x", "{}", "Host", "localhost", "Authorization", auth, "Content-Type", type);
            assertEquals(415, access.check(r).status(), String.valueOf(type));
        }
    }

    @Test
    void onlyAdminPathsAreGuarded() throws Exception {
        var handler = access.protect(r -> HttpResponse.text(200, "ok"));
        assertEquals(200, handler.handle(request("GET", "/mdm/enroll", null, "Host", "mdm.example.com")).status());
        assertEquals(200, handler.handle(request("GET", "/administrator", null)).status());
        assertEquals(403, handler.handle(request("GET", "/admin", null, "Host", "x.example")).status());
        assertEquals(401, handler.handle(request("GET", "/admin/", null, "Host", "127.0.0.1")).status());
    }

    @Test
    void tokensAreRandomAndAFixedOneMustBeLongEnough() {
        assertNotEquals(AdminAccess.of(null, List.of()).token(), AdminAccess.of(null, List.of()).token());
        assertEquals(64, AdminAccess.newToken().length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdminAccess.of("short",
                List.of()));
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AdminAccess.validToken("has a space in it, 16+"));
    }

    @Test
    void loopbackNamesAndTokenFiles(@TempDir Path dir) throws Exception {
        for (String h : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"}) {
            assertTrue(AdminAccess.isLoopback(h), h);
        }
        for (String h : new String[] {"10.0.0.1", "127.0.0.1.nip.io", "localhost.example", "0.0.0.0", ""}) {
            assertFalse(AdminAccess.isLoopback(h), h);
        }
        assertEquals(AdminAccess.tokenFile(URI.create("http://localhost:8500")),
                AdminAccess.tokenFile(URI.create("http://127.0.0.1:8500/admin")));
        assertEquals("mdm.example.com-443", AdminAccess.tokenFile(URI.create("https://mdm.example.com")).getFileName()
                .toString());

        Path file = dir.resolve("sub").resolve("token");
        AdminAccess.writeTokenFile(file, "0123456789abcdef0123");
        assertEquals("0123456789abcdef0123", Files.readString(file).trim());
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        }
        assertEquals("explicit-token-0123456", AdminAccess.find(URI.create("http://127.0.0.1:1"),
                "explicit-token-0123456").orElseThrow());
    }
}
