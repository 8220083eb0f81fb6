package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.dep.ServerToken;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake ABM's admin API: bearer token, loopback Host, no foreign Origin or web forms, no state change by GET. */
class AdminSecurityTest {

    private final AbmFixture abm = new AbmFixture(b -> { });

    @AfterEach
    void stop() {
        abm.close();
    }

    private HttpResponse<byte[]> raw(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(abm.uri(path))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return abm.sendRaw(b.build());
    }

    @Test
    void aGetNeverIssuesAServerToken() {
        abm.createMdmServer("mdm-1");
        HttpResponse<byte[]> before = abm.adminGet("/admin/mdm-servers/mdm-1/token");
        assertEquals(404, before.statusCode(), text(before));
        ServerToken issued = abm.downloadToken("mdm-1"); // POST
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> again = abm.adminGet("/admin/mdm-servers/mdm-1/token");
            assertEquals(200, again.statusCode(), text(again));
            ServerToken current = ServerToken.fromP7m(again.body(), AbmFixture.mdmIdentity().certificate(),
                    AbmFixture.mdmIdentity().privateKey());
            assertEquals(issued.consumerKey(), current.consumerKey(), "a GET returns the current token");
        }
        abm.session(issued); // the issued token still works
    }

    @Test
    void withoutTheTokenNothingIsServed() {
        HttpResponse<byte[]> r = raw("POST", "/admin/organizations", "{\"name\":\"Evil\"}",
                "Content-Type", "application/json");
        assertEquals(401, r.statusCode(), text(r));
        assertTrue(text(r).contains("Authorization: Bearer"), text(r));
        assertEquals(401, raw("GET", "/admin/devices", null).statusCode());
    }

    @Test
    void aWebPageCannotWrite() {
        String bearer = "Bearer " + abm.server.adminToken();
        HttpResponse<byte[]> origin = raw("POST", "/admin/organizations", "{\"name\":\"Evil\"}",
                "Authorization", bearer, "Content-Type", "application/json", "Origin", "https://evil.example");
        assertEquals(403, origin.statusCode(), text(origin));
        HttpResponse<byte[]> form = raw("POST", "/admin/organizations", "{\"name\":\"Evil\"}",
                "Authorization", bearer, "Content-Type", "text/plain");
        assertEquals(415, form.statusCode(), text(form));
        HttpResponse<byte[]> xml = raw("POST", "/admin/organizations", "{\"name\":\"Evil\"}",
                "Authorization", bearer, "Content-Type", "application/xml");
        assertEquals(415, xml.statusCode(), text(xml));
    }

    @Test
    void aForeignHostIsRefused() throws Exception {
        try (java.net.Socket s = new java.net.Socket(abm.server.baseUri().getHost(), abm.server.baseUri().getPort())) {
            String req = "GET /admin/devices HTTP/1.1\r\nHost: attacker.example\r\nAuthorization: Bearer "
                    + abm.server.adminToken() + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        }
    }

    @Test
    void aHostAllowedByOptionIsServed() throws Exception {
        try (AbmFixture open = new AbmFixture(b -> b.adminAllowedHosts(java.util.List.of("mdmsim.test")))) {
            try (java.net.Socket s = new java.net.Socket(open.server.baseUri().getHost(),
                    open.server.baseUri().getPort())) {
                String req = "GET /admin/organizations HTTP/1.1\r\nHost: mdmsim.test:8400\r\nAuthorization: Bearer "
                        + open.server.adminToken() + "\r\nConnection: close\r\n\r\n";
                s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
        }
        assertEquals(Map.of(), Map.of());
    }
}
