package io.mdmsim.abm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.AdminTokens;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A fake ABM on a loopback port with a manual clock, plus what an MDM server and a device would use to talk to it:
 * a token key pair, an OAuth-signing DEP client and Apple-issued device identities.
 */
final class AbmFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2025-06-02T09:00:00Z");
    static final String USER_AGENT = "mdmsim-test/1.0";

    /** Key generation is the slow part: one PKI and one MDM identity for all tests. */
    private static final class Shared {
        static final SimPki PKI = SimPki.create(T0.minus(Duration.ofDays(1)));
        static final Identity MDM_TOKEN_IDENTITY = CertificateAuthority
                .selfSignedRoot("MDM DEP token", T0.minus(Duration.ofDays(1)), Duration.ofDays(3650)).identity();
    }

    final ManualClock clock = SimClock.manual(T0);
    final FakeAbmServer server;
    final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong nonces = new AtomicLong();

    AbmFixture(Consumer<FakeAbmConfig.Builder> customize) {
        FakeAbmConfig.Builder b = FakeAbmConfig.builder().seed(7).deviceCount(25).devicesPerMinute(0).clock(clock)
                .appleDeviceCa(pki().appleDeviceCa().certificate());
        customize.accept(b);
        server = FakeAbmServer.start(b.build());
        AdminTokens.register(server.baseUri(), server.adminToken());
        AdminTokens.register(server.apnsUri(), server.adminToken());
    }

    static SimPki pki() {
        return Shared.PKI;
    }

    static Identity mdmIdentity() {
        return Shared.MDM_TOKEN_IDENTITY;
    }

    URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    // ------------------------------------------------------------------------------------------ raw HTTP

    /** Sends {@code request}, with the admin token when it goes to /admin. */
    HttpResponse<byte[]> send(HttpRequest request) {
        return sendRaw(AdminTokens.authorize(request));
    }

    /** Sends {@code request} exactly as built. */
    HttpResponse<byte[]> sendRaw(HttpRequest request) {
        try {
            return http.send(request, BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(request + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + text(r), e);
        }
    }

    // ------------------------------------------------------------------------------------------ admin

    HttpResponse<byte[]> adminGet(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<byte[]> adminPost(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : Json.write(body)))
                .build());
    }

    HttpResponse<byte[]> adminPut(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : Json.write(body)))
                .build());
    }

    HttpResponse<byte[]> adminDelete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    HttpResponse<byte[]> adminPostBytes(String path, byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(BodyPublishers.ofByteArray(body)).build());
    }

    /** The serial numbers of the inventory, in order. */
    java.util.List<String> serials() {
        java.util.List<String> out = new java.util.ArrayList<>();
        json(adminGet("/admin/devices")).forEach(d -> out.add(d.get("serialNumber").asText()));
        return out;
    }

    JsonNode adminOk(HttpResponse<byte[]> r) {
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError("admin call failed: " + r.statusCode() + " " + text(r));
        }
        return json(r);
    }

    void createMdmServer(String name) {
        HttpResponse<byte[]> r = adminPost("/admin/mdm-servers",
                Map.of("name", name, "certificatePem", Pem.encode(mdmIdentity().certificate())));
        assertEquals(201, r.statusCode(), text(r));
    }

    /** A POST without a body (e.g. a new server token, which only a POST issues). */
    HttpResponse<byte[]> adminPostEmpty(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(BodyPublishers.noBody()).build());
    }

    /** A new server token for MDM server {@code name} (POST), decrypted. */
    ServerToken downloadToken(String name) {
        HttpResponse<byte[]> r = adminPostEmpty("/admin/mdm-servers/" + name + "/token");
        assertEquals(200, r.statusCode(), text(r));
        return ServerToken.fromP7m(r.body(), mdmIdentity().certificate(), mdmIdentity().privateKey());
    }

    int assignAll(String name) {
        HttpResponse<byte[]> r = adminPost("/admin/assignments", Map.of("mdmServer", name, "all", true));
        assertEquals(200, r.statusCode(), text(r));
        return json(r).get("assigned").asInt();
    }

    /** An MDM server with a token whose devices are all assigned to it; returns a DEP session for it. */
    Dep mdmWithAllDevices(String name) {
        createMdmServer(name);
        ServerToken token = downloadToken(name);
        assignAll(name);
        return new Dep(token, session(token));
    }

    // ------------------------------------------------------------------------------------------ DEP

    String nextNonce() {
        return "nonce-" + nonces.incrementAndGet();
    }

    String authorization(ServerToken token, String nonce, Instant at) {
        return OAuth1.authorizationHeader("GET", uri("/session"), token, nonce, at.getEpochSecond());
    }

    HttpResponse<byte[]> sessionRequest(String authorization) {
        return send(HttpRequest.newBuilder(uri("/session")).header("User-Agent", USER_AGENT)
                .header("Authorization", authorization).GET().build());
    }

    String session(ServerToken token) {
        HttpResponse<byte[]> r = sessionRequest(authorization(token, nextNonce(), clock.now()));
        assertEquals(200, r.statusCode(), text(r));
        return json(r).get("auth_session_token").asText();
    }

    /** A DEP client for one MDM server: its token, current session and the protocol version it sends. */
    final class Dep {
        final ServerToken token;
        final String session;
        final int version;

        Dep(ServerToken token, String session) {
            this(token, session, 10);
        }

        Dep(ServerToken token, String session, int version) {
            this.token = token;
            this.session = session;
            this.version = version;
        }

        /** The same client sending another X-Server-Protocol-Version. */
        Dep v(int protocolVersion) {
            return new Dep(token, session, protocolVersion);
        }

        /** The same client with another session token. */
        Dep withSession(String s) {
            return new Dep(token, s, version);
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(uri(path)).header("User-Agent", USER_AGENT)
                    .header("X-Server-Protocol-Version", Integer.toString(version)).header("X-ADM-Auth-Session", session);
        }

        HttpResponse<byte[]> delete(String path, String json) {
            return send(request(path).header("Content-Type", "application/json;charset=UTF8")
                    .method("DELETE", BodyPublishers.ofString(json)).build());
        }

        HttpResponse<byte[]> get(String path) {
            return send(request(path).GET().build());
        }

        HttpResponse<byte[]> post(String path, String json) {
            return send(request(path).header("Content-Type", "application/json;charset=UTF8")
                    .POST(BodyPublishers.ofString(json)).build());
        }

        HttpResponse<byte[]> put(String path, String json) {
            return send(request(path).header("Content-Type", "application/json;charset=UTF8")
                    .PUT(BodyPublishers.ofString(json)).build());
        }

        JsonNode ok(HttpResponse<byte[]> r) {
            assertEquals(200, r.statusCode(), text(r));
            return json(r);
        }
    }

    // ------------------------------------------------------------------------------------------ devices

    /** A device identity as the fake Apple factory issues it: CN = its UDID, serialNumber = its serial. */
    static Identity deviceIdentity(String udid, String serial) {
        return pki().appleDeviceCa().issueClientIdentity("CN=" + udid + ",SERIALNUMBER=" + serial,
                T0.minus(Duration.ofDays(1)), Duration.ofDays(3650));
    }

    static byte[] cloudConfigRequest(Identity device, String serial, String udid) {
        NSDictionary d = new NSDictionary();
        d.put("SerialNumber", serial);
        d.put("UDID", udid);
        d.put("ProductType", "iPhone14,2");
        d.put("OSVersion", "17.5.1");
        d.put("BuildVersion", "21F90");
        return Cms.signAttached(Plist.toXml(d), device);
    }

    HttpResponse<byte[]> postCloudConfig(byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(uri("/cloudconfig")).header("Content-Type", contentType)
                .POST(BodyPublishers.ofByteArray(body)).build());
    }

    @Override
    public void close() {
        server.close();
    }
}
