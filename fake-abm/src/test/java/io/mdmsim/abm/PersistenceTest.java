package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.testing.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --data-dir: stop the fake, start it again on the same directory, and everything an MDM relies on is still there. */
class PersistenceTest {

    @TempDir
    Path dir;

    @Test
    void tokensDevicesAssignmentsProfilesChangeLogsAndCursorsSurviveARestart() throws Exception {
        ServerToken token;
        String profile;
        String fetchCursor;
        String syncCursor;
        List<String> serials;
        List<String> changesBefore;
        JsonNode devicesBefore;
        Instant stoppedAt;
        try (AbmFixture abm = new AbmFixture(b -> b.dataDir(dir).devicesPerMinute(60))) {
            serials = abm.serials();
            abm.createMdmServer("mdm-1");
            token = abm.downloadToken("mdm-1");
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "serials", serials.subList(0, 20))));
            abm.clock.advance(Duration.ofSeconds(9));
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            List<String> fetched = new ArrayList<>();
            fetchCursor = DepEndpointsTest.fetchAll(dep, fetched);
            assertEquals(10, fetched.size(), "one a second at 60 a minute");
            profile = DepEndpointsTest.defineProfile(dep);
            dep.ok(dep.post("/profile/devices", "{\"profile_uuid\":\"" + profile + "\",\"devices\":[\"" + serials.get(0) + "\"]}"));
            abm.adminOk(abm.adminPost("/admin/unassignments", Map.of("serials", List.of(serials.get(1)))));
            abm.adminOk(abm.adminPost("/admin/releases", Map.of("serials", List.of(serials.get(2)))));
            abm.adminOk(abm.adminPost("/admin/unassignments", Map.of("serials", List.of(serials.get(19))))); // not visible yet
            JsonNode sync = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + fetchCursor + "\"}"));
            syncCursor = sync.get("cursor").asText();
            changesBefore = ops(sync);
            assertEquals(List.of(serials.get(0) + " modified", serials.get(1) + " deleted", serials.get(2) + " deleted"), changesBefore);
            devicesBefore = json(abm.adminGet("/admin/devices"));
            stoppedAt = abm.clock.now();
        }
        assertTrue(Files.isRegularFile(dir.resolve("abm.db")));

        // users can look inside with any SQLite client
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("abm.db"));
                ResultSet rs = db.createStatement().executeQuery(
                        "SELECT count(*) FROM assignments WHERE mdm_server = 'mdm-1'")) {
            rs.next();
            assertEquals(17, rs.getInt(1), "20 assigned, one unassigned, one released, one withdrawn before it showed");
        }

        try (AbmFixture abm = new AbmFixture(b -> b.dataDir(dir).devicesPerMinute(60).seed(999))) {
            abm.clock.set(stoppedAt);
            assertEquals(devicesBefore, json(abm.adminGet("/admin/devices")),
                    "inventory and assignment state (the stored inventory, not one drawn from the new --seed)");
            // the token still opens sessions
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            assertEquals("mdm-1", dep.ok(dep.get("/account")).get("server_name").asText());
            // the profile is still there
            assertEquals("p", dep.ok(dep.get("/profile?profile_uuid=" + profile)).get("profile_name").asText());
            // cursors from before the restart still work: the fetch one is exhausted, sync from it gives the same changes
            DepBadInputTest.assertRefused(dep.post("/server/devices", "{\"cursor\":\"" + fetchCursor + "\"}"), 400,
                    "EXHAUSTED_CURSOR", "already returned all");
            assertEquals(changesBefore, ops(dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + fetchCursor + "\"}"))));
            assertEquals(List.of(), ops(dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + syncCursor + "\"}"))));
            // the pace queue carries on: nine more (10..18; 19 was withdrawn) show up as added
            abm.clock.advance(Duration.ofSeconds(60));
            List<String> added = ops(dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + syncCursor + "\"}")));
            List<String> expected = new ArrayList<>();
            for (int i = 10; i < 19; i++) {
                expected.add(serials.get(i) + " added");
            }
            assertEquals(expected, added);
            // a new download after the restart gives new keys, and the old token stops working
            ServerToken renewed = abm.downloadToken("mdm-1");
            assertNotEquals(token.consumerKey(), renewed.consumerKey());
            assertEquals(401, abm.sessionRequest(abm.authorization(token, abm.nextNonce(), abm.clock.now())).statusCode());
        }
        try (AbmFixture abm = new AbmFixture(b -> b.dataDir(dir))) {
            abm.clock.set(stoppedAt.plusSeconds(120));
            assertEquals(devicesBefore.size(), json(abm.adminGet("/admin/devices")).size());
        }
    }

    @Test
    void theDatabaseReadsWithTheSqlite3Shell() {
        java.nio.file.Path sqlite3 = ExternalTools.require("sqlite3", "sqlite3");
        try (AbmFixture abm = new AbmFixture(b -> b.dataDir(dir).deviceCount(3))) {
            abm.createMdmServer("mdm-1");
            abm.downloadToken("mdm-1");
            abm.assignAll("mdm-1");
        }
        String out = ExternalTools.run(null, sqlite3, "-separator", " ", dir.resolve("abm.db"),
                "SELECT op_type, count(*) FROM change_log GROUP BY op_type; SELECT name, consumer_key IS NOT NULL FROM mdm_servers;"
                        + " SELECT count(*) FROM assignments WHERE mdm_server = 'mdm-1';").stdoutText();
        assertEquals("added 3\nmdm-1 1\n3\n", out);
    }

    private static List<String> ops(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("devices").forEach(d -> out.add(d.get("serial_number").asText() + " " + d.get("op_type").asText()));
        return out;
    }
}
