package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.mdm.reference.ReferenceMdmService;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Await final configuration with critical policies and apps: the policy's stand-in profile carries one real
 * payload the device accepts; critical apps are device-licensed VPP apps that hold DeviceConfigured on iOS 16+, and
 * follow DeviceConfigured on earlier iOS, which answers NotNow to every app install during Setup Assistant.
 */
class CriticalConfigurationTest {

    private static final ServerToken TOKEN = FakeDep.token("crit");

    private final TestServer t = new TestServer();
    private FakeDep dep;

    @BeforeEach
    void sync() throws Exception {
        dep = new FakeDep(TOKEN, 2);
        String token = t.uploadAndSync(TOKEN, dep);
        HttpResponse<byte[]> created = t.send("POST", "/admin/dep/tokens/" + token + "/profiles?default=true",
                "{\"name\":\"Critical\",\"authentication\":\"SETUP_ASSISTANT_MODERN\","
                + "\"criticalApps\":[\"com.example.vpn\"],\"criticalPolicies\":[\"Wi-Fi\"]}");
        assertEquals(201, created.statusCode(), new String(created.body()));
    }

    @AfterEach
    void stop() {
        t.close();
        dep.close();
    }

    @Test
    void thePolicyProfileHoldsOneRealRestrictionPayload() {
        NSDictionary profile = Plist.parseDictionary(ReferenceMdmService.policyProfile("Wi-Fi & VPN",
                "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"));
        AppleYaml.assertPayload("TopLevel.yaml", profile);
        assertEquals("io.mdmsim.policy.Wi-Fi---VPN", TestDevice.str(profile, "PayloadIdentifier"));
        NSArray content = (NSArray) profile.get("PayloadContent");
        assertEquals(1, content.count(), "devices refuse a profile without payloads (error 1005)");
        NSDictionary restriction = (NSDictionary) content.objectAtIndex(0);
        AppleYaml.assertPayload("com.apple.applicationaccess.yaml", restriction);
        assertEquals("com.apple.applicationaccess", TestDevice.str(restriction, "PayloadType"));
        assertTrue(((NSNumber) restriction.get("forceEncryptedBackup")).boolValue());
    }

    @Test
    void onIos17CriticalAppsAreDeviceLicensedVppAppsThatHoldDeviceConfigured() {
        TestDevice d = enroll(0, "17.5");
        Command app = ack(d, idle(d), "17.5");
        assertEquals("InstallApplication", app.requestType());
        AppleYaml.assertCommand("InstallApplication", app.command());
        assertEquals("com.example.vpn", ((NSString) app.get("Identifier")).getContent());
        assertEquals(1, ((NSNumber) ((NSDictionary) app.get("Options")).get("PurchaseMethod")).intValue());
        t.clock.advance(Duration.ofMinutes(4));
        Command policy = ack(d, app, null);
        assertEquals("InstallProfile", policy.requestType());
        NSDictionary profile = Plist.parseDictionary(((NSData) policy.get("Payload")).bytes());
        assertEquals(1, ((NSArray) profile.get("PayloadContent")).count());
        assertEquals("ENROLLED", device(d).path("enrollmentState").asText(), "held while the policy is pending");
        Command configured = ack(d, policy, null);
        assertEquals("DeviceConfigured", configured.requestType());
        assertNull(ack(d, configured, null));
        JsonNode v = device(d);
        assertEquals("CONFIGURED", v.path("enrollmentState").asText());
        assertEquals(240, v.path("heldSeconds").asLong(), v.toString());
        assertEquals(0, v.path("criticalAppsAfterConfigured").size());
    }

    @Test
    void onIos15CriticalAppsFollowDeviceConfiguredInsteadOfHoldingIt() throws Exception {
        TestDevice d = enroll(1, "15.8");
        Command policy = ack(d, idle(d), "15.8");
        assertEquals("InstallProfile", policy.requestType(), "no app before DeviceConfigured on iOS 15");
        t.clock.advance(Duration.ofMinutes(1));
        Command configured = ack(d, policy, null);
        assertEquals("DeviceConfigured", configured.requestType());
        Command app = ack(d, configured, null);
        assertEquals("InstallApplication", app.requestType(), "the critical app follows DeviceConfigured");
        assertEquals("com.example.vpn", ((NSString) app.get("Identifier")).getContent());
        assertEquals(1, ((NSNumber) ((NSDictionary) app.get("Options")).get("PurchaseMethod")).intValue());
        assertNull(ack(d, app, null));
        JsonNode v = device(d);
        assertEquals("CONFIGURED", v.path("enrollmentState").asText());
        assertEquals(60, v.path("heldSeconds").asLong(), v.toString());
        assertEquals("com.example.vpn", v.path("criticalAppsAfterConfigured").path(0).asText(), v.toString());
        HttpResponse<byte[]> ev = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events")).GET()
                .build());
        String events = new String(ev.body(), StandardCharsets.UTF_8);
        assertTrue(events.contains("\"apps-after-configured\"") && events.contains("answers NotNow to every app"),
                events);
    }

    private JsonNode device(TestDevice d) {
        return t.get("/admin/devices/" + d.udid);
    }

    private TestDevice enroll(int i, String os) {
        return t.enrolledDep("UDID-CRIT-" + i, FakeDep.serial(i), os, "X", true);
    }

    private Command idle(TestDevice d) {
        return parse(d.report(t.base, CommandResult.idle(d.udid)));
    }

    /** Acknowledges {@code c}; a DeviceInformation is answered with {@code os}. */
    private Command ack(TestDevice d, Command c, String os) {
        Map<String, ?> extra = os == null ? Map.of() : Map.of("QueryResponses", Map.of("OSVersion", os,
                "IsSupervised", true, "SerialNumber", d.serial));
        return parse(d.report(t.base, CommandResult.acknowledged(d.udid, c.commandUuid(), extra)));
    }

    private static Command parse(HttpResponse<byte[]> r) {
        TestServer.expect200(r);
        return r.body().length == 0 ? null : Command.parse(r.body());
    }
}
