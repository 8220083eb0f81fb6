package io.mdmsim.device.net;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.http.ClientExchange;
import io.mdmsim.core.pki.Identity;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The devices' side of the fake APNs (docs/fake-abm.md "Fake APNs"): each device registers for a token before its TokenUpdate;
 * the whole fleet shares ONE event stream (a multiplexed connection) on which the devices that are online get their
 * pushes. The stream runs on its own virtual thread; a dropped stream is reopened with every online token. A token
 * request is signed by the device's factory identity ({@code Apns-Device-Signature}); the key it answers goes with
 * every later use of the token ({@code Apns-Token-Key}, or next to the token in a connection's list).
 *
 * <pre>
 * POST   /apns/v1/tokens {"deviceId","topic"}           -> 201 {"token","key"}
 * DELETE /apns/v1/tokens/{token}                         -> 204
 * POST   /apns/v1/connections {"tokens":[{"token","key"}]} -> 201 {"connection"}
 * GET    /apns/v1/connections/{id}/events                -> text/event-stream "event: push" / "data: {...}"
 * PUT    /apns/v1/connections/{id}/tokens/{token}        -> 204 online
 * DELETE /apns/v1/connections/{id}/tokens/{token}        -> 204 offline
 * </pre>
 *
 * <p>It stays a little over 400 lines because the token requests and the shared stream depend on the same connection
 * state: requests go one at a time until a connection works, and a dropped stream is reopened with
 * every token that is online.
 */
public final class PushChannel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PushChannel.class.getName());
    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;
    private static final HexFormat HEX = HexFormat.of();
    private static final String SIGNATURE_HEADER = "Apns-Device-Signature";
    private static final String KEY_HEADER = "Apns-Token-Key";
    /** Real-time pauses before reopening a dropped stream, doubling up to the maximum (transport, not protocol time). */
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);
    /** Attempts of a repeatable request whose connection failed under it. */
    static final int ATTEMPTS = 3;
    /**
     * Requests in flight at most: the fleet's requests share one HTTP/2 connection, and the JDK's client fails a
     * request beyond the server's limit of concurrent streams (the fake APNs allows 1,000) instead of waiting for one.
     */
    static final int MAX_IN_FLIGHT = 256;

    /** A channel failure that a device turns into its own failure reason. */
    public static final class PushException extends Exception {
        private static final long serialVersionUID = 1L;

        PushException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final HttpClient client;
    private final URI base;
    private final Duration timeout;
    private final Map<String, Wakeup> online = new ConcurrentHashMap<>();
    /** Each registered token's key, as the fake APNs gave it to the device. */
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final ReentrantLock connecting = new ReentrantLock();
    /** Held by the one request in flight while no connection is known to work ({@link #exchange}). */
    private final ReentrantLock firstThrough = new ReentrantLock();
    private volatile boolean connected;
    private final Semaphore inFlight;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong unknownTokens = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile String connection;
    private volatile CountDownLatch streamOpen = new CountDownLatch(1);
    private volatile Thread reader;
    private volatile Stream<String> stream;
    private volatile boolean closed;

    public PushChannel(HttpClient client, URI base, Duration timeout) {
        this(client, base, timeout, MAX_IN_FLIGHT);
    }

    PushChannel(HttpClient client, URI base, Duration timeout, int maxInFlight) {
        this.client = requireNonNull(client, "client");
        this.base = requireNonNull(base, "base");
        this.timeout = requireNonNull(timeout, "timeout");
        this.inFlight = new Semaphore(maxInFlight);
    }

    public URI base() {
        return base;
    }

    /**
     * POST /apns/v1/tokens: the device's push token (32 bytes), stable per device until released; the request is
     * signed with {@code identity}, the device's certificate from the fake Apple device CA (CN = {@code udid}).
     */
    public byte[] register(String udid, String topic, Identity identity) throws PushException, InterruptedException {
        String body = json(Map.of("deviceId", udid, "topic", topic));
        String signature = Base64.getEncoder().encodeToString(Cms.signDetached(body.getBytes(StandardCharsets.UTF_8),
                requireNonNull(identity, "identity")));
        HttpResponse<byte[]> r = send("POST", "/apns/v1/tokens", body, SIGNATURE_HEADER, signature);
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new PushException("POST " + base + "/apns/v1/tokens answered " + r.statusCode() + ": "
                    + text(r.body()) + " (expected: 201 {\"token\": ...})", null);
        }
        try {
            JsonNode answer = JSON.readTree(r.body());
            String hex = answer.path("token").asText("");
            byte[] token = HEX.parseHex(hex);
            if (token.length != 32) {
                throw new IllegalArgumentException("token has " + token.length + " bytes (expected: 32)");
            }
            String key = answer.path("key").asText("");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("no key");
            }
            keys.put(HEX.formatHex(token), key);
            return token;
        } catch (IOException | IllegalArgumentException e) {
            throw new PushException("POST " + base + "/apns/v1/tokens answered " + text(r.body())
                    + " (expected: {\"token\": \"<64 hex digits>\", \"key\": ...}): " + e.getMessage(), e);
        }
    }

    /** DELETE /apns/v1/tokens/{token}: erase or unenroll; later pushes to it get 410 Unregistered. */
    public void release(byte[] token) throws PushException, InterruptedException {
        offline(token);
        String hex = HEX.formatHex(token);
        HttpResponse<byte[]> r = send("DELETE", "/apns/v1/tokens/" + hex, null, KEY_HEADER, key(hex));
        keys.remove(hex);
        if (r.statusCode() != 204 && r.statusCode() != 200 && r.statusCode() != 404) {
            throw new PushException("DELETE " + base + "/apns/v1/tokens/" + HEX.formatHex(token) + " answered "
                    + r.statusCode() + ": " + text(r.body()), null);
        }
    }

    /** The device is reachable: its pushes go to {@code wakeup}. Opens the fleet's stream on first use. */
    public void online(byte[] token, Wakeup wakeup) throws PushException, InterruptedException {
        String hex = HEX.formatHex(token);
        online.put(hex, requireNonNull(wakeup, "wakeup"));
        String id = ensureConnection();
        HttpResponse<byte[]> r = send("PUT", "/apns/v1/connections/" + id + "/tokens/" + hex, null, KEY_HEADER,
                key(hex));
        if (r.statusCode() == 404) {
            // the connection is gone (stream dropped); the reader reopens one with every online token
            reconnectSoon(id);
            return;
        }
        if (r.statusCode() != 204 && r.statusCode() != 200) {
            online.remove(hex);
            throw new PushException("PUT " + base + "/apns/v1/connections/" + id + "/tokens/" + hex + " answered "
                    + r.statusCode() + ": " + text(r.body()), null);
        }
    }

    /** The device went to sleep, reboots or lost the network: APNs keeps (only the last of) its pushes. */
    public void offline(byte[] token) throws InterruptedException {
        String hex = HEX.formatHex(token);
        if (online.remove(hex) == null) {
            return;
        }
        String id = connection;
        if (id == null) {
            return;
        }
        try {
            send("DELETE", "/apns/v1/connections/" + id + "/tokens/" + hex, null);
        } catch (PushException e) {
            LOG.log(Level.DEBUG, "offline {0}: {1}", hex, e.getMessage());
        }
    }

    public boolean isOnline(byte[] token) {
        return online.containsKey(HEX.formatHex(token));
    }

    public long delivered() {
        return delivered.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    private String ensureConnection() throws PushException, InterruptedException {
        String id = connection;
        if (id != null) {
            return id;
        }
        connecting.lockInterruptibly();
        try {
            if (connection == null) {
                open();
            }
            return connection;
        } finally {
            connecting.unlock();
        }
    }

    /** POST a connection with every online token, start reading its events, wait until the stream is open. */
    private void open() throws PushException, InterruptedException {
        List<Map<String, String>> members = new ArrayList<>();
        for (String hex : online.keySet()) {
            members.add(Map.of("token", hex, "key", key(hex)));
        }
        String body = json(Map.of("tokens", members));
        HttpResponse<byte[]> r = send("POST", "/apns/v1/connections", body);
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new PushException("POST " + base + "/apns/v1/connections answered " + r.statusCode() + ": "
                    + text(r.body()) + " (expected: 201 {\"connection\": ...})", null);
        }
        String id;
        try {
            id = JSON.readTree(r.body()).path("connection").asText("");
        } catch (IOException e) {
            throw new PushException("POST " + base + "/apns/v1/connections answered " + text(r.body())
                    + " (expected: {\"connection\": \"<id>\"})", e);
        }
        if (id.isEmpty()) {
            throw new PushException("POST " + base + "/apns/v1/connections answered " + text(r.body())
                    + " (expected: {\"connection\": \"<id>\"})", null);
        }
        CountDownLatch open = new CountDownLatch(1);
        streamOpen = open;
        connection = id;
        reader = Thread.ofVirtual().name("apns-stream-" + id).start(() -> read(id, open));
        if (!open.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new PushException("GET " + base + "/apns/v1/connections/" + id + "/events did not open within "
                    + timeout, null);
        }
    }

    private void read(String id, CountDownLatch open) {
        HttpRequest get = HttpRequest.newBuilder(base.resolve("/apns/v1/connections/" + id + "/events"))
                .header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<Stream<String>> r = client.send(get, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                LOG.log(Level.WARNING, "APNs event stream {0} answered {1}", id, r.statusCode());
                r.body().close();
                return;
            }
            stream = r.body();
            open.countDown();
            try (Stream<String> lines = r.body()) {
                String event = null;
                StringBuilder data = new StringBuilder();
                Iterator<String> it = lines.iterator();
                while (it.hasNext() && !closed) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if ("push".equals(event) && !data.isEmpty()) {
                            deliver(data.toString());
                        }
                        event = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        String part = line.substring(5);
                        data.append(data.isEmpty() ? "" : "\n").append(part.startsWith(" ") ? part.substring(1) : part);
                    } // ":" comments are keepalives
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.log(Level.INFO, "APNs event stream {0} dropped: {1}", id, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            open.countDown();
        }
        if (!closed) {
            reconnectSoon(id);
        }
    }

    /** The stream ended: every token of it is offline at APNs; open a new connection with all of them. */
    private void reconnectSoon(String droppedId) {
        if (closed) {
            return;
        }
        Thread.ofVirtual().name("apns-reconnect").start(() -> {
            try {
                connecting.lockInterruptibly();
                try {
                    if (closed || !droppedId.equals(connection)) {
                        return; // someone reconnected already
                    }
                    connection = null;
                    Duration delay = RECONNECT_DELAY;
                    for (int attempt = 1; !closed; attempt++) {
                        try {
                            reconnects.incrementAndGet();
                            open();
                            return;
                        } catch (PushException e) {
                            LOG.log(attempt == 1 ? Level.WARNING : Level.DEBUG, "APNs reconnect attempt {0} failed"
                                    + " (next in {1}): {2}", attempt, delay, e.getMessage());
                            Thread.sleep(delay);
                            delay = delay.multipliedBy(2).compareTo(MAX_RECONNECT_DELAY) > 0 ? MAX_RECONNECT_DELAY
                                    : delay.multipliedBy(2);
                        }
                    }
                } finally {
                    connecting.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void deliver(String data) {
        try {
            JsonNode n = JSON.readTree(data);
            String token = n.path("token").asText("");
            Wakeup w = online.get(token);
            if (w == null) {
                unknownTokens.incrementAndGet();
                LOG.log(Level.DEBUG, "push for token {0} that is not online here", token);
                return;
            }
            delivered.incrementAndGet();
            w.push(new Wakeup.Push(n.path("apnsId").asText(null), n.path("topic").asText(null),
                    n.path("payload").path("mdm").asText(null)));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "APNs event is not JSON: {0}", data);
        }
    }

    /** The key of a token this channel registered (empty for another: the fake APNs refuses it with 403). */
    private String key(String hex) {
        return keys.getOrDefault(hex, "");
    }

    /**
     * One request, sent again (at most {@link #ATTEMPTS} times in all) when the connection under it fails: the fleet
     * shares one connection, so a connection that breaks while it is set up (a TLS handshake the loaded server gave
     * up on) would fail every device waiting on it, where a real device's push daemon connects again. Only requests
     * that are the same when repeated (a device's token, presence, release) are repeated; a time limit reached is not.
     */
    private HttpResponse<byte[]> send(String method, String path, String json, String... headers)
            throws PushException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        }
        HttpRequest request = b.build();
        int attempts = repeatable(method, path) ? ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return exchange(request);
            } catch (HttpTimeoutException e) {
                throw new PushException(method + " " + request.uri() + " failed: " + e, e);
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw new PushException(method + " " + request.uri() + " failed" + (attempts > 1 ? " "
                            + attempts + " times" : "") + ": " + e, e);
                }
                LOG.log(Level.DEBUG, "{0} {1} failed ({2}); sending it again", method, request.uri(), e);
            }
        }
    }

    /**
     * While no request has gone through the client's connection (at the start, or after one broke), requests go one at
     * a time until one succeeds, then all together: the client opens a new connection for each request that finds
     * none, so a fleet reaching TokenUpdate at once made hundreds of TLS handshakes that the loaded fake APNs did not
     * finish in time, where one connection carries them all once it is up.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException, InterruptedException {
        if (!connected) {
            firstThrough.lockInterruptibly();
            try {
                if (!connected) {
                    return exchangeMarking(request);
                }
            } finally {
                firstThrough.unlock();
            }
        }
        return exchangeMarking(request);
    }

    private HttpResponse<byte[]> exchangeMarking(HttpRequest request) throws IOException, InterruptedException {
        inFlight.acquire();
        try {
            HttpResponse<byte[]> r = ClientExchange.send(client, request, HttpResponse.BodyHandlers.ofByteArray(),
                    timeout);
            connected = true;
            return r;
        } catch (HttpTimeoutException e) {
            throw e; // the connection may be fine; the server was slow
        } catch (IOException e) {
            connected = false;
            throw e;
        } finally {
            inFlight.release();
        }
    }

    /** Requests waiting for the one that (re)connects (for tests). */
    int waitingForConnection() {
        return firstThrough.getQueueLength();
    }

    /** Requests waiting for one in flight to end (for tests). */
    int waitingForStream() {
        return inFlight.getQueueLength();
    }

    /** Everything but opening a stream ({@code POST /apns/v1/connections}, which makes a new one each time). */
    static boolean repeatable(String method, String path) {
        return !("POST".equals(method) && path.equals("/apns/v1/connections"));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8).strip();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Closes the stream: APNs takes every token of it offline. */
    @Override
    public void close() {
        closed = true;
        connection = null;
        Stream<String> s = stream;
        if (s != null) {
            s.close();
        }
        Thread r = reader;
        if (r != null) {
            r.interrupt();
        }
    }
}
