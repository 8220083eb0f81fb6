package io.mdmsim.core.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.http.ResponseSink.CloseReason;
import io.mdmsim.core.pki.Identity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed responses ({@link HttpResponse#streaming}, {@link EventStream}) over HTTP/2 and HTTP/1.x. */
class StreamingResponseTest {

    private static final class Shared {
        static final Identity SERVER = TestTls.selfSigned("127.0.0.1");
    }

    private final List<HttpServer> servers = new ArrayList<>();
    private final CompletableFuture<EventStream> opened = new CompletableFuture<>();
    private final AtomicBoolean afterRan = new AtomicBoolean();

    @AfterEach
    void closeServers() {
        servers.forEach(HttpServer::close);
    }

    private HttpServer start(HttpServer.Builder builder) {
        HttpServer server = builder.router(Router.builder()
                .get("/events", r -> EventStream.response(opened::complete))
                .get("/after", r -> {
                    afterRan.set(true);
                    return HttpResponse.text(200, "after");
                })
                .build()).build();
        servers.add(server);
        return server.start();
    }

    private EventStream serverSide() throws Exception {
        return opened.get(30, TimeUnit.SECONDS);
    }

    private static CloseReason awaitClosed(EventStream events) {
        CompletableFuture<CloseReason> closed = events.whenClosed().toCompletableFuture();
        await().atMost(30, TimeUnit.SECONDS).until(closed::isDone);
        return closed.join();
    }

    // ------------------------------------------------------------------------------------------------- HTTP/2

    @Test
    void eventStreamOverHttp2DeliversEventsAndNoticesTheClientGoingAway() throws Exception {
        HttpServer server = start(HttpServer.builder().tls(Shared.SERVER));
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);
        var response = client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.baseUri() + "/events"))
                .build(), BodyHandlers.ofInputStream());
        assertEquals(Version.HTTP_2, response.version());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-cache", response.headers().firstValue("cache-control").orElseThrow());
        assertTrue(response.headers().firstValue("content-length").isEmpty());

        EventStream events = serverSide();
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertTrue(events.event("push", "{\"n\":1}"));
        assertTrue(events.comment("keepalive"));
        assertTrue(events.event(null, "two\nlines"));
        assertEquals(List.of("event: push", "data: {\"n\":1}", "", ": keepalive", "", "data: two", "data: lines", ""),
                readLines(reader, 8));

        // Other requests go on over the same connection while the stream is open.
        assertEquals("after", client.send(java.net.http.HttpRequest.newBuilder(
                URI.create(server.baseUri() + "/after")).build(), BodyHandlers.ofString()).body());

        response.body().close(); // the client cancels the stream
        assertEquals(CloseReason.CLIENT_GONE, awaitClosed(events));
        assertFalse(events.isOpen());
        assertFalse(events.event("push", "too late"));
    }

    @Test
    void serverEndsTheEventStreamOverHttp2() throws Exception {
        HttpServer server = start(HttpServer.builder().tls(Shared.SERVER));
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);
        var response = client.sendAsync(java.net.http.HttpRequest.newBuilder(
                URI.create(server.baseUri() + "/events")).build(), BodyHandlers.ofString());
        EventStream events = serverSide();
        events.event("bye", "last");
        events.close();
        events.close(); // idempotent
        assertEquals(CloseReason.COMPLETED, awaitClosed(events));
        var done = response.get(30, TimeUnit.SECONDS);
        assertEquals(Version.HTTP_2, done.version());
        assertEquals("event: bye\ndata: last\n\n", done.body());
    }

    @Test
    void manyEventStreamsAtOnceOverHttp2() throws Exception {
        int n = 50;
        List<EventStream> streams = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer server = startWith(Router.builder()
                .get("/events/{i}", r -> EventStream.response(streams::add)).build(), Shared.SERVER);
        HttpClient client = TestTls.client(Shared.SERVER, null, Version.HTTP_2);
        List<CompletableFuture<java.net.http.HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            responses.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(
                    URI.create(server.baseUri() + "/events/" + i)).build(), BodyHandlers.ofString()));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> streams.size() == n);
        AtomicInteger i = new AtomicInteger();
        List.copyOf(streams).forEach(s -> {
            s.event("n", Integer.toString(i.getAndIncrement()));
            s.close();
        });
        for (var r : responses) {
            assertTrue(r.get(30, TimeUnit.SECONDS).body().startsWith("event: n\ndata: "));
        }
    }

    private HttpServer startWith(Router router, Identity tls) {
        HttpServer.Builder b = HttpServer.builder().router(router);
        if (tls != null) {
            b.tls(tls);
        }
        HttpServer server = b.build();
        servers.add(server);
        return server.start();
    }

    // ----------------------------------------------------------------------------------------------- HTTP/1.1

    @Test
    void eventStreamOverHttp11IsChunkedAndHoldsTheConnectionUntilClosed() throws Exception {
        HttpServer server = start(HttpServer.builder());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked\r\n"), head);
            assertTrue(head.toLowerCase().contains("content-type: text/event-stream; charset=utf-8\r\n"), head);

            EventStream events = serverSide();
            events.event("push", "one");
            assertEquals("event: push\ndata: one\n\n", readChunk(in));
            assertFalse(afterRan.get(), "the pipelined request waits for the stream to end");
            events.close();
            assertEquals("", readChunk(in)); // last chunk
            assertEquals("\r\n", new String(in.readNBytes(2), StandardCharsets.US_ASCII));
            assertEquals(CloseReason.COMPLETED, awaitClosed(events));
            // then the pipelined request is answered on the same connection
            String next = readHead(in);
            assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n"), next);
            assertEquals("after", new String(in.readNBytes(5), StandardCharsets.UTF_8));
        }
    }

    @Test
    void clientHangingUpOnHttp11IsNoticed() throws Exception {
        HttpServer server = start(HttpServer.builder());
        EventStream events;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            readHead(socket.getInputStream());
            events = serverSide();
            assertTrue(events.isOpen());
        }
        assertEquals(CloseReason.CLIENT_GONE, awaitClosed(events));
        assertFalse(events.event("push", "nobody listens"));
    }

    @Test
    void http10GetsAnUnchunkedStreamEndedByClosingTheConnection() throws Exception {
        HttpServer server = start(HttpServer.builder());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("GET /events HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.0 200 OK\r\n"), head);
            assertFalse(head.toLowerCase().contains("chunked"), head);
            EventStream events = serverSide();
            events.event("e", "d");
            events.close();
            assertEquals("event: e\ndata: d\n\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aClientThatDoesNotReadIsCutOffOnceTooMuchIsPending() throws Exception {
        HttpServer server = start(HttpServer.builder().maxPendingStreamBytes(64 * 1024));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setReceiveBufferSize(4096);
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            EventStream events = serverSide();
            assertEquals(64 * 1024, events.sink().maxPendingBytes());
            byte[] chunk = new byte[16 * 1024];
            int written = 0;
            // The kernel buffers a few MiB at most; far less than this loop would write.
            while (written < 4096 && events.sink().write(chunk)) {
                written++;
            }
            assertTrue(written < 4096, "the sink refused writes at some point");
            assertEquals(CloseReason.SLOW_CLIENT, awaitClosed(events));
        }
    }

    @Test
    void aStreamingBodyThatThrowsCutsTheResponseOff() {
        HttpServer server = startWith(Router.builder()
                .get("/broken", r -> HttpResponse.streaming(200, "text/plain", sink -> {
                    sink.write("partial");
                    throw new IllegalStateException("bug");
                }))
                .get("/ok", r -> HttpResponse.text(200, "ok"))
                .build(), null);
        HttpClient client = HttpClient.newBuilder().version(Version.HTTP_1_1).build();
        assertThrows(IOException.class, () -> client.send(java.net.http.HttpRequest.newBuilder(
                URI.create(server.baseUri() + "/broken")).build(), BodyHandlers.ofString()));
        // the server goes on
        assertEquals(200, HttpServerTestSupport.get(client, URI.create(server.baseUri() + "/ok")).statusCode());
    }

    @Test
    void headOfAStreamedRouteSendsTheHeadOnly() throws Exception {
        AtomicBoolean bodyOpened = new AtomicBoolean();
        HttpServer server = startWith(Router.builder()
                .get("/s", r -> HttpResponse.streaming(200, "text/plain", sink -> bodyOpened.set(true))).build(),
                null);
        var head = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create(server.baseUri() + "/s")).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(), BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertFalse(bodyOpened.get());
    }

    // ------------------------------------------------------------------------------------------------ format

    @Test
    void eventFormatFollowsTheSseWireForm() {
        assertEquals("event: push\ndata: {}\n\n", EventStream.format("push", "{}"));
        assertEquals("data: a\ndata: b\ndata: c\ndata: \n\n", EventStream.format(null, "a\nb\r\nc\r"));
        IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
                () -> EventStream.format("two\nlines", "x"));
        assertEquals("event name: 'two\nlines' (expected: a non-empty single line)", badName.getMessage());
        IllegalArgumentException badComment = assertThrows(IllegalArgumentException.class,
                () -> new EventStream(new ClosedSink()).comment("a\nb"));
        assertEquals("comment: a\\nb (expected: a single line)", badComment.getMessage());
    }

    @Test
    void streamedResponsesHaveNoFixedBody() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HttpResponse(200, null, new byte[] {1}, sink -> { }));
        assertEquals("a streamed response has no fixed body (got 1 bytes; expected: write them to the sink)",
                e.getMessage());
        HttpResponse streamed = HttpResponse.streaming(200, "text/plain", sink -> { }).withHeader("X", "y");
        assertTrue(streamed.isStreaming());
        assertEquals("y", streamed.header("x"));
        assertFalse(HttpResponse.text(200, "x").isStreaming());
    }

    private static final class ClosedSink implements ResponseSink {
        @Override
        public boolean write(byte[] data) {
            return false;
        }

        @Override
        public boolean isOpen() {
            return false;
        }

        @Override
        public void close() {
        }

        @Override
        public void abort() {
        }

        @Override
        public java.util.concurrent.CompletionStage<CloseReason> whenClosed() {
            return CompletableFuture.completedFuture(CloseReason.COMPLETED);
        }

        @Override
        public long maxPendingBytes() {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<String> readLines(BufferedReader reader, int n) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(reader.readLine());
        }
        return lines;
    }

    private static String readHead(InputStream in) throws IOException {
        return RawHttp.readHead(in);
    }

    /** One chunk of a chunked body: the size line, the data and its CRLF; "" for the last chunk (size 0). */
    private static String readChunk(InputStream in) throws IOException {
        StringBuilder sizeLine = new StringBuilder();
        while (sizeLine.length() < 2 || !sizeLine.toString().endsWith("\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in a chunk size line: " + sizeLine);
            }
            sizeLine.append((char) b);
        }
        int size = Integer.parseInt(sizeLine.toString().trim(), 16);
        if (size == 0) {
            return "";
        }
        String data = new String(in.readNBytes(size), StandardCharsets.UTF_8);
        in.readNBytes(2);
        return data;
    }
}
