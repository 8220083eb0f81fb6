package io.mdmsim.core.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one client can hold of a server: idle connections are closed after the idle timeout, a request must arrive
 * whole within the request timeout (slow headers, slow bodies), connections past the cap are answered 503, and any
 * number of pipelined requests are all answered, in order. Before, idle and slow connections were held forever.
 */
class ConnectionLimitsTest {

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        servers.forEach(HttpServer::close);
    }

    private HttpServer start(Router router, Consumer<HttpServer.Builder> settings) {
        HttpServer.Builder b = HttpServer.builder().name("limits").router(router);
        settings.accept(b);
        HttpServer server = b.start();
        servers.add(server);
        return server;
    }

    private static Router echo() {
        return Router.builder().get("/n", r -> HttpResponse.text(200, r.queryParam("i"))).build();
    }

    private Socket connect(HttpServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(60_000); // a hung server fails the test instead of hanging it
        sockets.add(s);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        HttpServer server = start(echo(), b -> b.idleTimeout(Duration.ofMillis(300)));
        Socket s = connect(server);
        write(s, "GET /n?i=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(RawHttp.readResponses(s.getInputStream(), 1).getFirst().startsWith("HTTP/1.1 200"));
        assertEquals(-1, s.getInputStream().read(), "the server closes the connection once it is idle");
        await().until(() -> server.openConnections() == 0);
    }

    @Test
    void aConnectionWhoseRequestIsBeingHandledIsNotIdle() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean inside = new AtomicBoolean();
        HttpServer server = start(Router.builder().get("/slow", r -> {
            inside.set(true);
            release.await();
            return HttpResponse.text(200, "done");
        }).build(), b -> b.idleTimeout(Duration.ofMillis(100)));
        Socket s = connect(server);
        write(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await().untilTrue(inside);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 1);
        release.countDown();
        assertTrue(RawHttp.readResponses(s.getInputStream(), 1).getFirst().endsWith("done"));
    }

    @Test
    void slowHeadersAreAnswered408AndClosed() throws Exception {
        HttpServer server = start(echo(), b -> b.requestTimeout(Duration.ofMillis(300)));
        Socket s = connect(server);
        write(s, "GET /n?i=1 HTTP/1.1\r\nHost: x\r\nX-Slowloris: a");
        String answer = RawHttp.readResponses(s.getInputStream(), 1).getFirst();
        assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout"), answer);
        assertTrue(answer.endsWith("request not received in full within 300 ms (expected: the request line, headers"
                + " and body within the server's request timeout)"), answer);
        assertEquals(-1, s.getInputStream().read());
    }

    @Test
    void aSlowBodyIsAnswered408Too() throws Exception {
        HttpServer server = start(Router.builder().post("/p", r -> HttpResponse.text(200, "ok")).build(),
                b -> b.requestTimeout(Duration.ofMillis(300)));
        Socket s = connect(server);
        write(s, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789");
        assertTrue(RawHttp.readResponses(s.getInputStream(), 1).getFirst().startsWith("HTTP/1.1 408"));
        assertEquals(-1, s.getInputStream().read());
    }

    @Test
    void connectionsPastTheCapAreAnswered503() throws Exception {
        HttpServer server = start(echo(), b -> b.maxConnections(2));
        Socket first = connect(server);
        connect(server);
        await().until(() -> server.openConnections() == 2);
        Socket third = connect(server);
        String refused = RawHttp.readResponses(third.getInputStream(), 1).getFirst();
        assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable"), refused);
        assertTrue(refused.endsWith("connection limit: 2 connections open (expected: fewer connections at once; each"
                + " may carry many requests)"), refused);
        assertEquals(-1, third.getInputStream().read());

        first.close();
        await().until(() -> server.openConnections() == 1);
        Socket again = connect(server);
        write(again, "GET /n?i=4 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(RawHttp.readResponses(again.getInputStream(), 1).getFirst().endsWith("\r\n\r\n4"));
    }

    @Test
    void manyPipelinedRequestsAreAllAnsweredInOrder() throws Exception {
        int n = 20 * ConnectionGuard.MAX_QUEUED;
        HttpServer server = start(echo(), b -> { });
        Socket s = connect(server);
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < n; i++) {
            requests.append("GET /n?i=").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        write(s, requests.toString());
        List<String> answers = RawHttp.readResponses(s.getInputStream(), n);
        for (int i = 0; i < n; i++) {
            assertTrue(answers.get(i).startsWith("HTTP/1.1 200") && answers.get(i).endsWith("\r\n\r\n" + i),
                    answers.get(i));
        }
    }

    @Test
    void theLimitsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpServer.builder().idleTimeout(Duration.ZERO));
        assertEquals("idleTimeout: PT0S (expected: at least 1 ms)", e.getMessage());
        assertEquals("maxConnections: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> HttpServer.builder().maxConnections(0)).getMessage());
        assertEquals(Duration.ofSeconds(60), HttpServer.DEFAULT_IDLE_TIMEOUT, "docs/security.md names the defaults");
        assertEquals(Duration.ofSeconds(30), HttpServer.DEFAULT_REQUEST_TIMEOUT);
        assertEquals(4096, HttpServer.DEFAULT_MAX_CONNECTIONS);
    }
}
