package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.AppleSchemas;
import io.mdmsim.mdm.enroll.EnrollmentService;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Enrollment refusals with the 403 bodies of ADM mdm/errors, the web-view flow, and media types. */
class EnrollmentPolicyTest {

    @Test
    void aDeviceBelowTheMinimumOsThatCanUpdateIsToldToUpdate() {
        try (TestServer t = new TestServer(b -> b.minimumOsVersion("18.2").minimumBuildVersion("22C152"))) {
            TestDevice d = t.newDevice("UDID-OLD-OS");
            Map<String, Object> info = d.machineInfoValues();
            info.put("OS_VERSION", "18.1");
            info.put("MDM_CAN_REQUEST_SOFTWARE_UPDATE", true);
            HttpResponse<byte[]> r = d.postMachineInfo(t.base, d.signedMachineInfo(info));
            assertEquals(403, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            JsonNode body = TestServer.json(r);
            assertEquals("com.apple.softwareupdate.required", body.path("code").asText());
            assertEquals("18.2", body.path("details").path("OSVersion").asText());
            assertEquals("22C152", body.path("details").path("BuildVersion").asText());
            assertSchema("softwareupdate.required.yaml", (NSDictionary) Plist.wrap(
                    TestServer.JSON.convertValue(body, Map.class)));

            // After the update (supplemental versions count as the base version) it enrolls.
            info.put("OS_VERSION", "18.2 (a)");
            assertEquals(200, d.postMachineInfo(t.base, d.signedMachineInfo(info)).statusCode());
            info.put("OS_VERSION", "18.10");
            assertEquals(200, d.postMachineInfo(t.base, d.signedMachineInfo(info)).statusCode(),
                    "versions compare numerically, not as text");

            JsonNode events = eventsOf(t, "enroll");
            assertEquals("com.apple.softwareupdate.required", events.get(0).path("refused").asText());
            assertEquals(false, events.get(1).has("refused"));
        }
    }

    @Test
    void aDeviceThatCannotUpdateIsRefusedAsUnrecognizedInAPlistWhenConfigured() {
        try (TestServer t = new TestServer(b -> b.minimumOsVersion("17.0")
                .errorBodyFormat(MdmConfig.ErrorBodyFormat.PLIST))) {
            TestDevice d = t.newDevice("UDID-IOS16");
            Map<String, Object> info = d.machineInfoValues();
            info.remove("OS_VERSION");
            HttpResponse<byte[]> r = d.postMachineInfo(t.base, d.signedMachineInfo(info));
            assertEquals(403, r.statusCode());
            assertEquals("application/xml", r.headers().firstValue("Content-Type").orElseThrow());
            NSDictionary body = Plist.parseDictionary(r.body());
            assertEquals("com.apple.unrecognized.device", body.get("code").toJavaObject());
            assertTrue(body.get("description").toJavaObject().toString().contains("MDM_CAN_REQUEST_SOFTWARE_UPDATE"));
            assertSchema("unrecognized.device.yaml", body);
        }
    }

    @Test
    void theWebViewFlowSendsMachineInfoInAHeader() {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.newDevice("UDID-WEBVIEW");
            String header = Base64.getEncoder().encodeToString(d.signedMachineInfo(d.machineInfoValues()));
            HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                    .header("x-apple-aspen-deviceinfo", header).GET().build());
            assertEquals(200, r.statusCode(), () -> new String(r.body()));
            d.profile = Plist.parseDictionary(r.body());
            assertEquals("UDID-WEBVIEW", subjectCn(d), "the challenge and subject are bound to the device");

            TestDevice stranger = new TestDevice("UDID-WEB-STRANGER", "S", TestPki.OTHER.appleDeviceCa(), t.clock.now());
            HttpResponse<byte[]> refused = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                    .header("x-apple-aspen-deviceinfo", Base64.getEncoder().encodeToString(
                            stranger.signedMachineInfo(stranger.machineInfoValues()))).GET().build());
            assertEquals(403, refused.statusCode());

            HttpResponse<byte[]> garbage = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                    .header("x-apple-aspen-deviceinfo", "!!!").GET().build());
            assertEquals(400, garbage.statusCode());
            assertTrue(new String(garbage.body()).contains("x-apple-aspen-deviceinfo"));
        }
    }

    @Test
    void machineInfoWithTheWrongMediaTypeIs415() {
        try (TestServer t = new TestServer()) {
            TestDevice d = t.newDevice("UDID-MEDIA");
            HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                    .header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofByteArray(d.signedMachineInfo(d.machineInfoValues()))).build());
            assertEquals(415, r.statusCode());
            String text = new String(r.body());
            assertTrue(text.contains("application/json") && text.contains("application/pkcs7-signature"), text);
            // Without a Content-Type (some clients send none) it is accepted.
            HttpResponse<byte[]> none = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                    .POST(BodyPublishers.ofByteArray(d.signedMachineInfo(d.machineInfoValues()))).build());
            assertEquals(200, none.statusCode());
        }
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(EnrollmentService.compareVersions("17.10", "17.9") > 0);
        assertTrue(EnrollmentService.compareVersions("17", "17.0.0") == 0);
        assertTrue(EnrollmentService.compareVersions("16.7.10", "17.0") < 0);
        assertTrue(EnrollmentService.compareVersions("18.2 (a)", "18.2") == 0);
    }

    private static String subjectCn(TestDevice d) {
        NSDictionary scep = (NSDictionary) d.payload("com.apple.security.scep").get("PayloadContent");
        com.dd.plist.NSArray subject = (com.dd.plist.NSArray) scep.get("Subject");
        com.dd.plist.NSArray rdn = (com.dd.plist.NSArray) ((com.dd.plist.NSArray) subject.objectAtIndex(0)).objectAtIndex(0);
        return rdn.objectAtIndex(1).toJavaObject().toString();
    }

    static JsonNode eventsOf(TestServer t, String type) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events")).GET().build());
        com.fasterxml.jackson.databind.node.ArrayNode out = TestServer.JSON.createArrayNode();
        for (String line : new String(r.body()).split("\n")) {
            if (!line.isBlank()) {
                JsonNode e = TestServer.json(line);
                if (e.path("type").asText().equals(type)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static void assertSchema(String file, NSDictionary body) {
        AppleSchemas.Schema schema = AppleSchemas.load(AppleSchemas.appleDir().resolve("mdm/errors").resolve(file));
        assertEquals(List.of(), schema.check(body), file);
    }
}
