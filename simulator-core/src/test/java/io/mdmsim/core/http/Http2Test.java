package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Identity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 by ALPN over TLS, HTTP/1.1 next to it, and the same handler behaviour on both. */
class Http2Test {

    private static final class Shared {
        static final Identity SERVER = TestTls.selfSigned("127.0.0.1");
        static final Identity CLIENT = TestTls.selfSigned("provider-1");
    }

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(HttpServer::close);
    }

    private HttpServer start(HttpServer.Builder builder) {
        HttpServer server = builder.build();
        servers.add(server);
        return server.start();
    }

    private HttpServer startTls(Router router) {
        return start(HttpServer.builder().name("h2").tls(Shared.SERVER).requestClientCertificates(true)
                .router(router));
    }

    private static java.net.http.HttpResponse<String> send(HttpClient client, String method, URI uri, String body)
            throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(uri)
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
    }

    private static Router echo() {
        return Router.builder()
                .post("/echo/{name}", r -> HttpResponse.text(200, r.pathParam("name") + ":" + r.bodyText() + ":"
                        + r.header("X-Test") + ":" + r.queryParam("q")))
                .get("/who", r -> HttpResponse.text(200, (r.peerCertificates().isEmpty() ? "anonymous"
                        : r.peerCertificates().get(0).getSubjectX500Principal().getName())
                        + " from " + (r.remote() == null ? "?" : r.remote().getAddress().getHostAddress())
                        + " headers " + r.headers().names().stream().filter(n -> n.startsWith("x-http2")).toList()))
                .build();
    }

    @Test
    void tlsClientPreferringHttp2NegotiatesH2ByAlpn() throws Exception {
        HttpServer server = startTls(echo());
        assertTrue(server.isHttp2());
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);

        var response = client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.baseUri() + "/echo/a?q=1"))
                .header("X-Test", "yes").POST(BodyPublishers.ofString("body")).build(), BodyHandlers.ofString());
        assertEquals(Version.HTTP_2, response.version());
        assertEquals(200, response.statusCode());
        assertEquals("a:body:yes:1", response.body());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("12", response.headers().firstValue("content-length").orElseThrow());
    }

    @Test
    void http2RequestsCarryPeerCertificateAndRemoteButNotNettysConversionHeaders() throws Exception {
        HttpServer server = startTls(echo());
        var withCert = send(TestTls.client(Shared.SERVER, Shared.CLIENT, Version.HTTP_2), "GET",
                URI.create(server.baseUri() + "/who"), null);
        assertEquals(Version.HTTP_2, withCert.version());
        assertEquals("CN=provider-1 from 127.0.0.1 headers []", withCert.body());

        var anonymous = send(TestTls.client(Shared.SERVER, null, Version.HTTP_2), "GET",
                URI.create(server.baseUri() + "/who"), null);
        assertEquals("anonymous from 127.0.0.1 headers []", anonymous.body());
    }

    @Test
    void http11ClientStillGetsHttp11OverTls() throws Exception {
        HttpServer server = startTls(echo());
        var response = send(TestTls.client(Shared.SERVER, null, Version.HTTP_1_1), "POST",
                URI.create(server.baseUri() + "/echo/b"), "x");
        assertEquals(Version.HTTP_1_1, response.version());
        assertEquals("b:x:null:null", response.body());
    }

    @Test
    void http2CanBeSwitchedOffAndPlainHttpStaysHttp11() throws Exception {
        HttpServer h1only = start(HttpServer.builder().tls(Shared.SERVER).http2(false).router(echo()));
        assertFalse(h1only.isHttp2());
        var tls = send(TestTls.client(Shared.SERVER, null, Version.HTTP_2), "POST",
                URI.create(h1only.baseUri() + "/echo/c"), "y");
        assertEquals(Version.HTTP_1_1, tls.version());
        assertEquals("c:y:null:null", tls.body());

        HttpServer plain = start(HttpServer.builder().router(echo()));
        assertFalse(plain.isHttp2());
        // The JDK client offers "Upgrade: h2c" on plain HTTP; the server answers in HTTP/1.1.
        var upgradeOffered = send(HttpClient.newBuilder().version(Version.HTTP_2).build(), "POST",
                URI.create(plain.baseUri() + "/echo/d"), "z");
        assertEquals(Version.HTTP_1_1, upgradeOffered.version());
        assertEquals("d:z:null:null", upgradeOffered.body());
    }

    @Test
    void bodyOverTheCapIs413OnHttp2AndTheConnectionGoesOn() throws Exception {
        HttpServer server = start(HttpServer.builder().tls(Shared.SERVER).maxBodyBytes(1024).router(Router.builder()
                .post("/upload", r -> HttpResponse.text(200, "got " + r.body().length)).build()));
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);
        URI upload = URI.create(server.baseUri() + "/upload");

        var tooLarge = send(client, "POST", upload, "x".repeat(5000));
        assertEquals(Version.HTTP_2, tooLarge.version());
        assertEquals(413, tooLarge.statusCode());
        assertEquals("request body too large: 5000 bytes (expected: at most 1024 bytes)", tooLarge.body());

        var atCap = send(client, "POST", upload, "y".repeat(1024));
        assertEquals(200, atCap.statusCode());
        assertEquals("got 1024", atCap.body());
        assertEquals(413, send(client, "POST", upload, "z".repeat(200_000)).statusCode());
        assertEquals("got 1", send(client, "POST", upload, "a").body());
    }

    @Test
    void errorsAreMappedTheSameOnHttp2() throws Exception {
        HttpServer server = start(HttpServer.builder().name("boom").tls(Shared.SERVER).router(Router.builder()
                .get("/fail", r -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .get("/forbidden", r -> {
                    throw new HttpError(HttpResponse.text(403, "not yours").withHeader("X-Why", "owner"));
                })
                .get("/ok", r -> HttpResponse.text(200, "fine"))
                .build()));
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);

        var failed = send(client, "GET", URI.create(server.baseUri() + "/fail"), null);
        assertEquals(Version.HTTP_2, failed.version());
        assertEquals(500, failed.statusCode());
        assertTrue(failed.body().matches("internal error boom-\\d+; see the server log"), failed.body());

        var forbidden = send(client, "GET", URI.create(server.baseUri() + "/forbidden"), null);
        assertEquals(403, forbidden.statusCode());
        assertEquals("owner", forbidden.headers().firstValue("x-why").orElseThrow());
        assertEquals("not yours", forbidden.body());

        var missing = send(client, "DELETE", URI.create(server.baseUri() + "/ok"), null);
        assertEquals(405, missing.statusCode());
        assertEquals("GET, HEAD", missing.headers().firstValue("allow").orElseThrow());

        var head = send(client, "HEAD", URI.create(server.baseUri() + "/ok"), null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("fine", send(client, "GET", URI.create(server.baseUri() + "/ok"), null).body());
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionRunAtOnceOnVirtualThreads() throws Exception {
        int n = 300;
        CountDownLatch allInside = new CountDownLatch(n);
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
        HttpServer server = startTls(Router.builder()
                .get("/warm", r -> HttpResponse.text(200, "warm"))
                .get("/wait/{i}", r -> {
                    clientPorts.add(r.remote().getPort());
                    virtual.add(Thread.currentThread().isVirtual());
                    allInside.countDown();
                    // Every stream waits until all n are inside a handler: only possible if none blocks another.
                    if (!allInside.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("not all streams arrived");
                    }
                    return HttpResponse.text(200, r.pathParam("i"));
                }).build());
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);
        // One request first, so the client has its HTTP/2 connection before the burst.
        assertEquals(Version.HTTP_2, send(client, "GET", URI.create(server.baseUri() + "/warm"), null).version());

        List<CompletableFuture<java.net.http.HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(
                    URI.create(server.baseUri() + "/wait/" + i)).build(), BodyHandlers.ofString()));
        }
        Set<String> bodies = ConcurrentHashMap.newKeySet();
        for (var f : futures) {
            var response = f.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(Version.HTTP_2, response.version());
            bodies.add(response.body());
        }
        assertEquals(n, bodies.size());
        assertEquals(Set.of(true), virtual);
        assertEquals(1, clientPorts.size(), "all streams multiplexed on one connection: " + clientPorts);
        assertNotNull(server.toString());
    }
}
