package io.mdmsim.mdm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.TokenUpdate;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Await final configuration (seeds: the device stays at "Awaiting final configuration" until the profile's critical
 * policies and apps are installed) and the device name template, with a DEP token whose default profile asks for them.
 */
class AwaitFinalConfigurationTest {

    private static final ServerToken TOKEN = new ServerToken("CK_afc", "CS_secret", "AT_afc", "AS_secret",
            Instant.parse("2027-06-01T08:00:00Z"));

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void deviceIsHeldUntilEveryCriticalAppAndPolicyIsAcknowledged() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 2)) {
            String name = uploadAndSync(dep);
            HttpResponse<byte[]> created = t.send("POST", "/admin/dep/tokens/" + name + "/profiles?default=true",
                    "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.vpn\"],\"criticalPolicies\":[\"Wi-Fi\"],"
                    + "\"deviceNameTemplate\":\"{{DEVICETYPE}}-{{SERIAL}}\"}");
            assertEquals(201, created.statusCode(), new String(created.body()));

            String serial = FakeDep.serial(0);
            TestDevice d = new TestDevice("UDID-AFC", serial, TestPki.PKI.appleDeviceCa(), t.clock.now());
            d.enroll(t.base);
            d.mdmIdentity = d.scep(t.base, d.challenge(), t.clock.now()).identity();
            TestServer.expect200(d.checkin(t.base, Authenticate.forDevice(d.topic(), d.udid, serial, "iPhone15,2",
                    "18.1", "22B83", null, null)));
            TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m", null,
                    true)));

            Command info = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            assertEquals("DeviceInformation", info.requestType());
            Command next = Command.parse(d.report(t.base, CommandResult.acknowledged(d.udid, info.commandUuid(),
                    Map.of("QueryResponses", Map.of("SerialNumber", serial, "ProductName", "iPhone15,2",
                            "DeviceName", "iPhone")))).body());
            List<String> seen = new ArrayList<>();
            t.clock.advance(Duration.ofMinutes(3));
            while (!next.requestType().equals("DeviceConfigured")) {
                seen.add(next.requestType());
                assertEquals("ENROLLED", device(d.udid).path("enrollmentState").asText(),
                        "held at Awaiting final configuration while " + next.requestType() + " is pending");
                byte[] body = d.report(t.base, CommandResult.acknowledged(d.udid, next.commandUuid(), Map.of())).body();
                next = Command.parse(body);
            }
            assertEquals(List.of("Settings", "InstallApplication", "InstallProfile"), seen);
            assertEquals(0, d.report(t.base, CommandResult.acknowledged(d.udid, next.commandUuid(), Map.of()))
                    .body().length);
            JsonNode v = device(d.udid);
            assertEquals("CONFIGURED", v.path("enrollmentState").asText());
            assertEquals(180, v.path("heldSeconds").asLong(), v.toString());
            assertEquals("iPhone-" + serial.toUpperCase(), v.path("deviceName").asText(), v.toString());
        }
    }

    @Test
    void aFailedCriticalAppKeepsTheDeviceWaiting() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 1)) {
            String name = uploadAndSync(dep);
            assertEquals(201, t.send("POST", "/admin/dep/tokens/" + name + "/profiles?default=true",
                    "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.vpn\"]}").statusCode());
            String serial = FakeDep.serial(0);
            TestDevice d = new TestDevice("UDID-AFC2", serial, TestPki.PKI.appleDeviceCa(), t.clock.now());
            d.enroll(t.base);
            d.mdmIdentity = d.scep(t.base, d.challenge(), t.clock.now()).identity();
            TestServer.expect200(d.checkin(t.base, Authenticate.forDevice(d.topic(), d.udid, serial, "iPhone15,2",
                    "18.1", "22B83", null, null)));
            TestServer.expect200(d.checkin(t.base, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m", null,
                    true)));
            Command info = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
            Command app = Command.parse(d.report(t.base, CommandResult.acknowledged(d.udid, info.commandUuid(),
                    Map.of())).body());
            assertEquals("InstallApplication", app.requestType());
            assertEquals(0, d.report(t.base, CommandResult.error(d.udid, app.commandUuid(), List.of())).body().length);
            JsonNode v = device(d.udid);
            assertEquals("ENROLLED", v.path("enrollmentState").asText());
            assertTrue(v.path("awaitingConfiguration").asBoolean(), v.toString());
            assertNull(v.path("heldSeconds").isNull() ? null : v.path("heldSeconds").asText());
        }
    }

    private JsonNode device(String udid) {
        return t.get("/admin/devices/" + udid);
    }

    private String uploadAndSync(FakeDep dep) throws Exception {
        HttpResponse<byte[]> key = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/public-key"))
                .GET().build());
        byte[] p7m = TOKEN.toP7m(Pem.certificate(new String(key.body(), StandardCharsets.US_ASCII)));
        String q = "appleId=" + URLEncoder.encode("admin@example.com", StandardCharsets.UTF_8) + "&depUrl="
                + URLEncoder.encode(dep.baseUri().toString(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/dep/tokens?" + q))
                .header("Content-Type", "application/pkcs7-mime").POST(BodyPublishers.ofByteArray(p7m)).build());
        assertEquals(202, r.statusCode());
        String name = TestServer.json(r).path("name").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode n : t.get("/admin/dep/tokens")) {
                if (n.path("name").asText().equals(name)) {
                    return n.path("syncState").asText().equals("SYNCED");
                }
            }
            return false;
        });
        return name;
    }
}
