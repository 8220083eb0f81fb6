package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The enrollment policy over HTTP (docs/mdm-endpoint.md "Enrollment policy"): refusals at POST /mdm/enroll, the web view, the over-the-air
 * download and the over-the-air device's Authenticate, each a 403 with the JSON error body; and its admin API.
 */
class PolicyHttpTest {

    private static final String IPHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit";
    private static final String IPAD_UA = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit";

    private static void put(TestServer t, String json) {
        HttpResponse<byte[]> r = t.send("PUT", "/admin/policy", json);
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
    }

    private static JsonNode refused(HttpResponse<byte[]> r, String code) {
        assertEquals(403, r.statusCode(), () -> new String(r.body()));
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode body = TestServer.json(r);
        assertEquals(code, body.path("code").asText(), body.toString());
        assertTrue(body.hasNonNull("message"), body.toString());
        return body;
    }

    private static HttpResponse<byte[]> ota(TestServer t, String query, String userAgent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(t.base.resolve("/mdm/enroll" + query)).GET();
        if (userAgent != null) {
            b.header("User-Agent", userAgent);
        }
        return TestDevice.send(b.build());
    }

    private static String events(TestServer t) {
        return new String(t.send("GET", "/admin/events?after=0&limit=1000", null).body(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void blockedPlatformIsRefusedAtMachineInfoWebViewAndOverTheAir() {
        try (TestServer t = new TestServer()) {
            put(t, "{\"deviceTypeRestrictions\":{\"ios\":\"blocked\"}}");
            TestDevice phone = t.newDevice("UDID-PHONE");
            JsonNode body = refused(phone.postMachineInfo(t.base, phone.signedMachineInfo(phone.machineInfoValues())),
                    "io.mdmsim.enrollment.platform-blocked");
            assertEquals("Device type restrictions block enrollment of iOS (iPhone) devices.",
                    body.path("message").asText());

            String header = Base64.getEncoder().encodeToString(phone.signedMachineInfo(phone.machineInfoValues()));
            refused(TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                    .header("x-apple-aspen-deviceinfo", header).GET().build()), "io.mdmsim.enrollment.platform-blocked");
            refused(ota(t, "", IPHONE_UA), "io.mdmsim.enrollment.platform-blocked");
            assertEquals(200, ota(t, "", IPAD_UA).statusCode());

            TestDevice pad = t.newDevice("UDID-PAD");
            Map<String, Object> info = pad.machineInfoValues();
            info.put("PRODUCT", "iPad13,18");
            assertEquals(200, pad.postMachineInfo(t.base, pad.signedMachineInfo(info)).statusCode());

            String events = events(t);
            assertTrue(events.contains("\"refused\":\"io.mdmsim.enrollment.platform-blocked\""), events);
        }
    }

    @Test
    void personallyOwnedOverTheAirIsRefusedAtTheDownloadOrAtAuthenticateUnlessListed() throws Exception {
        try (TestServer t = new TestServer()) {
            put(t, "{\"deviceTypeRestrictions\":{\"personallyOwned\":\"blocked\"},"
                    + "\"corporateIdentifiers\":{\"serials\":[\"CORP1\"]}}");
            refused(ota(t, "?serial=PERSONAL1", IPHONE_UA), "io.mdmsim.enrollment.personal-blocked");
            assertEquals(200, ota(t, "?serial=corp1", IPHONE_UA).statusCode());

            // a download that names no device: the serial shows at Authenticate
            HttpResponse<byte[]> r = ota(t, "", IPHONE_UA);
            assertEquals(200, r.statusCode());
            TestDevice personal = new TestDevice("UDID-OTA-1", "PERSONAL2", TestPki.PKI.appleDeviceCa(), t.clock.now());
            personal.profile = Plist.parseDictionary(r.body());
            personal.mdmIdentity = personal.scep(t.base, personal.challenge(), t.clock.now()).identity();
            JsonNode body = refused(personal.checkin(t.base, Authenticate.forDevice(personal.topic(), personal.udid,
                    "PERSONAL2", "iPhone15,2", "18.1", "22B83", null, null)), "io.mdmsim.enrollment.personal-blocked");
            assertTrue(body.path("description").asText().contains("serial PERSONAL2"), body.toString());

            TestDevice corporate = new TestDevice("UDID-OTA-2", "CORP1", TestPki.PKI.appleDeviceCa(), t.clock.now());
            corporate.profile = Plist.parseDictionary(ota(t, "", IPHONE_UA).body());
            corporate.mdmIdentity = corporate.scep(t.base, corporate.challenge(), t.clock.now()).identity();
            TestServer.expect200(corporate.checkin(t.base, Authenticate.forDevice(corporate.topic(), corporate.udid,
                    "CORP1", "iPhone15,2", "18.1", "22B83", null, null)));

            // ADE devices are corporate
            t.enrolled("UDID-ADE", false);
        }
    }

    @Test
    void adminApiOverHttp() {
        try (TestServer t = new TestServer()) {
            HttpResponse<byte[]> bad = t.send("PUT", "/admin/policy", "{\"deviceTypeRestrictions\":{\"ios\":\"no\"}}");
            assertEquals(400, bad.statusCode());
            assertTrue(TestServer.json(bad).path("error").asText()
                    .contains("deviceTypeRestrictions.ios: \"no\" (expected: \"allowed\" or \"blocked\")"));
            HttpResponse<byte[]> notJson = t.send("PUT", "/admin/policy", "{nope");
            assertEquals(400, notJson.statusCode());
            assertTrue(new String(notJson.body()).contains("invalid JSON"), new String(notJson.body()));
            HttpResponse<byte[]> array = t.send("PUT", "/admin/policy", "[]");
            assertEquals(400, array.statusCode());
            assertTrue(new String(array.body()).contains("body: array (expected: a JSON object)"));

            HttpResponse<byte[]> created = t.send("POST", "/admin/vpp-tokens", "{\"name\":\"Apps\",\"organization\":"
                    + "\"Example\",\"expiry\":\"" + t.clock.now().plus(Duration.ofDays(10)) + "\","
                    + "\"companyPortalLicenses\":5}");
            assertEquals(201, created.statusCode(), () -> new String(created.body()));
            assertEquals(5, TestServer.json(created).path("companyPortalLicenses").path("available").asInt());
            assertEquals("Apps", t.get("/admin/vpp-tokens").path(0).path("name").asText());
            assertEquals(409, t.send("POST", "/admin/vpp-tokens", "{\"name\":\"Apps\",\"expiry\":\"2030-01-01\","
                    + "\"companyPortalLicenses\":5}").statusCode());

            JsonNode alerts = t.get("/admin/alerts");
            assertEquals(30, alerts.path("thresholds").path("vppExpiryWarningDays").asInt());
            String kinds = alerts.path("alerts").findValuesAsText("kind").toString();
            assertTrue(kinds.contains("vpp.token-expiring") && kinds.contains("vpp.licenses-low"), alerts.toString());
            String events = events(t);
            assertTrue(events.contains("\"type\":\"alert\""), events);

            HttpResponse<byte[]> renewed = t.send("PUT", "/admin/vpp-tokens/Apps", "{\"expiry\":\"2030-01-01\","
                    + "\"companyPortalLicenses\":500}");
            assertEquals(200, renewed.statusCode(), () -> new String(renewed.body()));
            assertEquals(0, t.get("/admin/alerts").path("alerts").size());
            assertEquals(500, t.get("/admin/policy").path("companyPortalLicenses").path(0).path("total").asInt());

            // an enrollment profile naming a VPP token the policy does not know is not valid
            HttpResponse<byte[]> profile = t.send("POST", "/admin/dep/tokens/any/profiles",
                    "{\"name\":\"CP\",\"installCompanyPortal\":true,\"vppToken\":\"Other\"}");
            assertEquals(400, profile.statusCode());
            assertTrue(new String(profile.body()).contains("vppToken: Other is not a VPP token of this MDM (expected:"
                    + " one of Apps"), new String(profile.body()));

            assertEquals(404, t.send("GET", "/admin/vpp-tokens/Nope", null).statusCode());
            assertEquals(404, t.send("PUT", "/admin/vpp-tokens/Nope", "{\"companyPortalLicenses\":1}").statusCode());
            assertEquals(200, t.send("DELETE", "/admin/vpp-tokens/Apps", null).statusCode());
            assertEquals(0, t.get("/admin/vpp-tokens").size());
        }
    }
}
