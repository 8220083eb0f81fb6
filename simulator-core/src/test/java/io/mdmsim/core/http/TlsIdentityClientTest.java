package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Identity;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many client identities over one event loop: each presents its own certificate on a kept-alive connection. */
class TlsIdentityClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final Identity serverId = TestTls.selfSigned("127.0.0.1");
    private final HttpServer server = HttpServer.builder().name("mtls").tls(serverId).requestClientCertificates(true)
            .router(Router.builder().put("/who", r -> HttpResponse.text(200, (r.peerCertificates().isEmpty()
                    ? "anonymous" : r.peerCertificates().get(0).getSubjectX500Principal().getName()) + " sent "
                    + r.bodyText())).build()).build().start();
    private final TlsIdentityClient client = new TlsIdentityClient(trusting(serverId), 1, "test-tls", 1024);

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void eachIdentityPresentsItsOwnCertificateOnAConnectionItKeeps() throws Exception {
        Identity one = TestTls.selfSigned("device-1");
        Identity two = TestTls.selfSigned("device-2");
        TlsIdentityClient.Identity a = client.identity(one.privateKey(), one.certificate(), List.of());
        TlsIdentityClient.Identity b = client.identity(two.privateKey(), two.certificate(), List.of());
        URI who = server.baseUri().resolve("/who");

        assertEquals("CN=device-1 sent x", text(a.exchange("PUT", who, Map.of(), "text/plain", bytes("x"), TIMEOUT)));
        assertEquals("CN=device-2 sent y", text(b.exchange("PUT", who, Map.of(), "text/plain", bytes("y"), TIMEOUT)));
        assertEquals("CN=device-1 sent z", text(a.exchange("PUT", who, Map.of(), "text/plain", bytes("z"), TIMEOUT)));
        assertEquals(2, server.openConnections(), "one kept connection per identity");

        a.close(); // the next exchange opens a new connection
        TlsIdentityClient.Response again = a.exchange("PUT", who, Map.of(), "text/plain", bytes("w"), TIMEOUT);
        assertEquals(200, again.status());
        assertEquals("CN=device-1 sent w", text(again));
        assertEquals(List.of(HttpResponse.TEXT_PLAIN), again.headers().get("content-type"));
    }

    @Test
    void badInputAndAnUntrustedServerAreClearErrors() {
        Identity one = TestTls.selfSigned("device-1");
        TlsIdentityClient.Identity a = client.identity(one.privateKey(), one.certificate(), List.of());
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class, () -> a.exchange("PUT",
                URI.create("http://127.0.0.1:1/who"), Map.of(), null, null, TIMEOUT));
        assertEquals("uri: http://127.0.0.1:1/who (expected: an https URL)", http.getMessage());

        try (TlsIdentityClient distrustful = new TlsIdentityClient(trusting(TestTls.selfSigned("127.0.0.1")), 1,
                "test-tls", 1024)) {
            TlsIdentityClient.Identity x = distrustful.identity(one.privateKey(), one.certificate(), List.of());
            IOException e = assertThrows(IOException.class, () -> x.exchange("PUT", server.baseUri().resolve("/who"),
                    Map.of(), null, null, TIMEOUT));
            assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:"), e.getMessage());
        }
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> new TlsIdentityClient(trusting(serverId), 0, "x", 1));
        assertEquals("threads: 0 (expected: >= 1)", threads.getMessage());
    }

    @Test
    void anAnswerLongerThanTheLimitIsRefused() throws Exception {
        Identity one = TestTls.selfSigned("device-1");
        TlsIdentityClient.Identity a = client.identity(one.privateKey(), one.certificate(), List.of());
        IOException e = assertThrows(IOException.class, () -> a.exchange("PUT", server.baseUri().resolve("/who"),
                Map.of(), "text/plain", bytes("y".repeat(2000)), TIMEOUT));
        assertEquals("the answer is longer than 1024 bytes", e.getMessage());
    }

    private static X509TrustManager trusting(Identity server) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("server", server.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return (X509TrustManager) tmf.getTrustManagers()[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(TlsIdentityClient.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
