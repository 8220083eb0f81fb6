package io.mdmsim.mdm;

import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
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
    }

    TestDevice newDevice(String udid) {
        return new TestDevice(udid, "SER" + udid.hashCode(), TestPki.PKI.appleDeviceCa(), clock.now());
    }

    /** MachineInfo, SCEP, Authenticate and TokenUpdate: the device is ENROLLED. */
    TestDevice enrolled(String udid, boolean awaitingConfiguration) {
        TestDevice d = newDevice(udid);
        d.enroll(base);
        d.mdmIdentity = d.scep(base, d.challenge(), clock.now()).identity();
        expect200(d.checkin(base, Authenticate.forDevice(d.topic(), udid, d.serial, "iPhone15,2", "18.1", "22B83",
                null, null)));
        expect200(d.checkin(base, TokenUpdate.forDevice(d.topic(), udid, new byte[32], "magic-" + udid, null,
                awaitingConfiguration)));
        return d;
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
