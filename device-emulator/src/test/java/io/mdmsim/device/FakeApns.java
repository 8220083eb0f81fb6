package io.mdmsim.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-test double of the fake APNs device channel of docs/fake-abm.md "Fake APNs" (the real one lives in fake-abm, which
 * device-emulator may not depend on): tokens per device, multiplexed connections with an SSE event stream, online and
 * offline tokens, the last push kept while a token is offline. Built on the JDK's own HTTP server so it streams.
 * A test pushes with {@link #push}, as an MDM would through the provider API.
 */
final class FakeApns implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> tokenByDevice = new ConcurrentHashMap<>();
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, String> onlineOn = new ConcurrentHashMap<>(); // token -> connection
    private final Map<String, String> stored = new ConcurrentHashMap<>();    // token -> last undelivered magic
    /** "register <udid>", "online <token>", "offline <token>", "release <token>", "connect <n tokens>", in order. */
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger streamsOpened = new AtomicInteger();

    private final class Connection {
        final String id;
        volatile OutputStream out;
        final CountDownLatch closed = new CountDownLatch(1);

        Connection(String id) {
            this.id = id;
        }

        synchronized boolean send(String token, String magic) {
            if (out == null) {
                return false;
            }
            String data = "{\"token\":\"" + token + "\",\"apnsId\":\"" + UUID.randomUUID() + "\",\"topic\":\"t\","
                    + "\"payload\":{\"mdm\":\"" + magic + "\"}}";
            try {
                out.write(("event: push\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                drop();
                return false;
            }
        }

        synchronized void drop() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
            out = null;
            connections.remove(id);
            onlineOn.entrySet().removeIf(e -> e.getValue().equals(id)); // a dropped stream = all its tokens offline
            closed.countDown();
        }
    }

    FakeApns() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/apns/v1/", this::handle);
        server.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The token handed to a device, by UDID. */
    String tokenOf(String udid) {
        return tokenByDevice.get(udid);
    }

    boolean isOnline(String token) {
        return onlineOn.containsKey(token);
    }

    boolean isReleased(String token) {
        return released.contains(token);
    }

    /** A push as the provider API delivers it: now if the token is online, else kept (the last one only). */
    boolean push(String token, String magic) {
        String conn = onlineOn.get(token);
        Connection c = conn == null ? null : connections.get(conn);
        if (c != null && c.send(token, magic)) {
            delivered.incrementAndGet();
            return true;
        }
        stored.put(token, magic);
        return false;
    }

    /** Closes every event stream, as a network drop would. */
    void dropStreams() {
        for (Connection c : List.copyOf(connections.values())) {
            c.drop();
        }
    }

    /** Releasing a token and putting it online need its key. */
    private static boolean needsKey(String[] p, String method) {
        return p[0].equals("tokens") && p.length == 2 && method.equals("DELETE")
                || p[0].equals("connections") && p.length == 4 && method.equals("PUT");
    }

    /** The key the double gives with a token (the real fake APNs draws it from SecureRandom). */
    private static String key(String token) {
        return "key-" + token;
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String method = x.getRequestMethod();
        String[] p = path.substring("/apns/v1/".length()).split("/");
        try {
            if (p[0].equals("tokens") && p.length == 1 && method.equals("POST")) {
                if (x.getRequestHeaders().getFirst("Apns-Device-Signature") == null) {
                    json(x, 401, "{\"reason\":\"Apns-Device-Signature missing\"}");
                    return;
                }
                JsonNode body = JSON.readTree(x.getRequestBody());
                String udid = body.path("deviceId").asText();
                String token = tokenByDevice.computeIfAbsent(udid, u -> {
                    byte[] b = new byte[32];
                    ThreadLocalRandom.current().nextBytes(b);
                    return HexFormat.of().formatHex(b);
                });
                log.add("register " + udid);
                json(x, 201, "{\"token\":\"" + token + "\",\"key\":\"" + key(token) + "\"}");
            } else if (needsKey(p, method) && !key(p[p.length - 1]).equals(x.getRequestHeaders().getFirst("Apns-Token-Key"))) {
                json(x, 403, "{\"reason\":\"wrong key\"}");
            } else if (p[0].equals("tokens") && p.length == 2 && method.equals("DELETE")) {
                released.add(p[1]);
                tokenByDevice.values().remove(p[1]);
                onlineOn.remove(p[1]);
                log.add("release " + p[1]);
                empty(x, 204);
            } else if (p[0].equals("connections") && p.length == 1 && method.equals("POST")) {
                JsonNode body = JSON.readTree(x.getRequestBody());
                String id = UUID.randomUUID().toString();
                connections.put(id, new Connection(id));
                List<String> tokens = new ArrayList<>();
                for (JsonNode t : body.path("tokens")) {
                    if (!key(t.path("token").asText()).equals(t.path("key").asText())) {
                        json(x, 403, "{\"reason\":\"wrong key\"}");
                        return;
                    }
                    tokens.add(t.path("token").asText());
                }
                log.add("connect " + tokens.size());
                tokens.forEach(t -> onlineOn.put(t, id));
                json(x, 201, "{\"connection\":\"" + id + "\"}");
            } else if (p[0].equals("connections") && p.length == 3 && p[2].equals("events") && method.equals("GET")) {
                Connection c = connections.get(p[1]);
                if (c == null) {
                    json(x, 404, "{\"reason\":\"no such connection\"}");
                    return;
                }
                x.getResponseHeaders().set("Content-Type", "text/event-stream");
                x.sendResponseHeaders(200, 0);
                OutputStream out = x.getResponseBody();
                out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                c.out = out;
                streamsOpened.incrementAndGet();
                for (Map.Entry<String, String> e : Map.copyOf(onlineOn).entrySet()) {
                    if (e.getValue().equals(c.id)) {
                        deliverStored(e.getKey());
                    }
                }
                c.closed.await(); // hold the stream until it is dropped
            } else if (p[0].equals("connections") && p.length == 4 && p[2].equals("tokens")) {
                if (!connections.containsKey(p[1])) {
                    json(x, 404, "{\"reason\":\"no such connection\"}");
                    return;
                }
                if (method.equals("PUT")) {
                    onlineOn.put(p[3], p[1]);
                    log.add("online " + p[3]);
                    empty(x, 204);
                    deliverStored(p[3]);
                } else {
                    onlineOn.remove(p[3]);
                    log.add("offline " + p[3]);
                    empty(x, 204);
                }
            } else {
                json(x, 404, "{\"reason\":\"BadPath\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliverStored(String token) {
        String magic = stored.remove(token);
        if (magic != null) {
            push(token, magic);
        }
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static void empty(HttpExchange x, int status) throws IOException {
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    /** Tokens online now. */
    Set<String> online() {
        return new HashSet<>(onlineOn.keySet());
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
    }
}
