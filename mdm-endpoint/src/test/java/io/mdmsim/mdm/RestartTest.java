package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server stopped and started again on the same data directory (SQLite) carries on where it was: enrolled devices
 * keep checking in with the identities they have, a command sent before the stop is reported after it, queued
 * commands are delivered once, the setup flow goes on, a SCEP challenge handed out before the stop still works, the
 * DEP key, the SCEP CA it made and the declarations are the same. The end-to-end test with a killed process is
 * {@code MdmRestartE2eTest} (scenarios).
 */
class RestartTest {

    @TempDir
    Path dir;

    private TestServer start() {
        return new TestServer(b -> b.dataDir(dir));
    }

    @Test
    void devicesCommandsAndKeysOutliveARestart() throws Exception {
        String depKey;
        String lock;
        String info;
        TestDevice a;
        TestDevice b;
        TestDevice c;
        List<String> declarationTokens = new ArrayList<>();
        long lastEvent;
        try (TestServer t = start()) {
            depKey = publicKey(t);
            a = t.enrolled("UDID-A", false);
            b = t.enrolled("UDID-B", true); // the setup flow queued DeviceInformation
            c = t.newDevice("UDID-C");
            c.enroll(t.base); // its SCEP challenge is handed out now and used after the restart
            lock = queue(t, a.udid, "{\"requestType\":\"DeviceLock\",\"Message\":\"found\"}");
            info = queue(t, a.udid, "{\"requestType\":\"DeviceInformation\",\"Queries\":[\"DeviceName\"]}");
            Command sent = Command.parse(a.report(t.base, CommandResult.idle(a.udid)).body());
            assertEquals(lock, sent.commandUuid(), "sent before the stop, not yet reported");
            TestServer.expect200(t.send("PUT", "/admin/declarations", """
                    {"Type":"com.apple.configuration.passcode.settings","Identifier":"passcode",
                     "Payload":{"MinimumLength":6}}"""));
            declarationTokens.add(t.get("/admin/declarations").toString());
            lastEvent = lastEventSeq(t, 0);
        }

        try (TestServer t = start()) {
            assertEquals(depKey, publicKey(t), "the DEP key is the same: tokens made for it still decrypt");
            assertEquals(List.of("UDID-A", "UDID-B"), udids(t.get("/admin/devices")));
            assertEquals(declarationTokens.getFirst(), t.get("/admin/declarations").toString());

            // A reports the command it got before the stop; the next one follows; nothing comes twice
            Command next = Command.parse(a.report(t.base, CommandResult.acknowledged(a.udid, lock, Map.of())).body());
            assertEquals(info, next.commandUuid());
            HttpResponse<byte[]> end = a.report(t.base, CommandResult.acknowledged(a.udid, info,
                    Map.of("QueryResponses", Map.of("DeviceName", "Ann's iPhone"))));
            assertEquals(0, end.body().length, "the queue is empty");
            assertTrue(lastEventSeq(t, lastEvent) > lastEvent, "events are numbered on after the restart, so a"
                    + " client that read up to " + lastEvent + " sees the new ones");
            JsonNode history = t.get("/admin/devices/UDID-A/commands");
            assertEquals(List.of("ACKNOWLEDGED", "ACKNOWLEDGED"), states(history));
            assertEquals(1, history.get(0).path("timesSent").asInt());
            assertEquals(1, history.get(1).path("timesSent").asInt());
            String after = queue(t, a.udid, "{\"requestType\":\"RestartDevice\"}");
            assertFalse(List.of(lock, info).contains(after), "identifiers drawn after a restart are new");

            // B goes on with its setup flow: DeviceInformation, then DeviceConfigured
            Command setup = Command.parse(b.report(t.base, CommandResult.idle(b.udid)).body());
            assertEquals("DeviceInformation", setup.requestType());
            Command configured = Command.parse(b.report(t.base, CommandResult.acknowledged(b.udid,
                    setup.commandUuid(), Map.of("QueryResponses", Map.of("DeviceName", "iPhone")))).body());
            assertEquals("DeviceConfigured", configured.requestType());
            b.report(t.base, CommandResult.acknowledged(b.udid, configured.commandUuid(), Map.of()));
            assertEquals("CONFIGURED", device(t, "UDID-B").path("enrollmentState").asText());

            // C gets its certificate with the challenge of before and enrolls
            c.mdmIdentity = c.scep(t.base, c.challenge(), t.clock.now()).identity();
            TestServer.expect200(c.checkin(t.base, io.mdmsim.core.protocol.Authenticate.forDevice(c.topic(), c.udid,
                    c.serial, "iPhone15,2", "18.1", "22B83", null, null)));
            assertTrue(udids(t.get("/admin/devices")).contains("UDID-C"));
        }
    }

