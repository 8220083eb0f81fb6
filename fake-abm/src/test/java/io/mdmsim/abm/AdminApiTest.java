package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.pki.Pem;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ABM admin API of docs/DESIGN.md "Wire contracts between the parts" and its refusals. */
class AdminApiTest {

    @Test
    void sameSeedGivesTheSameInventoryOverTheWire() {
        try (AbmFixture a = new AbmFixture(b -> b.seed(99));
                AbmFixture b = new AbmFixture(c -> c.seed(99));
                AbmFixture c = new AbmFixture(d -> d.seed(100))) {
            String first = text(a.adminGet("/admin/devices"));
            assertEquals(first, text(b.adminGet("/admin/devices")));
            assertNotEquals(first, text(c.adminGet("/admin/devices")));
        }
    }

    @Test
    void deviceListHasTheContractFields() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            JsonNode devices = json(abm.adminGet("/admin/devices"));
            assertEquals(25, devices.size());
            for (JsonNode d : devices) {
                for (String field : List.of("serialNumber", "productType", "model", "description", "color", "os",
                        "deviceFamily", "osVersion", "buildVersion", "mdmServer", "profileStatus", "profileUuid")) {
                    assertTrue(d.has(field), field + " missing in " + d);
                }
                assertTrue(d.get("mdmServer").isNull(), d.toString());
                assertEquals("empty", d.get("profileStatus").asText());
                assertTrue(d.get("serialNumber").asText().matches("[0-9A-Z]{10}|[0-9A-Z]{12}"), d.toString());
                assertTrue(List.of("iOS", "iPadOS").contains(d.get("os").asText()), d.toString());
            }
        }
    }

    @Test
    void mdmServersAndAssignments() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            abm.createMdmServer("mdm-1");
            HttpResponse<byte[]> dup = abm.adminPost("/admin/mdm-servers",
                    Map.of("name", "mdm-1", "certificatePem", Pem.encode(AbmFixture.mdmIdentity().certificate())));
            assertEquals(409, dup.statusCode());
            assertEquals("MDM server mdm-1 already exists", text(dup));

            String serial = json(abm.adminGet("/admin/devices")).get(3).get("serialNumber").asText();
            HttpResponse<byte[]> ok = abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "serials", List.of(serial)));
            assertEquals(200, ok.statusCode(), text(ok));
            assertEquals(1, json(ok).get("assigned").asInt());
            assertEquals("mdm-1", json(abm.adminGet("/admin/devices/" + serial)).get("mdmServer").asText());
            assertEquals(1, json(abm.adminGet("/admin/devices?mdmServer=mdm-1")).size());
            assertEquals(25, abm.assignAll("mdm-1"));
            JsonNode server = json(abm.adminGet("/admin/mdm-servers/mdm-1"));
            assertEquals(25, server.get("devices").asInt());
        }
    }

    @Test
    void serverNamesWithSpacesWorkInTokenUrls() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            abm.createMdmServer("mdmsim MDM");
            HttpResponse<byte[]> r = abm.adminPostEmpty("/admin/mdm-servers/mdmsim%20MDM/token");
            assertEquals(200, r.statusCode(), text(r));
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/pkcs7-mime"));
            assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII)
                    .startsWith("Content-Type: application/pkcs7-mime"), "an S/MIME entity");
            assertEquals("mdmsim MDM", json(abm.adminGet("/admin/mdm-servers")).get(0).get("name").asText());
        }
    }

    @Test
    void adminRefusals() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            abm.createMdmServer("mdm-1");
            assertStatus(abm.adminPost("/admin/mdm-servers", Map.of("name", "x", "certificatePem", "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")),
                    400, "");
            assertStatus(abm.adminPost("/admin/mdm-servers", Map.of("certificatePem", "x")), 400, "name");
            assertStatus(abm.adminPost("/admin/mdm-servers", "{\"name\":"), 400, "");
            assertStatus(abm.adminGet("/admin/mdm-servers/nope/token"), 404, "no MDM server named nope");
            assertStatus(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "serials", List.of("UNKNOWN00000"))),
                    400, "unknown serial UNKNOWN00000");
            assertStatus(abm.adminPost("/admin/assignments", Map.of("mdmServer", "nope", "all", true)), 404, "no MDM server named nope");
            assertStatus(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1")), 400, "either");
            assertStatus(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "all", true, "serials", List.of())), 400, "both");
            assertStatus(abm.adminGet("/admin/devices/NOPE"), 404, "no device with serial NOPE");
            JsonNode devices = json(abm.adminGet("/admin/devices"));
            devices.forEach(d -> assertTrue(d.get("mdmServer").isNull(), "a refused assignment assigns nothing: " + d));
        }
    }

    @Test
    void clockIsVisibleAndAManualOneCanBeMoved() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            JsonNode clock = json(abm.adminGet("/admin/clock"));
            assertEquals("2025-06-02T09:00:00Z", clock.get("now").asText());
            assertEquals("manual", clock.get("mode").asText());
            JsonNode moved = json(abm.adminPost("/admin/clock", Map.of("advance", "PT10M")));
            assertEquals("2025-06-02T09:10:00Z", moved.get("now").asText());
            assertStatus(abm.adminPost("/admin/clock", Map.of("advance", "ten minutes")), 400, "ISO-8601");
        }
    }

    private static void assertStatus(HttpResponse<byte[]> r, int status, String contains) {
        assertEquals(status, r.statusCode(), text(r));
        assertTrue(text(r).contains(contains), "'" + text(r) + "' should mention '" + contains + "'");
    }
}
