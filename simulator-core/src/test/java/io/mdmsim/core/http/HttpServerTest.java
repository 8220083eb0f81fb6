package io.mdmsim.core.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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

    private HttpServer start(Router router) {
        return start(HttpServer.builder().name("test").router(router));
    }

    private java.net.http.HttpResponse<String> send(String method, URI uri, String body) {
        return send(client, method, uri, body);
    }

    private static java.net.http.HttpResponse<String> send(HttpClient c, String method, URI uri, String body) {
        try {
            return c.send(java.net.http.HttpRequest.newBuilder(uri)
                    .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build(),
                    BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI at(HttpServer server, String pathAndQuery) {
        return URI.create(server.baseUri() + pathAndQuery);
    }

    @Test
    void bindsLoopbackOnAFreePortAndReportsIt() {
        HttpServer server = start(Router.builder().get("/", r -> HttpResponse.text(200, "root")).build());
        assertTrue(server.port() > 0);
        assertEquals(URI.create("http://127.0.0.1:" + server.port()), server.baseUri());
        assertEquals("root", send("GET", server.baseUri(), null).body());
    }

    @Test
    void routesByMethodAndPathWithParametersQueryAndBody() {
        Router router = Router.builder()
                .get("/devices", r -> HttpResponse.text(200, "list " + r.queryParam("limit")))
                .get("/devices/{serial}", r -> HttpResponse.text(200, "device " + r.pathParam("serial")))
                .post("/devices/{serial}/commands/{type}", r -> HttpResponse.text(201,
                        r.pathParam("serial") + ":" + r.pathParam("type") + ":" + r.bodyText() + ":"
                                + r.header("X-Test")))
                .build();
        HttpServer server = start(router);

        var list = send("GET", at(server, "/devices?limit=5&limit=6"), null);
        assertEquals(200, list.statusCode());
        assertEquals("list 5", list.body());
        assertEquals("text/plain; charset=utf-8", list.headers().firstValue("Content-Type").orElseThrow());

        assertEquals("device C02 X", send("GET", at(server, "/devices/C02%20X"), null).body());

        var created = sendWithHeader(server, "/devices/ABC/commands/Restart", "hello", "X-Test", "yes");
        assertEquals(201, created.statusCode());
        assertEquals("ABC:Restart:hello:yes", created.body());
    }

    private java.net.http.HttpResponse<String> sendWithHeader(HttpServer server, String path, String body,
            String name, String value) {
        try {
            return client.send(java.net.http.HttpRequest.newBuilder(at(server, path)).header(name, value)
                    .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void requestLinesAndHeadersOfRealWorldSizeAreAccepted() {
        HttpServer server = start(Router.builder()
                .get("/scep", r -> HttpResponse.text(200, r.queryParam("message").length() + " " + r.header("X-Big")
                        .length()))
                .build());
        // SCEP GET PKIOperation with a 4096-bit key: a line of about 5.5 KB; accepted up to 64 KiB each
        String message = "A".repeat(60 * 1024);
        String big = "b".repeat(30 * 1024);
        try {
            var r = client.send(java.net.http.HttpRequest.newBuilder(at(server, "/scep?operation=PKIOperation&message="
                    + message)).header("X-Big", big).GET().build(), BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(message.length() + " " + big.length(), r.body());
            var tooLong = client.send(java.net.http.HttpRequest.newBuilder(at(server, "/scep?message="
                    + "A".repeat(65 * 1024))).GET().build(), BodyHandlers.ofString());
            assertEquals(414, tooLong.statusCode());
            assertTrue(tooLong.body().startsWith("request line too long: "), tooLong.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        HttpServer server = start(Router.builder()
                .get("/profile", r -> HttpResponse.text(200, "get"))
                .post("/profile", r -> HttpResponse.text(200, "post"))
                .build());

        var missing = send("GET", at(server, "/nope"), null);
        assertEquals(404, missing.statusCode());
        assertEquals("not found: no resource at /nope", missing.body());

        var wrong = send("DELETE", at(server, "/profile"), null);
        assertEquals(405, wrong.statusCode());
        assertEquals("GET, HEAD, POST", wrong.headers().firstValue("Allow").orElseThrow());
        assertEquals("method DELETE not allowed for /profile (allowed: GET, HEAD, POST)", wrong.body());
    }

    @Test
    void headIsAnsweredByTheGetRouteWithoutABody() {
        HttpServer server = start(Router.builder().get("/x", r -> HttpResponse.text(200, "twelve bytes")).build());
        var head = send("HEAD", at(server, "/x"), null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("12", head.headers().firstValue("Content-Length").orElseThrow());
        // and the connection still works
        assertEquals("twelve bytes", send("GET", at(server, "/x"), null).body());
    }

    @Test
    void bodyOverTheCapIs413WithReadableTextAndTheServerKeepsServing() {
        AtomicBoolean handlerRan = new AtomicBoolean();
        HttpServer server = start(HttpServer.builder().name("capped").maxBodyBytes(1024).router(Router.builder()
                .post("/upload", r -> {
                    handlerRan.set(true);
                    return HttpResponse.text(200, "got " + r.body().length);
                })
                .build()));

        var tooLarge = send("POST", at(server, "/upload"), "x".repeat(5000));
        assertEquals(413, tooLarge.statusCode());
        assertEquals("request body too large: 5000 bytes (expected: at most 1024 bytes)", tooLarge.body());
        assertFalse(handlerRan.get());

        var atCap = send("POST", at(server, "/upload"), "y".repeat(1024));
        assertEquals(200, atCap.statusCode());
        assertEquals("got 1024", atCap.body());
        // and once more over the cap, then a small one, on the same client
        assertEquals(413, send("POST", at(server, "/upload"), "z".repeat(100_000)).statusCode());
        assertEquals("got 1", send("POST", at(server, "/upload"), "a").body());
    }

    @Test
    void chunkedBodyOverTheCapIs413() throws Exception {
        HttpServer server = start(HttpServer.builder().maxBodyBytes(10).router(Router.builder()
                .post("/upload", r -> HttpResponse.text(200, "got " + r.body().length)).build()));
        String request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n";
        String response = rawExchange(server, request, 1).get(0);
        assertTrue(response.startsWith("HTTP/1.1 413 "), response);
        assertTrue(response.endsWith("request body too large (expected: at most 10 bytes)"), response);
    }

    @Test
    void handlerExceptionIs500WithAnIncidentIdAndNoStackTrace() {
        HttpServer server = start(HttpServer.builder().name("boom").router(Router.builder()
                .get("/fail", r -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .get("/iae", r -> {
                    throw new IllegalArgumentException("not mapped automatically");
                })
                .get("/ok", r -> HttpResponse.text(200, "fine"))
                .build()));

        var failed = send("GET", at(server, "/fail"), null);
        assertEquals(500, failed.statusCode());
        assertTrue(failed.body().matches("internal error boom-\\d+; see the server log"), failed.body());
        assertFalse(failed.body().contains("secret"));
        assertFalse(failed.body().contains("at io.mdmsim"));
        assertFalse(failed.body().contains("Exception"));

        var iae = send("GET", at(server, "/iae"), null);
        assertEquals(500, iae.statusCode());
        assertNotEqualsIncident(failed.body(), iae.body());

        assertEquals("fine", send("GET", at(server, "/ok"), null).body());
    }

    private static void assertNotEqualsIncident(String a, String b) {
        assertFalse(a.equals(b), "each incident gets its own id: " + a);
    }

    @Test
    void httpErrorBecomesItsStatusAndBody() {
        HttpServer server = start(Router.builder()
                .get("/forbidden", r -> {
                    throw HttpError.forbidden("serial X is not yours");
                })
                .get("/plist", r -> {
                    throw new HttpError(403, "application/xml", "<plist/>".getBytes(StandardCharsets.UTF_8));
                })
                .get("/retry", r -> {
                    throw new HttpError(HttpResponse.text(429, "TOO_MANY_REQUESTS").withHeader("Retry-After", "7"));
                })
                .get("/missing-param", r -> HttpResponse.text(200, r.requiredQueryParam("profile_uuid")))
                .build());

        var forbidden = send("GET", at(server, "/forbidden"), null);
        assertEquals(403, forbidden.statusCode());
        assertEquals("serial X is not yours", forbidden.body());

        var plist = send("GET", at(server, "/plist"), null);
        assertEquals(403, plist.statusCode());
        assertEquals("application/xml", plist.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("<plist/>", plist.body());

        var retry = send("GET", at(server, "/retry"), null);
        assertEquals(429, retry.statusCode());
        assertEquals("7", retry.headers().firstValue("Retry-After").orElseThrow());

        var missing = send("GET", at(server, "/missing-param"), null);
        assertEquals(400, missing.statusCode());
        assertEquals("missing query parameter 'profile_uuid'", missing.body());
    }

    record Limit(int limit, String cursor) {
    }

    @Test
    void jsonInAndOutWithReadable400ForBadJson() {
        HttpServer server = start(Router.builder()
                .post("/echo", r -> HttpResponse.json(200, Json.read(r.body(), Limit.class)))
                .build());

        var ok = send("POST", at(server, "/echo"), "{\"limit\": 5, \"cursor\": \"c\", \"extra\": true}");
        assertEquals(200, ok.statusCode());
        assertEquals("{\"limit\":5,\"cursor\":\"c\"}", ok.body());
        assertEquals("application/json; charset=utf-8", ok.headers().firstValue("Content-Type").orElseThrow());

        var wrongType = send("POST", at(server, "/echo"), "{\"limit\": \"many\"}");
        assertEquals(400, wrongType.statusCode());
        assertTrue(wrongType.body().startsWith("invalid JSON for Limit at line 1, column 11 ($.limit): "),
                wrongType.body());
        assertTrue(wrongType.body().contains("\"many\""), wrongType.body());

        var broken = send("POST", at(server, "/echo"), "{\"limit\": 5,");
        assertEquals(400, broken.statusCode());
        assertTrue(broken.body().startsWith("invalid JSON for Limit at line 1, column 13: "), broken.body());

        var empty = send("POST", at(server, "/echo"), null);
        assertEquals(400, empty.statusCode());
        assertEquals("invalid JSON for Limit: the body is empty (expected: a JSON value)", empty.body());
    }

    @Test
    void manyConcurrentRequestsAreHandledAtOnceOnVirtualThreads() {
        int n = 200;
        CountDownLatch allInside = new CountDownLatch(n);
        Set<Boolean> virtual = java.util.concurrent.ConcurrentHashMap.newKeySet();
        HttpServer server = start(Router.builder().get("/wait/{i}", r -> {
            virtual.add(Thread.currentThread().isVirtual());
            allInside.countDown();
            // Every request waits until all n are inside a handler: only possible if none blocks another.
            if (!allInside.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not all requests arrived");
            }
            return HttpResponse.text(200, r.pathParam("i"));
        }).build());

        List<CompletableFuture<java.net.http.HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(at(server, "/wait/" + i)).build(),
                    BodyHandlers.ofString()));
        }
        Set<String> bodies = new HashSet<>();
        for (var f : futures) {
            var response = f.join();
            assertEquals(200, response.statusCode(), response.body());
            bodies.add(response.body());
        }
        assertEquals(n, bodies.size());
        assertEquals(Set.of(true), virtual);
    }

    @Test
    void keepAliveConnectionAnswersPipelinedRequestsInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstInside = new AtomicBoolean();
        AtomicBoolean secondRan = new AtomicBoolean();
        HttpServer server = start(Router.builder()
                .get("/slow", r -> {
                    firstInside.set(true);
                    release.await();
                    return HttpResponse.text(200, "slow");
                })
                .get("/fast", r -> {
                    secondRan.set(true);
                    return HttpResponse.text(200, "fast");
                })
                .build());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().untilTrue(firstInside);
            assertFalse(secondRan.get(), "requests of one connection run one after another");
            release.countDown();
            List<String> responses = readResponses(socket.getInputStream(), 2);
            assertTrue(responses.get(0).endsWith("slow"), responses.get(0));
            assertTrue(responses.get(1).endsWith("fast"), responses.get(1));
        }
    }

    @Test
    void malformedRequestLineIs400AndTheServerGoesOn() throws Exception {
        HttpServer server = start(Router.builder().get("/ok", r -> HttpResponse.text(200, "fine")).build());
        String response = rawExchange(server, "GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 1)
                .get(0);
        assertTrue(response.startsWith("HTTP/1.1 400 "), response);
        assertTrue(response.contains("malformed HTTP request: "), response);
        assertEquals("fine", send("GET", at(server, "/ok"), null).body());
    }

    @Test
    void tlsWithASelfSignedIdentity() {
        Identity identity = TestTls.selfSigned("127.0.0.1");
        HttpServer server = start(HttpServer.builder().name("tls").tls(identity).router(Router.builder()
                .get("/hello", r -> HttpResponse.text(200, "certs " + r.peerCertificates().size())).build()));
        assertEquals("https", server.baseUri().getScheme());
        assertTrue(server.isTls());

        var response = send(TestTls.client(identity, null), "GET", at(server, "/hello"), null);
        assertEquals(200, response.statusCode());
        assertEquals("certs 0", response.body());

        // A client that does not trust the identity fails the handshake.
        assertThrows(UncheckedIOException.class, () -> send(client, "GET", at(server, "/hello"), null));
    }

    @Test
    void requestedClientCertificateIsExposedAndStaysOptional() {
        Identity serverId = TestTls.selfSigned("127.0.0.1");
        Identity deviceId = TestTls.selfSigned("device-1");
        HttpServer server = start(HttpServer.builder().tls(serverId).requestClientCertificates(true)
                .router(Router.builder().get("/who", r -> HttpResponse.text(200, r.peerCertificates().isEmpty()
                        ? "anonymous"
                        : r.peerCertificates().get(0).getSubjectX500Principal().getName())).build()));

        assertEquals("CN=device-1", send(TestTls.client(serverId, deviceId), "GET", at(server, "/who"), null).body());
        assertEquals("anonymous", send(TestTls.client(serverId, null), "GET", at(server, "/who"), null).body());
    }

    @Test
    void defaultHttpClientVersionWorksToo() {
        HttpServer server = start(Router.builder().get("/x", r -> HttpResponse.text(200, "x")).build());
        var response = send(HttpClient.newHttpClient(), "GET", at(server, "/x"), null);
        assertEquals("x", response.body());
    }

    @Test
    void builderRejectsIncompleteSettings() {
        IllegalStateException noHandler = assertThrows(IllegalStateException.class,
                () -> HttpServer.builder().name("x").build());
        assertEquals("x: no router or handler set (expected: router(...))", noHandler.getMessage());
        IllegalStateException noTls = assertThrows(IllegalStateException.class, () -> HttpServer.builder()
                .router(Router.builder().build()).requestClientCertificates(true).build());
        assertEquals("http: requestClientCertificates needs TLS (expected: tls(identity) as well)",
                noTls.getMessage());
        IllegalArgumentException badPort = assertThrows(IllegalArgumentException.class,
                () -> HttpServer.builder().port(70000));
        assertEquals("port: 70000 (expected: 0..65535)", badPort.getMessage());
    }

    @Test
    void portInUseIsAClearError() {
        HttpServer first = start(Router.builder().build());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> start(HttpServer.builder()
                .name("second").port(first.port()).router(Router.builder().build())));
        assertTrue(e.getMessage().startsWith("second: cannot listen on 127.0.0.1:" + first.port() + ": "),
                e.getMessage());
    }

    @Test
    void closeStopsServing() {
        HttpServer server = start(Router.builder().get("/x", r -> HttpResponse.text(200, "x")).build());
        URI uri = at(server, "/x");
        server.close();
        server.close(); // idempotent
        assertThrows(UncheckedIOException.class, () -> send(HttpClient.newBuilder().build(), "GET", uri, null));
    }

    // --- raw socket helpers ---

    private static List<String> rawExchange(HttpServer server, String request, int responses) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return readResponses(socket.getInputStream(), responses);
        }
    }

    private static List<String> readResponses(InputStream in, int count) throws IOException {
        return RawHttp.readResponses(in, count);
    }

}
