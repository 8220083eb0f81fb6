package io.mdmsim.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.scep.Scep;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The device side of the fake APNs when the connection under a request breaks (a raw socket server plays APNs). */
class PushChannelTest {

    private static final String TOKEN = "ab".repeat(32);
    private static final Identity IDENTITY = identity();

    private static Identity identity() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return Scep.selfSigned(g.generateKeyPair(), "CN=udid-1", Instant.now());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepts connections one after the other; the first {@code drops} are closed once the request was read. */
    private static final class FlakyApns implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        /** The first answer waits for this (the test opens it). */
        final CountDownLatch firstAnswer = new CountDownLatch(1);
        /** The answers after the first wait for this when held. */
        final CountDownLatch laterAnswers = new CountDownLatch(1);
        final Thread acceptor;

        FlakyApns(int drops) throws IOException {
            this(drops, false, false);
        }

        FlakyApns(int drops, boolean holdFirstAnswer, boolean holdLaterAnswers) throws IOException {
            if (!holdFirstAnswer) {
                firstAnswer.countDown();
            }
            if (!holdLaterAnswers) {
                laterAnswers.countDown();
            }
            acceptor = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket accepted = socket.accept();
                        int n = connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> answer(accepted, n, drops));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        private void answer(Socket accepted, int n, int drops) {
            try (Socket s = accepted) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.skip(length);
                if (n <= drops) {
                    return; // hang up without an answer
                }
                (n == 1 ? firstAnswer : laterAnswers).await();
                byte[] body = ("{\"token\":\"" + TOKEN + "\",\"key\":\"k1\"}").getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static PushChannel channel(HttpClient client, URI base) {
        return new PushChannel(client, base, Duration.ofSeconds(30));
    }

    @Test
    void aTokenRequestWhoseConnectionBrokeIsSentAgain() throws Exception {
        try (FlakyApns apns = new FlakyApns(2);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            byte[] token = channel(client, apns.base()).register("udid-1", "com.apple.mgmt.test", IDENTITY);
            assertEquals(TOKEN, HexFormat.of().formatHex(token));
            assertEquals(3, apns.connections.get());
        }
    }

    @Test
    void aConnectionThatKeepsBreakingFailsTheRequestSayingHowOftenItWasTried() throws Exception {
        try (FlakyApns apns = new FlakyApns(Integer.MAX_VALUE);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            PushChannel.PushException e = assertThrows(PushChannel.PushException.class,
                    () -> channel(client, apns.base()).register("udid-1", "com.apple.mgmt.test", IDENTITY));
            assertTrue(e.getMessage().startsWith("POST " + apns.base() + "/apns/v1/tokens failed 3 times: "),
                    e.getMessage());
            assertEquals(PushChannel.ATTEMPTS, apns.connections.get());
        }
    }

    @Test
    void whileNoConnectionWorksOneRequestGoesAheadAndTheOthersWaitForIt() throws Exception {
        try (FlakyApns apns = new FlakyApns(0, true, false);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService devices = Executors.newVirtualThreadPerTaskExecutor()) {
            PushChannel channel = channel(client, apns.base());
            List<Future<byte[]>> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String udid = "udid-" + i;
                tokens.add(devices.submit(() -> channel.register(udid, "com.apple.mgmt.test", IDENTITY)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> channel.waitingForConnection() == 19);
            assertEquals(1, apns.connections.get(), "only the first request has a connection");
            apns.firstAnswer.countDown();
            for (Future<byte[]> t : tokens) {
                assertEquals(TOKEN, HexFormat.of().formatHex(t.get()));
            }
        }
    }

    @Test
    void atMostSoManyRequestsAreInFlightTheRestWaitForAStream() throws Exception {
        try (FlakyApns apns = new FlakyApns(0, false, true);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService devices = Executors.newVirtualThreadPerTaskExecutor()) {
            PushChannel channel = new PushChannel(client, apns.base(), Duration.ofSeconds(30), 2);
            channel.register("udid-0", "com.apple.mgmt.test", IDENTITY); // connected
            List<Future<byte[]>> tokens = new java.util.ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                String udid = "udid-" + i;
                tokens.add(devices.submit(() -> channel.register(udid, "com.apple.mgmt.test", IDENTITY)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> channel.waitingForStream() == 3
                    && apns.connections.get() == 3);
            apns.laterAnswers.countDown();
            for (Future<byte[]> t : tokens) {
                assertEquals(TOKEN, HexFormat.of().formatHex(t.get()));
            }
            assertEquals(6, apns.connections.get());
        }
    }

    @Test
    void onlyOpeningAStreamIsNotRepeated() {
        assertFalse(PushChannel.repeatable("POST", "/apns/v1/connections"));
        assertTrue(PushChannel.repeatable("POST", "/apns/v1/tokens"));
        assertTrue(PushChannel.repeatable("PUT", "/apns/v1/connections/c1/tokens/" + TOKEN));
        assertTrue(PushChannel.repeatable("DELETE", "/apns/v1/tokens/" + TOKEN));
    }
}
