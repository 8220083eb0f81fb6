package io.mdmsim.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One exchange with a time limit: the answer when it comes, a timeout naming the server when it does not. */
class ClientExchangeTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void answersComeBackAsTheyWere() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(201, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            HttpResponse<String> r = ClientExchange.send(client, HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x")).build(),
                    HttpResponse.BodyHandlers.ofString(), Duration.ofSeconds(30));
            assertEquals(201, r.statusCode());
            assertEquals("hello", r.body());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatNeverAnswersIsATimeoutNamingIt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            int port = silent.getLocalPort();
            HttpTimeoutException e = assertThrows(HttpTimeoutException.class, () -> ClientExchange.send(client,
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                    HttpResponse.BodyHandlers.ofString(), Duration.ofMillis(300)));
            assertEquals("no answer from 127.0.0.1:" + port + " within PT0.3S", e.getMessage());
            acceptor.interrupt();
            for (Socket s : List.copyOf(accepted)) {
                s.close();
            }
        }
    }

    @Test
    void anInterruptedCallerIsInterruptedNotTimedOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = silent.getLocalPort();
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    ClientExchange.send(client, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                            .build(), HttpResponse.BodyHandlers.ofString(), Duration.ofMinutes(5));
                } catch (Exception e) {
                    thrown.set(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TIMED_WAITING);
            caller.interrupt();
            caller.join();
            assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        }
    }

    @Test
    void aRefusedConnectionIsAnIoException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        IOException e = assertThrows(IOException.class, () -> ClientExchange.send(client,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                HttpResponse.BodyHandlers.ofString(), Duration.ofSeconds(30)));
        assertTrue(e instanceof java.net.ConnectException, e.toString());
    }
}
