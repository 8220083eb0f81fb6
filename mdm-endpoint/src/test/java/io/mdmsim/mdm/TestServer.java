package io.mdmsim.mdm;

import static org.awaitility.Awaitility.await;

import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** Starts a server on 127.0.0.1:0 with a manual clock and the test PKI; enrolls test devices through it. */
final class TestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = SimClock.manual(TestPki.T0);
    final MdmServer server;
    final URI base;

    TestServer() {
        this(b -> b);
    }

    TestServer(UnaryOperator<MdmConfig.Builder> customize) {
        MdmConfig.Builder b = MdmConfig.builder().clock(clock).seed(7)
                .scepCa(TestPki.PKI.scepCa().identity())
                .trustedDeviceCa(TestPki.PKI.appleDeviceCa().certificate())
                .apnsUrl(null);
        server = MdmServer.start(customize.apply(b).build());
        base = server.baseUri();
        io.mdmsim.core.testing.AdminTokens.register(base, server.adminToken());
        io.mdmsim.core.testing.AdminTokens.register(server.httpsUri(), server.adminToken());
    }

    TestDevice newDevice(String udid) {
        return new TestDevice(udid, "SER" + udid.hashCode(), TestPki.PKI.appleDeviceCa(), clock.now());
    }

    /** MachineInfo, SCEP, Authenticate and TokenUpdate: the device is ENROLLED. */
    TestDevice enrolled(String udid, boolean awaitingConfiguration) {
        return enrolled(newDevice(udid), "iPhone15,2", "18.1", "22B83", null, "magic-" + udid, awaitingConfiguration);
    }

    /**
     * An ABM device (its serial from {@link FakeDep#serial(int)}) through MachineInfo, SCEP, Authenticate (an
     * iPhone15,2 on this OS and build) and TokenUpdate: the device is ENROLLED.
     */
    TestDevice enrolledDep(String udid, String serial, String os, String build, boolean awaitingConfiguration) {
        return enrolledDep(udid, serial, "iPhone15,2", os, build, null, awaitingConfiguration);
    }

    /** {@link #enrolledDep(String, String, String, String, boolean)} for this model (product type) and IMEI. */
    TestDevice enrolledDep(String udid, String serial, String product, String os, String build, String imei,
            boolean awaitingConfiguration) {
        TestDevice d = new TestDevice(udid, serial, TestPki.PKI.appleDeviceCa(), clock.now());
        return enrolled(d, product, os, build, imei, "m", awaitingConfiguration);
    }

    private TestDevice enrolled(TestDevice d, String product, String os, String build, String imei, String pushMagic,
            boolean awaitingConfiguration) {
        d.enroll(base);
        d.mdmIdentity = d.scep(base, d.challenge(), clock.now()).identity();
        expect200(d.checkin(base, Authenticate.forDevice(d.topic(), d.udid, d.serial, product, os, build,
                imei, null)));
        expect200(d.checkin(base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], pushMagic, null,
                awaitingConfiguration)));
        return d;
    }

    /** Uploads the DEP server token (encrypted to the MDM's public key) for this DEP API; expects 202, returns its name. */
    String uploadDepToken(ServerToken token, URI depUrl) {
        HttpResponse<byte[]> key = TestDevice.send(HttpRequest.newBuilder(base.resolve("/admin/dep/public-key"))
                .GET().build());
        byte[] p7m = token.toP7m(Pem.certificate(new String(key.body(), StandardCharsets.US_ASCII)));
        String q = "appleId=" + URLEncoder.encode("admin@example.com", StandardCharsets.UTF_8) + "&depUrl="
                + URLEncoder.encode(depUrl.toString(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve("/admin/dep/tokens?" + q))
                .header("Content-Type", "application/pkcs7-mime").POST(BodyPublishers.ofByteArray(p7m)).build());
        if (r.statusCode() != 202) {
            throw new AssertionError("DEP token upload: expected 202, got " + r.statusCode() + ": "
                    + new String(r.body()));
        }
        return json(r).path("name").asText();
    }

    /** Waits (30 s at most) until the admin view of DEP token {@code name} satisfies {@code state}. */
    void awaitDepToken(String name, Predicate<JsonNode> state) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode n : get("/admin/dep/tokens")) {
                if (n.path("name").asText().equals(name)) {
                    return state.test(n);
                }
            }
            return false;
        });
    }

    /** Uploads the token for the fake DEP API and waits until it is SYNCED; returns its name. */
    String uploadAndSync(ServerToken token, FakeDep dep) {
        String name = uploadDepToken(token, dep.baseUri());
        awaitDepToken(name, TestServer::synced);
        return name;
    }

    static boolean synced(JsonNode depToken) {
        return depToken.path("syncState").asText().equals("SYNCED");
    }

    /** GET an admin path, expect 200, parse the JSON. */
    JsonNode get(String path) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": expected 200, got " + r.statusCode() + ": " + new String(r.body()));
        }
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("GET " + path + ": not JSON: " + new String(r.body()), e);
        }
    }

    /** GET an admin path, expect 200, the body as text. */
    String getText(String path) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": expected 200, got " + r.statusCode() + ": " + new String(r.body()));
        }
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** POST (or another method) JSON to an admin path. */
    HttpResponse<byte[]> send(String method, String path, String json) {
        return TestDevice.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json)).build());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(r.body()), e);
        }
    }

    static void expect200(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + r.statusCode() + ": " + new String(r.body()));
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
