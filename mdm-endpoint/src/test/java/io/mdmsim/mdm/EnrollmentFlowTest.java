package io.mdmsim.mdm;

import static io.mdmsim.mdm.TestDevice.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.scep.PkiStatus;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.reference.ReferenceMdmService;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole ADE enrollment of one device against a real server on a real socket. */
class EnrollmentFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualClock clock = SimClock.manual(TestPki.T0);
    private MdmServer server;
    private URI base;

    @BeforeEach
    void start() {
        server = MdmServer.start(MdmConfig.builder().clock(clock).seed(42).apnsUrl(null)
                .scepCa(TestPki.PKI.scepCa().identity())
                .trustedDeviceCa(TestPki.PKI.appleDeviceCa().certificate())
                .build());
        base = server.baseUri();
        io.mdmsim.core.testing.AdminTokens.register(base, server.adminToken());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void deviceEnrollsAndIsConfigured() throws Exception {
        TestDevice device = new TestDevice("00008120-001A2B3C4D5E6F70", "F2LXK1ABCDEF", TestPki.PKI.appleDeviceCa(),
                clock.now());

        // MachineInfo -> enrollment profile
        NSDictionary profile = device.enroll(base);
        AppleYaml.assertPayload("TopLevel.yaml", profile);
        assertEquals("Configuration", str(profile, "PayloadType"));
        NSDictionary root = device.payload("com.apple.security.root");
        NSDictionary scep = device.payload("com.apple.security.scep");
        NSDictionary mdm = device.payload("com.apple.mdm");
        AppleYaml.assertPayload("com.apple.security.root.yaml", root);
        AppleYaml.assertPayload("com.apple.security.scep.yaml", scep);
        AppleYaml.assertPayload("com.apple.mdm.yaml", mdm);
        assertArrayEquals(Certificates.der(TestPki.PKI.root().certificate()), ((NSData) root.get("PayloadContent")).bytes(),
                "the trust payload holds the root the SCEP CA chains to, not the CA itself");

        NSDictionary scepContent = (NSDictionary) scep.get("PayloadContent");
        assertEquals(base + "/scep", str(scepContent, "URL"));
        NSArray subject = (NSArray) scepContent.get("Subject");
        NSArray rdn = (NSArray) ((NSArray) subject.objectAtIndex(0)).objectAtIndex(0);
        assertEquals(List.of("CN", device.udid), List.of(rdn.objectAtIndex(0).toJavaObject(), rdn.objectAtIndex(1).toJavaObject()));
        assertEquals(2048, ((NSNumber) scepContent.get("Keysize")).intValue());
        assertEquals("RSA", str(scepContent, "Key Type"));
        assertEquals(5, ((NSNumber) scepContent.get("Key Usage")).intValue());
        assertEquals(3, ((NSNumber) scepContent.get("Retries")).intValue());
        assertEquals(10, ((NSNumber) scepContent.get("RetryDelay")).intValue());

        assertEquals(str(scep, "PayloadUUID"), str(mdm, "IdentityCertificateUUID"));
        assertEquals(base + "/mdm/connect", str(mdm, "ServerURL"));
        assertEquals(base + "/mdm/checkin", str(mdm, "CheckInURL"));
        assertTrue(str(mdm, "Topic").startsWith("com.apple.mgmt.External."));
        assertEquals(true, ((NSNumber) mdm.get("SignMessage")).boolValue());
        assertEquals(8191, ((NSNumber) mdm.get("AccessRights")).intValue());
        assertEquals(true, ((NSNumber) mdm.get("CheckOutWhenRemoved")).boolValue());
        assertTrue(((NSArray) mdm.get("ServerCapabilities")).count() > 0);

        // SCEP with the one-time challenge
        TestDevice.ScepAttempt attempt = device.scep(base, device.challenge(), clock.now());
        assertEquals(PkiStatus.SUCCESS, attempt.certRep().pkiStatus());
        Identity identity = attempt.identity();
        assertEquals(device.udid, Certificates.commonName(identity.certificate()));
        assertEquals(TestPki.PKI.scepCa().certificate().getSubjectX500Principal(),
                identity.certificate().getIssuerX500Principal());
        identity.certificate().verify(TestPki.PKI.scepCa().certificate().getPublicKey());
        assertEquals(Duration.ofDays(365), Duration.between(identity.certificate().getNotBefore().toInstant(),
                identity.certificate().getNotAfter().toInstant()));
        device.mdmIdentity = identity;

        // Authenticate -> ENROLLING
        HttpResponse<byte[]> auth = device.checkin(base, Authenticate.forDevice(device.topic(), device.udid,
                device.serial, "iPhone15,2", "18.1", "22B83", "35 123456 789012 3", null));
        assertEquals(200, auth.statusCode(), () -> new String(auth.body()));
        assertEquals(0, auth.body().length);
        assertEquals("ENROLLING", adminDevice(device.udid).path("enrollmentState").asText());

        // TokenUpdate(AwaitingConfiguration) -> ENROLLED, DeviceInformation queued
        byte[] token = new byte[32];
        token[0] = 7;
        HttpResponse<byte[]> tu = device.checkin(base, TokenUpdate.forDevice(device.topic(), device.udid, token,
                "push-magic-1", null, true));
        assertEquals(200, tu.statusCode(), () -> new String(tu.body()));
        JsonNode enrolled = adminDevice(device.udid);
        assertEquals("ENROLLED", enrolled.path("enrollmentState").asText());
        assertTrue(enrolled.path("awaitingConfiguration").asBoolean());
        assertEquals(TestPki.T0.toString(), enrolled.path("enrolledAt").asText());

        // Idle -> DeviceInformation with the contract's queries
        HttpResponse<byte[]> first = device.report(base, CommandResult.idle(device.udid));
        assertEquals(200, first.statusCode());
        Command info = Command.parse(first.body());
        assertEquals("DeviceInformation", info.requestType());
        AppleYaml.assertCommand("DeviceInformation", info.command());
        List<Object> queries = List.of(((NSArray) info.get("Queries")).getArray()).stream()
                .map(NSObject::toJavaObject).map(Object.class::cast).toList();
        assertEquals(ReferenceMdmService.SETUP_QUERIES, queries);

        clock.advance(Duration.ofSeconds(5));
        Map<String, Object> answers = Map.of("DeviceName", "Anna's iPhone", "OSVersion", "18.1", "SerialNumber", device.serial,
                "UDID", device.udid, "ProductName", "iPhone15,2");
        HttpResponse<byte[]> second = device.report(base, CommandResult.acknowledged(device.udid, info.commandUuid(),
                Map.of("QueryResponses", answers)));
        assertEquals(200, second.statusCode());
        Command configured = Command.parse(second.body());
        assertEquals("DeviceConfigured", configured.requestType());
        AppleYaml.assertCommand("DeviceConfigured", configured.command());

        clock.advance(Duration.ofSeconds(5));
        HttpResponse<byte[]> last = device.report(base, CommandResult.acknowledged(device.udid, configured.commandUuid(),
                Map.of()));
        assertEquals(200, last.statusCode());
        assertEquals(0, last.body().length, "an empty queue ends the session with a zero-length body");

        JsonNode done = adminDevice(device.udid);
        assertEquals("CONFIGURED", done.path("enrollmentState").asText());
        assertEquals(false, done.path("awaitingConfiguration").asBoolean());
        assertEquals(TestPki.T0.plusSeconds(10).toString(), done.path("configuredAt").asText());
        assertEquals("Anna's iPhone", done.path("deviceName").asText());

        // A repeated Acknowledged for the same command is harmless and still ends the session.
        HttpResponse<byte[]> repeat = device.report(base, CommandResult.acknowledged(device.udid, configured.commandUuid(),
                Map.of()));
        assertEquals(200, repeat.statusCode());
        assertEquals(0, repeat.body().length);

        JsonNode history = get("/admin/devices/" + device.udid + "/commands");
        assertEquals(2, history.size());
        assertEquals("DeviceInformation", history.get(0).path("requestType").asText());
        assertEquals("ACKNOWLEDGED", history.get(0).path("state").asText());
        assertEquals("Acknowledged", history.get(0).path("status").asText());
        assertEquals("Anna's iPhone", history.get(0).path("result").path("QueryResponses").path("DeviceName").asText());
        assertEquals("ACKNOWLEDGED", history.get(1).path("state").asText());
    }

    @Test
    void otaProfileHasAnUnboundChallengeThatEnrollsAnyDevice() throws Exception {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve("/mdm/enroll")).GET().build());
        assertEquals(200, r.statusCode());
        NSDictionary profile = io.mdmsim.core.plist.Plist.parseDictionary(r.body());
        NSDictionary scepContent = (NSDictionary) TestDevice.payload(profile, "com.apple.security.scep").get("PayloadContent");
        TestDevice device = new TestDevice("OTA-DEVICE-1", "F2LOTA000001", TestPki.PKI.appleDeviceCa(), clock.now());
        TestDevice.ScepAttempt attempt = device.scep(base, str(scepContent, "Challenge"), clock.now());
        assertEquals(PkiStatus.SUCCESS, attempt.certRep().pkiStatus());
        device.mdmIdentity = attempt.identity();
        String topic = str(TestDevice.payload(profile, "com.apple.mdm"), "Topic");
        assertEquals(200, device.checkin(base, Authenticate.forDevice(topic, device.udid, device.serial, "iPad13,1",
                "17.5", "21F79", null, null)).statusCode());
        assertEquals(200, device.checkin(base, TokenUpdate.forDevice(topic, device.udid, new byte[32], "magic",
                null, false)).statusCode());
        assertEquals("ENROLLED", adminDevice(device.udid).path("enrollmentState").asText());
        HttpResponse<byte[]> idle = device.report(base, CommandResult.idle(device.udid));
        assertEquals(200, idle.statusCode());
        assertEquals(0, idle.body().length, "no AwaitingConfiguration, nothing queued");
    }

    private JsonNode adminDevice(String udid) throws Exception {
        for (JsonNode d : get("/admin/devices")) {
            if (udid.equals(d.path("udid").asText())) {
                return d;
            }
        }
        throw new AssertionError("device " + udid + " not in GET /admin/devices");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
        assertEquals(200, r.statusCode(), () -> path + ": " + new String(r.body()));
        return JSON.readTree(r.body());
    }

}
