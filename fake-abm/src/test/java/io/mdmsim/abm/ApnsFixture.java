package io.mdmsim.abm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.apns.ApnsService;
import io.mdmsim.abm.apns.DeviceSignature;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A fake ABM whose fake APNs listens with TLS (HTTP/2 + HTTP/1.1) on a manual clock, with what an MDM (the provider)
 * and a device emulator (the device side) use to talk to it.
 */
final class ApnsFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2025-06-02T09:00:00Z");
    static final String TOPIC = "com.apple.mgmt.External.2c3e0b6a-6f7d-4d1e-9a55-0d6f6f1b2a11";

    /** Key generation is the slow part: one PKI (valid at wall time, for TLS) and two provider identities. */
    private static final class Shared {
        static final SimPki PKI = SimPki.create(Instant.now());
        /** An MDM push certificate as Apple issues it: the topic in the subject's UID. */
        static final Identity PUSH_CERT = PKI.root().issueClientIdentity(
                "UID=" + TOPIC + ", CN=APSP:2c3e0b6a-6f7d-4d1e-9a55-0d6f6f1b2a11, C=US",
                T0.minus(Duration.ofDays(1)), Duration.ofDays(3650));
        static final Identity PLAIN_CLIENT_CERT = PKI.root().issueClientIdentity("CN=some provider",
                T0.minus(Duration.ofDays(1)), Duration.ofDays(3650));
        static final Identity NOT_YET_VALID_CERT = PKI.root().issueClientIdentity("UID=" + TOPIC + ", CN=future",
                T0.plus(Duration.ofDays(10)), Duration.ofDays(3650));
        /** The fake Apple device CA, valid on the fixture's clock; every test device shares one key. */
        static final CertificateAuthority DEVICE_CA = CertificateAuthority.selfSignedRoot("mdmsim test device CA",
                T0.minus(Duration.ofDays(1)), Duration.ofDays(3650));
        static final KeyPair DEVICE_KEY = KeyPairs.rsa2048();
    }

    /** Device identities by UDID (CN), for every fixture: issuing one is an RSA signature. */
    private static final Map<String, Identity> DEVICE_IDENTITIES = new ConcurrentHashMap<>();
    /** The key each token came with: what a device keeps. */
    final Map<String, String> tokenKeys = new ConcurrentHashMap<>();

    final ManualClock clock = SimClock.manual(T0);
    final FakeAbmServer server;
    final HttpClient provider;
    final HttpClient device;

    ApnsFixture() {
        this(b -> { });
    }

    ApnsFixture(Consumer<ApnsConfig.Builder> customize) {
        ApnsConfig.Builder apns = ApnsConfig.builder().tls(pki().tlsServer());
        customize.accept(apns);
        server = FakeAbmServer.start(FakeAbmConfig.builder().seed(7).deviceCount(3).devicesPerMinute(0).clock(clock)
                .appleDeviceCa(Shared.DEVICE_CA.certificate()).apns(apns.build()).build());
        io.mdmsim.core.testing.AdminTokens.register(server.baseUri(), server.adminToken());
        io.mdmsim.core.testing.AdminTokens.register(server.apnsUri(), server.adminToken());
        provider = client(null, HttpClient.Version.HTTP_2);
        device = client(null, HttpClient.Version.HTTP_2);
    }

    static SimPki pki() {
        return Shared.PKI;
    }

    static Identity pushCert() {
        return Shared.PUSH_CERT;
    }

    static Identity plainClientCert() {
        return Shared.PLAIN_CLIENT_CERT;
    }

    static Identity notYetValidCert() {
        return Shared.NOT_YET_VALID_CERT;
    }

    /** A client that trusts the simulator root and presents {@code clientCert} if not null. */
    HttpClient client(Identity clientCert, HttpClient.Version version) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", pki().root().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientCert != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                List<X509Certificate> chain = new ArrayList<>();
                chain.add(clientCert.certificate());
                chain.addAll(clientCert.chain());
                keys.setKeyEntry("client", clientCert.privateKey(), "x".toCharArray(),
                        chain.toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "x".toCharArray());
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ssl).version(version).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    URI apns(String path) {
        return URI.create(server.apnsUri() + path);
    }

    // ------------------------------------------------------------------------------------------ provider side

    /** A push request with {@code apns-topic: TOPIC} and the MDM body, to be adjusted. */
    HttpRequest.Builder pushRequest(String token, String pushMagic) {
        return HttpRequest.newBuilder(apns("/3/device/" + token)).header("apns-topic", TOPIC)
                .header("apns-push-type", "mdm")
                .POST(BodyPublishers.ofString("{\"mdm\":\"" + pushMagic + "\"}"));
    }

    HttpResponse<String> push(String token, String pushMagic) {
        return send(provider, pushRequest(token, pushMagic).build());
    }

    HttpResponse<String> pushExpiring(String token, String pushMagic, long expirationSeconds) {
        return send(provider, pushRequest(token, pushMagic).header("apns-expiration", Long.toString(expirationSeconds))
                .build());
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(io.mdmsim.core.testing.AdminTokens.authorize(request), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts an APNs error: status, exactly {@code {"reason":...}}, JSON, and an apns-id. */
    static void assertReason(HttpResponse<String> response, int status, String reason) {
        assertEquals(status, response.statusCode(), response.body() + " " + response.headers().map());
        assertEquals(Map.of("reason", reason), Json.read(response.body().getBytes(StandardCharsets.UTF_8), Map.class),
                response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        response.headers().firstValue("apns-id").orElseThrow();
    }

    // -------------------------------------------------------------------------------------------- device side

    /**
     * A call as the device itself makes it: a token request signed by the certificate of the deviceId it names, a
     * token's key with every call on that token. {@link #rawCall} sends exactly what it is given.
     */
    HttpResponse<String> deviceCall(String method, String path, String json) {
        HttpResponse<String> r = send(device, asDevice(method, path, json).build());
        remember(r);
        return r;
    }

    /** A device-side call with only the headers given (name, value, ...): what anyone on loopback can send. */
    HttpResponse<String> rawCall(String method, String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(apns(path))
                .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(device, b.build());
    }

    private HttpRequest.Builder asDevice(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(apns(path))
                .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (method.equals("POST") && path.equals("/apns/v1/tokens") && json != null) {
            JsonNode id = readOrNull(json).path("deviceId");
            if (id.isTextual() && !id.textValue().isBlank()) {
                b.header(DeviceSignature.HEADER, signature(deviceIdentity(id.textValue()), json));
            }
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        String key = tokenKeys.get(last);
        if (key != null && path.contains("/tokens/")) {
            b.header(ApnsService.KEY_HEADER, key);
        }
        return b;
    }

    /** The identity the fake Apple device CA gave the device with this UDID. */
    Identity deviceIdentity(String udid) {
        return DEVICE_IDENTITIES.computeIfAbsent(udid, id -> new Identity(Shared.DEVICE_CA.issueClient(
                Shared.DEVICE_KEY.getPublic(), "CN=" + id, T0.minus(Duration.ofHours(1)), Duration.ofDays(3650)),
                Shared.DEVICE_KEY.getPrivate(), List.of(Shared.DEVICE_CA.certificate())));
    }

    static String signature(Identity signer, String body) {
        return Base64.getEncoder().encodeToString(Cms.signDetached(body.getBytes(StandardCharsets.UTF_8), signer));
    }

    private void remember(HttpResponse<String> r) {
        if (r.statusCode() == 201 && r.request().uri().getPath().equals("/apns/v1/tokens")) {
            JsonNode n = json(r);
            tokenKeys.put(n.get("token").textValue(), n.get("key").textValue());
        }
    }

    private static JsonNode readOrNull(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException | RuntimeException e) {
            return Json.MAPPER.nullNode();
        }
    }

    String issueToken(String deviceId, String topic) {
        HttpResponse<String> r = deviceCall("POST", "/apns/v1/tokens", topic == null
                ? "{\"deviceId\":\"" + deviceId + "\"}"
                : "{\"deviceId\":\"" + deviceId + "\",\"topic\":\"" + topic + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return json(r).get("token").textValue();
    }

    /** {@code n} tokens for devices "prefix-00000"..., issued over concurrent HTTP/2 streams, in device order. */
    List<String> issueTokens(int n, String prefix) {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        for (int i = 0; i < n; i++) {
            inFlight.acquireUninterruptibly();
            String body = "{\"deviceId\":\"" + String.format("%s-%05d", prefix, i) + "\",\"topic\":\"" + TOPIC + "\"}";
            pending.add(device.sendAsync(asDevice("POST", "/apns/v1/tokens", body).build(), BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        return pending.stream().map(CompletableFuture::join).map(r -> {
            assertEquals(201, r.statusCode(), r.body());
            remember(r);
            return json(r).get("token").textValue();
        }).toList();
    }

    /** Sends a push to each token over concurrent HTTP/2 streams; returns the responses in token order. */
    List<HttpResponse<String>> pushAll(List<String> tokens, java.util.function.Function<String, String> pushMagic) {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        for (String t : tokens) {
            inFlight.acquireUninterruptibly();
            pending.add(provider.sendAsync(pushRequest(t, pushMagic.apply(t)).build(), BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }

    /** Below the server's 1000 concurrent streams: the JDK client fails requests beyond the peer's limit. */
    private static final int IN_FLIGHT = 200;

    String openConnection(String... tokens) {
        List<Map<String, String>> members = new ArrayList<>();
        for (String t : tokens) {
            members.add(Map.of("token", t, "key", tokenKeys.getOrDefault(t, "")));
        }
        HttpResponse<String> r = deviceCall("POST", "/apns/v1/connections",
                Json.MAPPER.createObjectNode().set("tokens", Json.MAPPER.valueToTree(members)).toString());
        assertEquals(201, r.statusCode(), r.body());
        return json(r).get("connection").textValue();
    }

    /** Opens the event stream of a connection and reads it on a virtual thread. */
    Events events(String connection) {
        try {
            HttpResponse<InputStream> r = device.send(HttpRequest.newBuilder(
                    apns("/apns/v1/connections/" + connection + "/events")).build(), BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
            return new Events(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a connection holding the tokens, with its event stream. The server attaches the stream before the client
     * sees the response head, so the tokens are online when this returns.
     */
    Events connect(String... tokens) {
        String id = openConnection(tokens);
        Events events = events(id);
        events.connection = id;
        return events;
    }

    void online(String connection, String token) {
        assertEquals(204, deviceCall("PUT", "/apns/v1/connections/" + connection + "/tokens/" + token, null)
                .statusCode());
    }

    void offline(String connection, String token) {
        assertEquals(204, deviceCall("DELETE", "/apns/v1/connections/" + connection + "/tokens/" + token, null)
                .statusCode());
    }

    JsonNode tokenStatus(String token) {
        HttpResponse<String> r = deviceCall("GET", "/apns/v1/tokens/" + token, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    void awaitOnline(String token, boolean online) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> tokenStatus(token).get("online").booleanValue() == online);
    }

    JsonNode stats() {
        HttpResponse<String> r = deviceCall("GET", "/admin/apns/stats", null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    static JsonNode json(HttpResponse<String> r) {
        return Json.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    /** One server-sent event. */
    record Event(String name, String data) {
        JsonNode json() {
            return Json.read(data.getBytes(StandardCharsets.UTF_8), JsonNode.class);
        }
    }

    /** The client end of an event stream: events and comments as they arrive. */
    static final class Events implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> comments = new LinkedBlockingQueue<>();
        volatile boolean ended;
        String connection;

        Events(HttpResponse<InputStream> response) {
            this.response = response;
            Thread.ofVirtual().name("sse-reader").start(this::read);
        }

        private void read() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String name = null;
                StringBuilder data = null;
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (data != null) {
                            events.add(new Event(name, data.toString()));
                        }
                        name = null;
                        data = null;
                    } else if (line.startsWith(":")) {
                        comments.add(line.substring(1).strip());
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = data == null ? new StringBuilder() : data.append('\n');
                        data.append(line.substring(6));
                    }
                }
            } catch (IOException e) {
                // closed by us or by the server
            } finally {
                ended = true;
            }
        }

        /** The next event (waits for it). */
        Event next() {
            await().atMost(30, TimeUnit.SECONDS).until(() -> !events.isEmpty());
            return events.poll();
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