    @Test
    void aDepTokenNeedsNoNewUploadAndItsSyncGoesOnFromItsCursor() throws Exception {
        io.mdmsim.core.dep.ServerToken token = FakeDep.token("restart");
        try (FakeDep dep = new FakeDep(token, 3)) {
            String name;
            try (TestServer t = start()) {
                name = t.uploadAndSync(token, dep);
                HttpResponse<byte[]> sync = t.send("POST", "/admin/dep/tokens/" + name + "/sync", null);
                assertEquals(202, sync.statusCode(), () -> new String(sync.body()));
                t.awaitDepToken(name, n -> TestServer.synced(n) && n.path("syncs").asInt() == 2);
            }
            dep.deviceCount.set(5); // ABM assigns two more while the MDM is down
            try (TestServer t = start()) {
                JsonNode stored = t.get("/admin/dep/tokens").get(0);
                assertEquals(name, stored.path("name").asText());
                assertEquals(token.consumerKey(), stored.path("consumerKey").asText());
                assertEquals("SYNCED", stored.path("syncState").asText());
                assertEquals(3, stored.path("assigned").asInt());
                assertEquals(2, stored.path("syncs").asInt());
                assertEquals("admin@example.com", stored.path("appleId").asText());
                HttpResponse<byte[]> again = t.send("POST", "/admin/dep/tokens/" + name + "/sync", null);
                assertEquals(429, again.statusCode(), "the 15-minute rule remembers the manual sync of before");

                // the next delta sync comes one interval after the last one, from the stored cursor
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> t.clock.timers() > 0); // the next round waits on the clock
                t.clock.advance(MdmConfig.DEFAULT_DEP_SYNC_INTERVAL);
                t.awaitDepToken(name, n -> n.path("assigned").asInt() == 5);
                assertEquals("c-3", dep.syncCursors.getLast());
                assertEquals(1, dep.profiles.size(), "the profile defined before the restart is still the token's");
                assertEquals(5, dep.assigned.size());
            }
        }
    }

    @Test
    void anIdentityRenewedBeforeARestartTakesOverAtItsFirstUseAfterIt() {
        TestDevice d;
        io.mdmsim.core.pki.Identity renewed;
        try (TestServer t = start()) {
            d = t.enrolled("UDID-RENEW", false);
            java.security.KeyPair next = io.mdmsim.core.pki.KeyPairs.rsa2048();
            byte[] req = io.mdmsim.core.scep.Scep.request(io.mdmsim.core.scep.MessageType.RENEWAL_REQ,
                    io.mdmsim.core.scep.Scep.csr(next, "CN=renewed", null), d.mdmIdentity, d.caCertificate(t.base),
                    io.mdmsim.core.cms.ContentCipher.AES128_CBC, io.mdmsim.core.cms.DigestAlgorithm.SHA256,
                    io.mdmsim.core.scep.Scep.transactionId(next.getPublic()), io.mdmsim.core.scep.Scep.newNonce());
            HttpResponse<byte[]> r = TestDevice.send(java.net.http.HttpRequest.newBuilder(t.base.resolve(
                    "/scep?operation=PKIOperation")).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(req))
                    .build());
            assertEquals(200, r.statusCode());
            List<java.security.cert.X509Certificate> certs = io.mdmsim.core.scep.Scep.issuedCertificates(
                    io.mdmsim.core.scep.Scep.parse(r.body()), d.mdmIdentity, next.getPublic());
            renewed = new io.mdmsim.core.pki.Identity(certs.getFirst(), next.getPrivate(),
                    certs.subList(1, certs.size()));
        }
        try (TestServer t = start()) {
            d.mdmIdentity = renewed; // first used after the restart
            HttpResponse<byte[]> idle = d.report(t.base, CommandResult.idle(d.udid));
            assertEquals(200, idle.statusCode(), () -> new String(idle.body()));
        }
    }

    @Test
    void aScepCaTheServerMadeItselfIsKept() {
        java.security.cert.X509Certificate first;
        try (io.mdmsim.mdm.MdmServer s = MdmServer.start(MdmConfig.builder().dataDir(dir).apnsUrl(null).build())) {
            first = s.scepCaCertificate();
            assertEquals(dir.resolve("mdm.db").toString(), s.stateLocation());
        }
        try (io.mdmsim.mdm.MdmServer s = MdmServer.start(MdmConfig.builder().dataDir(dir).apnsUrl(null).build())) {
            assertEquals(first, s.scepCaCertificate());
        }
    }

    /** The number of the last event after {@code after} (long-polling a second for one). */
    private static long lastEventSeq(TestServer t, long after) {
        HttpResponse<byte[]> r = TestDevice.send(java.net.http.HttpRequest.newBuilder(t.base.resolve(
                "/admin/events?wait=1&after=" + after)).GET().build());
        assertEquals(200, r.statusCode());
        return Long.parseLong(r.headers().firstValue("X-Mdmsim-Last-Seq").orElseThrow());
    }

    private static String publicKey(TestServer t) {
        return new String(TestDevice.send(java.net.http.HttpRequest.newBuilder(t.base.resolve(
                "/admin/dep/public-key")).GET().build()).body(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String queue(TestServer t, String udid, String json) {
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + udid + "/commands?push=false", json);
        assertEquals(201, r.statusCode(), () -> new String(r.body()));
        return TestServer.json(r).path("commandUuid").asText();
    }

    private static JsonNode device(TestServer t, String udid) {
        return t.get("/admin/devices/" + udid);
    }

    private static List<String> udids(JsonNode devices) {
        List<String> out = new ArrayList<>();
        devices.forEach(d -> out.add(d.path("udid").asText()));
        return out;
    }

    private static List<String> states(JsonNode commands) {
        List<String> out = new ArrayList<>();
        commands.forEach(c -> out.add(c.path("state").asText()));
        return out;
    }
}
