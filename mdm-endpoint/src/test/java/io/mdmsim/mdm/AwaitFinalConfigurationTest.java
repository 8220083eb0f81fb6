package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Await final configuration (seeds: the device stays at "Awaiting final configuration" until the profile's critical
 * policies and apps are installed) and the device name template, with a DEP token whose default profile asks for them.
 */
class AwaitFinalConfigurationTest {

    private static final ServerToken TOKEN = FakeDep.token("afc");

    @AutoClose
    private final TestServer t = new TestServer();

    @Test
    void deviceIsHeldUntilEveryCriticalAppAndPolicyIsAcknowledged() throws Exception {
        try (FakeDep dep = new FakeDep(TOKEN, 2)) {
            String name = t.uploadAndSync(TOKEN, dep);
            HttpResponse<byte[]> created = t.send("POST", "/admin/dep/tokens/" + name + "/profiles?default=true",
                    "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.vpn\"],\"criticalPolicies\":[\"Wi-Fi\"],"
                    + "\"deviceNameTemplate\":\"{{DEVICETYPE}}-{{SERIAL}}\"}");
            assertEquals(201, created.statusCode(), new String(created.body()));

            String serial = FakeDep.serial(0);
            TestDevice d = t.enrolledDep("UDID-AFC", serial, "18.1", "22B83", true);

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
            String name = t.uploadAndSync(TOKEN, dep);
            assertEquals(201, t.send("POST", "/admin/dep/tokens/" + name + "/profiles?default=true",
                    "{\"name\":\"Corp\",\"criticalApps\":[\"com.example.vpn\"]}").statusCode());
            String serial = FakeDep.serial(0);
            TestDevice d = t.enrolledDep("UDID-AFC2", serial, "18.1", "22B83", true);
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
}
