package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.testing.DepSchemas;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ABM admin: organizations, generated and imported inventory, assign by serial/order/CSV, unassign, move, release. */
class AdminInventoryTest {

    private static final String CSV = """
            serial_number,product_type,color,capacity_gb,os_version,order_number,purchase_date,asset_tag,imei
            F17ZQ1ABCD12,"iPhone15,4",Blue,128,17.5.1,W123456789,2025-01-15,ASSET-1,353456789012345
            "F17ZQ1ABCD13","iPad13,18",,,,W123456789,,,
            F17ZQ1ABCD14,"iPhone16,1",,,,W987654321,2025-02-01,,
            """;

    @Test
    void organizationsHoldTheirOwnDevicesAndServers() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(5))) {
            JsonNode created = abm.adminOk(abm.adminPost("/admin/organizations", Map.of("name", "Second School",
                    "orgType", "edu", "orgVersion", "v2", "email", "it@school.example")));
            String org2 = created.get("orgId").asText();
            assertEquals("1000002", org2);
            assertEquals(2, json(abm.adminGet("/admin/organizations")).size());
            JsonNode added = abm.adminOk(abm.adminPost("/admin/devices", Map.of("count", 7, "organization", org2)));
            assertEquals(7, added.get("added").asInt());
            assertEquals(7, json(abm.adminGet("/admin/devices?organization=" + org2)).size());
            assertEquals(7, json(abm.adminGet("/admin/organizations/" + org2)).get("devices").asInt());

            abm.adminOk(abm.adminPost("/admin/mdm-servers", Map.of("name", "school-mdm", "organization", org2,
                    "certificatePem", io.mdmsim.core.pki.Pem.encode(AbmFixture.mdmIdentity().certificate()))));
            var token = abm.downloadToken("school-mdm");
            String foreign = abm.serials().getFirst();
            HttpResponse<byte[]> cross = abm.adminPost("/admin/assignments", Map.of("mdmServer", "school-mdm", "serials", List.of(foreign)));
            assertEquals(400, cross.statusCode());
            assertTrue(text(cross).contains("belongs to organization"), text(cross));
            assertEquals(7, abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "school-mdm", "all", true)))
                    .get("assigned").asInt());

            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            JsonNode account = dep.ok(dep.get("/account"));
            assertEquals("Second School", account.get("org_name").asText());
            assertEquals("edu", account.get("org_type").asText());
            assertEquals("v2", account.get("org_version").asText());
            assertEquals(org2, account.get("org_id").asText());
            assertEquals(7, dep.ok(dep.post("/server/devices", "{}")).get("devices").size());
        }
    }

    @Test
    void inventoryCsvImportFillsWhatRowsLeaveOut() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(0))) {
            JsonNode r = abm.adminOk(abm.adminPostBytes("/admin/devices/import", CSV.getBytes(StandardCharsets.UTF_8), "text/csv"));
            assertEquals(3, r.get("imported").asInt());
            JsonNode first = json(abm.adminGet("/admin/devices/F17ZQ1ABCD12"));
            assertEquals("iPhone15,4", first.get("productType").asText());
            assertEquals("iPhone 15", first.get("model").asText());
            assertEquals("BLUE", first.get("color").asText());
            assertEquals("17.5.1", first.get("osVersion").asText());
            assertEquals("21F90", first.get("buildVersion").asText(), "the build of that release");
            assertEquals("ASSET-1", first.get("assetTag").asText());
            assertEquals("2025-01-15", first.get("purchaseDate").asText());
            assertEquals("353456789012345", first.get("imei").asText());
            assertEquals("IPHONE 15 BLUE 128GB-USA", first.get("description").asText());
            JsonNode ipad = json(abm.adminGet("/admin/devices/F17ZQ1ABCD13"));
            assertEquals("iPad", ipad.get("deviceFamily").asText());
            assertTrue(ipad.get("udid").asText().matches("0000[0-9A-F]{4}-[0-9A-F]{16}"), ipad.toString());
            assertTrue(ipad.get("imei").isNull(), "a Wi-Fi iPad has no IMEI");

            // DEP shows the asset tag
            abm.createMdmServer("m");
            var token = abm.downloadToken("m");
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "m", "orderNumbers", List.of("W123456789"))));
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            JsonNode page = dep.ok(dep.post("/server/devices", "{}"));
            DepSchemas.assertValid("FetchDeviceResponse.json", page.toString());
            assertEquals(2, page.get("devices").size(), "the two devices of order W123456789");
            assertEquals("ASSET-1", page.at("/devices/0/asset_tag").asText());
        }
    }

    @Test
    void badInventoryCsvIsRefusedWithTheLineAndNothingIsImported() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(0))) {
            assertCsv400(abm, "serial_number,flavour\nX,Y\n", "unknown column 'flavour'");
            assertCsv400(abm, "color\nBlue\n", "serial_number and product_type");
            assertCsv400(abm, "serial_number,product_type\nF17ZQ1ABCD12,\"iPhone99,9\"\n", "line 2: product_type 'iPhone99,9'");
            assertCsv400(abm, "serial_number,product_type\nF17ZQ1ABCD12,\"iPhone15,4\"\nbad serial!,\"iPhone15,4\"\n",
                    "line 3: serial_number 'bad serial!'");
            assertCsv400(abm, "serial_number,model\nF17ZQ1ABCD12,iPhone 15\nF17ZQ1ABCD12,iPhone 15\n", "line 3: serial F17ZQ1ABCD12 appears twice");
            assertCsv400(abm, "serial_number,model,imei\nF17ZQ1ABCD12,iPhone 15,12345\n", "imei '12345'");
            assertCsv400(abm, "serial_number,model,purchase_date\nF17ZQ1ABCD12,iPhone 15,15/01/2025\n", "YYYY-MM-DD");
            assertCsv400(abm, "serial_number,model\n\"F17ZQ1ABCD12,iPhone 15\n", "not closed");
            assertEquals(0, json(abm.adminGet("/admin/devices")).size());
            abm.adminOk(abm.adminPostBytes("/admin/devices/import", "serial_number,model\nF17ZQ1ABCD12,iPhone 15\n"
                    .getBytes(StandardCharsets.UTF_8), "text/csv"));
            assertCsv400(abm, "serial_number,model\nF17ZQ1ABCD12,iPhone 15\n", "already in the inventory");
        }
    }

    @Test
    void everyAssignmentChangeWritesTheMatchingSyncRecords() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(10))) {
            List<String> s = abm.serials();
            abm.createMdmServer("a");
            abm.createMdmServer("b");
            var ta = abm.downloadToken("a");
            var tb = abm.downloadToken("b");
            AbmFixture.Dep a = abm.new Dep(ta, abm.session(ta));
            AbmFixture.Dep b = abm.new Dep(tb, abm.session(tb));
            String ca = DepEndpointsTest.fetchAll(a, new ArrayList<>());
            String cb = DepEndpointsTest.fetchAll(b, new ArrayList<>());

            // assign by CSV upload (header row, one serial a row)
            String csv = "Serial Number\r\n" + s.get(0) + "\r\n" + s.get(1) + "\r\n" + s.get(2) + "\r\n";
            assertEquals(3, abm.adminOk(abm.adminPostBytes("/admin/assignments/csv?mdmServer=a", csv.getBytes(StandardCharsets.UTF_8),
                    "text/csv")).get("assigned").asInt());
            abm.clock.advance(Duration.ofSeconds(1));
            // unassign one, move one to b, release one
            assertEquals(1, abm.adminOk(abm.adminPost("/admin/unassignments", Map.of("serials", List.of(s.get(0))))).get("unassigned").asInt());
            abm.clock.advance(Duration.ofSeconds(1));
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "b", "serials", List.of(s.get(1)))));
            abm.clock.advance(Duration.ofSeconds(1));
            assertEquals(1, abm.adminOk(abm.adminPost("/admin/releases", Map.of("serials", List.of(s.get(2))))).get("released").asInt());

            assertEquals(List.of(s.get(0) + " added", s.get(1) + " added", s.get(2) + " added", s.get(0) + " deleted",
                    s.get(1) + " deleted", s.get(2) + " deleted"), changes(a, ca));
            assertEquals(List.of(s.get(1) + " added"), changes(b, cb));
            assertTrue(json(abm.adminGet("/admin/devices/" + s.get(2))).get("released").asBoolean());
            assertEquals(1, json(abm.adminGet("/admin/devices?released=true")).size());
            assertEquals(8, json(abm.adminGet("/admin/devices?unassigned=true&released=false")).size());
            assertEquals(2, json(abm.adminGet("/admin/devices?offset=8")).size());

            HttpResponse<byte[]> refused = abm.adminPost("/admin/unassignments", Map.of("serials", List.of("NOPE")));
            assertEquals(400, refused.statusCode());
            assertTrue(text(refused).contains("unknown serial NOPE"));
            assertEquals(400, abm.adminPost("/admin/assignments", Map.of("mdmServer", "a", "orderNumbers", List.of("W0"))).statusCode());
            assertEquals(400, abm.adminPostBytes("/admin/assignments/csv?mdmServer=a", "Serial\n".getBytes(StandardCharsets.UTF_8),
                    "text/csv").statusCode());
        }
    }

    @Test
    void paceIsPerMdmServerAndSettable() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(20).devicesPerMinute(60))) {
            abm.createMdmServer("slow");
            abm.createMdmServer("fast");
            assertEquals(60, json(abm.adminGet("/admin/mdm-servers/slow")).get("devicesPerMinute").asInt());
            assertEquals(0, abm.adminOk(abm.adminPut("/admin/mdm-servers/fast/pace", Map.of("devicesPerMinute", "unlimited")))
                    .get("devicesPerMinute").asInt());
            List<String> s = abm.serials();
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "slow", "serials", s.subList(0, 10))));
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "fast", "serials", s.subList(10, 20))));
            var ts = abm.downloadToken("slow");
            var tf = abm.downloadToken("fast");
            AbmFixture.Dep slow = abm.new Dep(ts, abm.session(ts));
            AbmFixture.Dep fast = abm.new Dep(tf, abm.session(tf));
            assertEquals(1, slow.ok(slow.post("/server/devices", "{}")).get("devices").size());
            assertEquals(10, fast.ok(fast.post("/server/devices", "{}")).get("devices").size());
            assertEquals(400, abm.adminPut("/admin/mdm-servers/fast/pace", Map.of("devicesPerMinute", -5)).statusCode());
        }
    }

    private static List<String> changes(AbmFixture.Dep dep, String cursor) {
        List<String> out = new ArrayList<>();
        boolean more;
        do {
            JsonNode page = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + cursor + "\"}"));
            DepSchemas.assertValid("FetchDeviceResponse.json", page.toString());
            page.get("devices").forEach(d -> out.add(d.get("serial_number").asText() + " " + d.get("op_type").asText()));
            cursor = page.get("cursor").asText();
            more = page.get("more_to_follow").asBoolean();
        } while (more);
        return out;
    }

    private static void assertCsv400(AbmFixture abm, String csv, String contains) {
        HttpResponse<byte[]> r = abm.adminPostBytes("/admin/devices/import", csv.getBytes(StandardCharsets.UTF_8), "text/csv");
        assertEquals(400, r.statusCode(), text(r));
        assertTrue(text(r).contains(contains), "'" + text(r) + "' should mention '" + contains + "'");
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
