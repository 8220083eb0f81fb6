package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.PkiStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every bad input gets a clear 4xx, and the server keeps serving. */
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHECKIN = "application/x-apple-aspen-mdm-checkin";

    private final TestServer t = new TestServer(b -> b.maxBodyBytes(64 * 1024));
    private final URI base = t.base;

    @AfterEach
    void stop() {
        t.close();
    }

    // ---- check-in and reports ---------------------------------------------------------------------------------

    @Test
    void malformedCheckinIs400AndTheNextRequestStillWorks() {
        TestDevice d = t.enrolled("UDID-MALFORMED", false);
        HttpResponse<byte[]> bad = TestDevice.put(base, "/mdm/checkin", CHECKIN,
                "<plist><dict><key>MessageType".getBytes(StandardCharsets.UTF_8), d.mdmIdentity);
        assertEquals(400, bad.statusCode());
        assertTrue(text(bad).toLowerCase().contains("plist"), text(bad));

        HttpResponse<byte[]> unknownType = TestDevice.put(base, "/mdm/checkin", CHECKIN,
                plist("<key>MessageType</key><string>Frobnicate</string><key>UDID</key><string>UDID-MALFORMED</string>"),
                d.mdmIdentity);
        assertEquals(400, unknownType.statusCode());
        assertTrue(text(unknownType).contains("Frobnicate"), text(unknownType));

        HttpResponse<byte[]> noStatus = TestDevice.put(base, "/mdm/connect", "application/x-apple-aspen-mdm",
                plist("<key>UDID</key><string>UDID-MALFORMED</string>"), d.mdmIdentity);
        assertEquals(400, noStatus.statusCode());
        assertTrue(text(noStatus).contains("Status"), text(noStatus));

        HttpResponse<byte[]> ok = d.report(base, CommandResult.idle(d.udid));
        assertEquals(200, ok.statusCode(), text(ok));
    }

    @Test
    void missingOrBadMdmSignatureIs403UnrecognizedDevice() throws Exception {
        TestDevice d = t.enrolled("UDID-SIG", false);
        byte[] idle = CommandResult.idle(d.udid).toXml();

        assertUnrecognized(TestDevice.put(base, "/mdm/connect", "application/x-apple-aspen-mdm", idle, null),
                "no Mdm-Signature");

        byte[] other = CommandResult.idle("SOMEONE-ELSE").toXml();
        String sigOverOther = Base64.getEncoder().encodeToString(io.mdmsim.core.cms.Cms.signDetached(other, d.mdmIdentity));
        assertUnrecognized(TestDevice.send(HttpRequest.newBuilder(base.resolve("/mdm/connect"))
                .header("Mdm-Signature", sigOverOther).PUT(BodyPublishers.ofByteArray(idle)).build()), "Mdm-Signature");

        assertUnrecognized(TestDevice.send(HttpRequest.newBuilder(base.resolve("/mdm/connect"))
                .header("Mdm-Signature", "%%% not base64 %%%").PUT(BodyPublishers.ofByteArray(idle)).build()), "base64");

        // Signed by a certificate that does not chain to the SCEP CA (the device's factory identity).
        assertUnrecognized(TestDevice.put(base, "/mdm/connect", "application/x-apple-aspen-mdm", idle, d.factory),
                "not a device identity of this server");

        assertEquals(200, d.report(base, CommandResult.idle(d.udid)).statusCode());
    }

    /** Each bad input gets a clear 4xx and a well-behaved device is served right after it. */
    @Test
    void everyBadInputIsAClear4xxAndOtherDevicesAreStillServed() throws Exception {
        TestDevice good = t.enrolled("UDID-GOOD", false);
        TestDevice bad = t.enrolled("UDID-BAD", false);
        byte[] idle = CommandResult.idle(bad.udid).toXml();
        byte[] authenticate = io.mdmsim.core.protocol.CheckinCodec.encode(Authenticate.forDevice(bad.topic(), bad.udid,
                "S", "iPhone15,2", "18.1", "22B83", null, null));

        // A device identity issued by another SCEP CA (another server's device).
        io.mdmsim.core.pki.Identity foreign = TestPki.OTHER.scepCa().issueClientIdentity("CN=" + bad.udid,
                t.clock.now().minus(Duration.ofHours(1)), Duration.ofDays(30));

        Map<String, HttpResponse<byte[]>> answers = new java.util.LinkedHashMap<>();
        answers.put("malformed plist", TestDevice.put(base, "/mdm/checkin", CHECKIN,
                "<plist><dict><key>MessageType</key><string>Authenticate".getBytes(StandardCharsets.UTF_8),
                bad.mdmIdentity));
        answers.put("wrong content type (check-in)", TestDevice.put(base, "/mdm/checkin", "application/json",
                authenticate, bad.mdmIdentity));
        answers.put("wrong content type (report)", TestDevice.put(base, "/mdm/connect", "text/plain", idle,
                bad.mdmIdentity));
        answers.put("missing Mdm-Signature", TestDevice.put(base, "/mdm/connect", "application/x-apple-aspen-mdm",
                idle, null));
        answers.put("invalid Mdm-Signature", TestDevice.send(HttpRequest.newBuilder(base.resolve("/mdm/connect"))
                .header("Mdm-Signature", Base64.getEncoder().encodeToString("not cms".getBytes(StandardCharsets.UTF_8)))
                .PUT(BodyPublishers.ofByteArray(idle)).build()));
        answers.put("signature from another CA", TestDevice.put(base, "/mdm/checkin", CHECKIN, authenticate, foreign));
        answers.put("oversized body", TestDevice.put(base, "/mdm/checkin", CHECKIN, new byte[100 * 1024],
                bad.mdmIdentity));

        Map<String, Integer> expected = Map.of("malformed plist", 400, "wrong content type (check-in)", 415,
                "wrong content type (report)", 415, "missing Mdm-Signature", 403, "invalid Mdm-Signature", 403,
                "signature from another CA", 403, "oversized body", 413);
        for (Map.Entry<String, HttpResponse<byte[]>> e : answers.entrySet()) {
            HttpResponse<byte[]> r = e.getValue();
            assertEquals(expected.get(e.getKey()), r.statusCode(), e.getKey() + ": " + text(r));
            assertTrue(!text(r).isBlank() && !text(r).contains("Exception") && !text(r).contains("internal error"),
                    e.getKey() + ": " + text(r));
            // After each bad request the other device is still served.
            assertEquals(200, good.report(base, CommandResult.idle(good.udid)).statusCode(), e.getKey());
        }
        assertTrue(text(answers.get("signature from another CA")).contains("not a device identity of this server"));
        assertTrue(text(answers.get("wrong content type (check-in)")).contains("application/x-apple-aspen-mdm-checkin"));
        // And the device that sent them still works when it behaves.
        assertEquals(200, bad.report(base, CommandResult.idle(bad.udid)).statusCode());
    }

    @Test
    void identityOfOneDeviceCannotSpeakForAnother() throws Exception {
        TestDevice a = t.enrolled("UDID-A", false);
        TestDevice b = t.enrolled("UDID-B", false);
        TestDevice impostor = t.newDevice("UDID-B");
        impostor.mdmIdentity = a.mdmIdentity;
        assertUnrecognized(impostor.report(base, CommandResult.idle("UDID-B")), "belongs to enrollment UDID-A");
        assertUnrecognized(impostor.checkin(base, Authenticate.forDevice(a.topic(), "UDID-B", "S", "iPhone15,2",
                "18.1", "22B83", null, null)), "belongs to enrollment UDID-A");
        assertEquals(200, b.report(base, CommandResult.idle("UDID-B")).statusCode());
    }

    @Test
    void unknownAndCheckedOutDevicesAreRefused() throws Exception {
        // Identity issued (SCEP done) but never authenticated: TokenUpdate and reports are refused.
        TestDevice d = t.newDevice("UDID-NEVER-AUTH");
        d.enroll(base);
        d.mdmIdentity = d.scep(base, d.challenge(), t.clock.now()).identity();
        assertUnrecognized(d.report(base, CommandResult.idle(d.udid)), "unknown");

        TestDevice gone = t.enrolled("UDID-GONE", false);
        assertEquals(200, gone.checkin(base, CheckOut.forDevice(gone.topic(), gone.udid)).statusCode());
        assertUnrecognized(gone.report(base, CommandResult.idle(gone.udid)), "checked out");
        JsonNode devices = JSON.readTree(TestDevice.send(HttpRequest.newBuilder(base.resolve("/admin/devices")).GET()
                .build()).body());
        boolean found = false;
        for (JsonNode n : devices) {
            if (n.path("udid").asText().equals("UDID-GONE")) {
                assertEquals("CHECKED_OUT", n.path("enrollmentState").asText());
                found = true;
            }
        }
        assertTrue(found);
    }

    @Test
    void reportForUnknownCommandIsIgnored() {
        TestDevice d = t.enrolled("UDID-UNKNOWN-CMD", false);
        HttpResponse<byte[]> r = d.report(base, CommandResult.acknowledged(d.udid, "NO-SUCH-COMMAND", Map.of()));
        assertEquals(200, r.statusCode());
        assertEquals(0, r.body().length);
    }

    // ---- SCEP -------------------------------------------------------------------------------------------------

    @Test
    void reusedChallengeIsCertRepFailureBadRequest() {
        TestDevice d = t.newDevice("UDID-REUSE");
        d.enroll(base);
        String challenge = d.challenge();
        assertEquals(PkiStatus.SUCCESS, d.scep(base, challenge, t.clock.now()).certRep().pkiStatus());
        var again = d.scep(base, challenge, t.clock.now()).certRep();
        assertEquals(PkiStatus.FAILURE, again.pkiStatus());
        assertEquals(FailInfo.BAD_REQUEST, again.failInfo());
    }

    @Test
    void challengeExpiresAfterFifteenSimulatedMinutes() {
        TestDevice late = t.newDevice("UDID-LATE");
        late.enroll(base);
        TestDevice prompt = t.newDevice("UDID-PROMPT");
        prompt.enroll(base);
        t.clock.advance(Duration.ofMinutes(14));
        assertEquals(PkiStatus.SUCCESS, prompt.scep(base, prompt.challenge(), t.clock.now()).certRep().pkiStatus());
        t.clock.advance(Duration.ofMinutes(2));
        var rep = late.scep(base, late.challenge(), t.clock.now()).certRep();
        assertEquals(PkiStatus.FAILURE, rep.pkiStatus());
        assertEquals(FailInfo.BAD_REQUEST, rep.failInfo());

        // A new profile (a retry of the enrollment) gets a fresh challenge that works.
        late.enroll(base);
        assertEquals(PkiStatus.SUCCESS, late.scep(base, late.challenge(), t.clock.now()).certRep().pkiStatus());
    }

    @Test
    void unknownChallengeIsCertRepFailure() {
        TestDevice d = t.newDevice("UDID-GUESS");
        var rep = d.scep(base, "0123456789abcdef", t.clock.now()).certRep();
        assertEquals(PkiStatus.FAILURE, rep.pkiStatus());
        assertEquals(FailInfo.BAD_REQUEST, rep.failInfo());
    }

    @Test
    void garbageScepRequestsAre400() {
        HttpResponse<byte[]> garbage = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep?operation=PKIOperation"))
                .POST(BodyPublishers.ofString("hello")).build());
        assertEquals(400, garbage.statusCode());
        assertTrue(!text(garbage).isBlank() && !text(garbage).contains("Exception"), text(garbage));

        HttpResponse<byte[]> getGarbage = TestDevice.send(HttpRequest.newBuilder(
                base.resolve("/scep?operation=PKIOperation&message=aGVsbG8%3D")).GET().build());
        assertEquals(400, getGarbage.statusCode());

        HttpResponse<byte[]> noOp = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep")).GET().build());
        assertEquals(400, noOp.statusCode());
        assertTrue(text(noOp).contains("operation"), text(noOp));

        HttpResponse<byte[]> badOp = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep?operation=GetCRL")).GET()
                .build());
        assertEquals(400, badOp.statusCode());
        assertTrue(text(badOp).contains("GetCACaps"), text(badOp));
    }

    @Test
    void capsAreAdvertised() {
        HttpResponse<byte[]> caps = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep?operation=GetCACaps"))
                .GET().build());
        assertEquals(200, caps.statusCode());
        assertEquals("Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation", text(caps));
    }

    // ---- enrollment -------------------------------------------------------------------------------------------

    @Test
    void machineInfoFromAnUntrustedCaIs403() throws Exception {
        TestDevice stranger = new TestDevice("UDID-STRANGER", "S1", TestPki.OTHER.appleDeviceCa(), t.clock.now());
        HttpResponse<byte[]> r = stranger.postMachineInfo(base, stranger.signedMachineInfo(stranger.machineInfoValues()));
        assertEquals(403, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("com.apple.unrecognized.device", body.path("code").asText());
        assertTrue(body.path("description").asText().contains("not trusted"), body.toString());
    }

    @Test
    void incompleteOrGarbageMachineInfoIs400() {
        TestDevice d = t.newDevice("UDID-INCOMPLETE");
        Map<String, Object> values = d.machineInfoValues();
        values.remove("SERIAL");
        values.remove("VERSION");
        HttpResponse<byte[]> r = d.postMachineInfo(base, d.signedMachineInfo(values));
        assertEquals(400, r.statusCode());
        assertTrue(text(r).contains("SERIAL, VERSION"), text(r));

        HttpResponse<byte[]> garbage = d.postMachineInfo(base, "not cms".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, garbage.statusCode());
        assertTrue(text(garbage).contains("MachineInfo"), text(garbage));

        HttpResponse<byte[]> notPlist = d.postMachineInfo(base,
                io.mdmsim.core.cms.Cms.signAttached("hello".getBytes(StandardCharsets.UTF_8), d.factory));
        assertEquals(400, notPlist.statusCode());
    }

    @Test
    void oversizedBodyIs413() {
        byte[] big = new byte[100 * 1024];
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve("/mdm/enroll"))
                .POST(BodyPublishers.ofByteArray(big)).build());
        assertEquals(413, r.statusCode());
        HttpResponse<byte[]> ok = TestDevice.send(HttpRequest.newBuilder(base.resolve("/scep?operation=GetCACaps")).GET()
                .build());
        assertEquals(200, ok.statusCode());
    }

    // ---- admin ------------------------------------------------------------------------------------------------

    @Test
    void adminCommandErrors() {
        t.enrolled("UDID-ADMIN", false);
        assertEquals(404, postJson("/admin/devices/NOPE/commands", "{\"requestType\":\"DeviceInformation\"}").statusCode());
        HttpResponse<byte[]> noType = postJson("/admin/devices/UDID-ADMIN/commands", "{\"Queries\":[]}");
        assertEquals(400, noType.statusCode());
        assertTrue(text(noType).contains("requestType"), text(noType));
        HttpResponse<byte[]> badJson = postJson("/admin/devices/UDID-ADMIN/commands", "{\"requestType\":");
        assertEquals(400, badJson.statusCode());
        HttpResponse<byte[]> nullField = postJson("/admin/devices/UDID-ADMIN/commands",
                "{\"requestType\":\"Settings\",\"Settings\":null}");
        assertEquals(400, nullField.statusCode());
        assertTrue(text(nullField).contains("Settings"), text(nullField));
        assertEquals(404, TestDevice.send(HttpRequest.newBuilder(base.resolve("/admin/devices/NOPE/commands")).GET()
                .build()).statusCode());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private HttpResponse<byte[]> postJson(String path, String json) {
        return TestDevice.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json)).build());
    }

    private static void assertUnrecognized(HttpResponse<byte[]> r, String reasonPart) throws Exception {
        assertEquals(403, r.statusCode(), () -> text(r));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("com.apple.unrecognized.device", body.path("code").asText());
        assertTrue(body.path("description").asText().contains(reasonPart), body.toString());
    }

    private static byte[] plist(String dictBody) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>" + dictBody + "</dict></plist>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
