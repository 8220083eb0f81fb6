package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static io.mdmsim.abm.AbmFixture.text;
import static io.mdmsim.abm.DepBadInputTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.testing.DepSchemas;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DEP endpoints beyond fetch/sync/profile: details, disown, clear profile, activation lock; version shaping. */
class DepEndpointsTest {

    @Test
    void deviceDetailsShowsOwnDevicesAndNotAccessibleForOthers() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            List<String> serials = abm.serials();
            abm.createMdmServer("mdm-1");
            var token = abm.downloadToken("mdm-1");
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "serials", serials.subList(0, 3))));
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            String body = "{\"devices\":[\"" + serials.get(0) + "\",\"" + serials.get(10) + "\",\"NOSUCHSERIAL\"]}";
            JsonNode r = dep.ok(dep.post("/devices", body));
            JsonNode own = r.at("/devices/" + serials.get(0));
            assertEquals("SUCCESS", own.get("response_status").asText());
            assertEquals(serials.get(0), own.get("serial_number").asText());
            assertEquals("empty", own.get("profile_status").asText());
            assertFalse(own.has("op_type"), own.toString());
            DepSchemas.assertValid("Device.json", own.toString());
            // Apple's form for a serial the server can't see: the status alone
            assertEquals("{\"response_status\":\"NOT_ACCESSIBLE\"}", r.at("/devices/" + serials.get(10)).toString());
            assertEquals("{\"response_status\":\"NOT_ACCESSIBLE\"}", r.at("/devices/NOSUCHSERIAL").toString());

            assertRefused(dep.post("/devices", "{}"), 400, "DEVICE_ID_REQUIRED", "devices");
            assertRefused(dep.post("/devices", "{\"devices\":[]}"), 400, "DEVICE_ID_REQUIRED", "devices");
        }
    }

    @Test
    void disownReleasesTheDevicesAndSyncShowsThemDeleted() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            List<String> serials = abm.serials();
            String cursor = fetchAll(dep, new ArrayList<>());
            abm.clock.advance(Duration.ofMinutes(1));
            JsonNode r = dep.ok(dep.post("/devices/disown", "{\"devices\":[\"" + serials.get(0) + "\",\"NOSUCHSERIAL\"]}"));
            DepSchemas.assertValid("DeviceStatusResponse.json", r.toString());
            assertEquals("SUCCESS", r.at("/devices/" + serials.get(0)).asText());
            assertEquals("NOT_ACCESSIBLE", r.at("/devices/NOSUCHSERIAL").asText());
            JsonNode sync = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + cursor + "\"}"));
            DepSchemas.assertValid("FetchDeviceResponse.json", sync.toString());
            assertEquals(1, sync.get("devices").size());
            assertEquals("deleted", sync.at("/devices/0/op_type").asText());
            JsonNode admin = json(abm.adminGet("/admin/devices/" + serials.get(0)));
            assertTrue(admin.get("released").asBoolean(), admin.toString());
            assertTrue(admin.get("mdmServer").isNull(), admin.toString());
            // gone for good: the admin can't assign it again
            HttpResponse<byte[]> again = abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "serials", List.of(serials.get(0))));
            assertEquals(400, again.statusCode());
            assertTrue(text(again).contains("released"), text(again));
        }
    }

    @Test
    void clearProfileMarksTheDeviceRemovedWithAModifiedRecord() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            List<String> serials = abm.serials();
            String profile = defineProfile(dep);
            dep.ok(dep.post("/profile/devices", "{\"profile_uuid\":\"" + profile + "\",\"devices\":[\"" + serials.get(0) + "\"]}"));
            String cursor = fetchAll(dep, new ArrayList<>());
            abm.clock.advance(Duration.ofSeconds(10));
            JsonNode r = dep.ok(dep.delete("/profile/devices", "{\"devices\":[\"" + serials.get(0) + "\",\"" + serials.get(1)
                    + "\",\"NOSUCHSERIAL\"],\"profile_uuid\":\"ignored\"}"));
            DepSchemas.assertValid("ClearProfileResponse.json", r.toString());
            assertEquals("SUCCESS", r.at("/devices/" + serials.get(0)).asText());
            assertEquals("SUCCESS", r.at("/devices/" + serials.get(1)).asText(), "a device without a profile: nothing to remove");
            assertEquals("NOT_ACCESSIBLE", r.at("/devices/NOSUCHSERIAL").asText());
            JsonNode sync = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + cursor + "\"}"));
            assertEquals(1, sync.get("devices").size(), sync.toString());
            JsonNode d = sync.at("/devices/0");
            assertEquals("modified", d.get("op_type").asText());
            assertEquals("removed", d.get("profile_status").asText());
            assertFalse(d.has("profile_uuid"), d.toString());
            assertRefused(dep.delete("/profile/devices", "{\"devices\":[]}"), 400, "DEVICE_ID_REQUIRED", "devices");
        }
    }

    @Test
    void activationLock() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(5))) {
            List<String> serials = abm.serials();
            abm.createMdmServer("mdm-1");
            var token = abm.downloadToken("mdm-1");
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-1", "serials", serials.subList(0, 1))));
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            String escrow = "30a3449822ae82b94f1839ee0248a9e2350247d4b325071e6deb84285a6bfb34";
            JsonNode locked = dep.ok(dep.post("/device/activationlock", "{\"device\":\"" + serials.get(0)
                    + "\",\"escrow_key\":\"" + escrow + "\",\"lost_message\":\"call IT\"}"));
            DepSchemas.assertValid("ActivationLockStatusResponse.json", locked.toString());
            assertEquals(serials.get(0), locked.get("serial_number").asText());
            assertEquals("SUCCESS", locked.get("response_status").asText());
            assertEquals("DEVICE_ALREADY_LOCKED", dep.ok(dep.post("/device/activationlock", "{\"device\":\"" + serials.get(0) + "\"}"))
                    .get("response_status").asText());
            assertEquals("NOT_ACCESSIBLE", dep.ok(dep.post("/device/activationlock", "{\"device\":\"" + serials.get(1) + "\"}"))
                    .get("response_status").asText());
            assertTrue(json(abm.adminGet("/admin/devices/" + serials.get(0))).get("activationLocked").asBoolean());
            assertEquals(true, json(abm.adminDelete("/admin/devices/" + serials.get(0) + "/activation-lock")).get("wasLocked").asBoolean());
            assertEquals("SUCCESS", dep.ok(dep.post("/device/activationlock", "{\"device\":\"" + serials.get(0) + "\"}"))
                    .get("response_status").asText());

            assertRefused(dep.post("/device/activationlock", "{}"), 400, "MALFORMED_REQUEST_BODY", "device is required");
            assertRefused(dep.post("/device/activationlock", "{\"device\":\"" + serials.get(0) + "\",\"escrow_key\":\"1234-5678\"}"),
                    400, "MALFORMED_REQUEST_BODY", "64 hex digits");
        }
    }

    @Test
    void protocolVersionShapesAccountDevicesProfilesAndMigrationDeadlines() {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(40))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            String deadline = "2025-09-01T00:00:00Z";
            abm.createMdmServer("mdm-2");
            var token2 = abm.downloadToken("mdm-2");
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-2", "all", true, "migrationDeadline", deadline)));
            AbmFixture.Dep dep2 = abm.new Dep(token2, abm.session(token2));

            JsonNode v2 = dep2.v(2).ok(dep2.v(2).get("/account"));
            assertFalse(v2.has("urls") || v2.has("org_id"), v2.toString());
            JsonNode v3 = dep2.v(3).ok(dep2.v(3).get("/account"));
            assertTrue(v3.has("urls") && v3.has("org_id") && v3.has("org_id_hash") && v3.has("org_type"), v3.toString());
            DepSchemas.assertValid("AccountDetail.json", v3.toString());

            for (int version : List.of(1, 2, 6, 7, 8, 10)) {
                AbmFixture.Dep d = dep2.v(version);
                JsonNode page = d.ok(d.post("/server/devices", "{\"limit\":1000}"));
                DepSchemas.assertValid("FetchDeviceResponse.json", page.toString());
                boolean sawIpad = false;
                for (JsonNode dev : page.get("devices")) {
                    assertEquals(version >= 2, dev.has("device_family"), version + ": " + dev);
                    assertEquals(version >= 2, dev.has("os"), version + ": " + dev);
                    assertEquals(version >= 8, dev.has("mdm_migration_deadline"), version + ": " + dev);
                    if (version >= 8) {
                        assertEquals(deadline, dev.get("mdm_migration_deadline").asText());
                    }
                    if (version >= 2 && dev.get("device_family").asText().equals("iPad")) {
                        sawIpad = true;
                        assertEquals(version >= 7 ? "iPadOS" : "iOS", dev.get("os").asText(), version + ": " + dev);
                    }
                }
                assertTrue(version < 2 || sawIpad, "40 devices of seed 7 include an iPad");
            }

            String profile = dep2.ok(dep2.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/e\","
                    + "\"await_device_configured\":true,\"support_email_address\":\"it@example.com\"}")).get("profile_uuid").asText();
            JsonNode p1 = dep2.v(1).ok(dep2.v(1).get("/profile?profile_uuid=" + profile));
            assertFalse(p1.has("await_device_configured") || p1.has("support_email_address"), p1.toString());
            JsonNode p2 = dep2.v(2).ok(dep2.v(2).get("/profile?profile_uuid=" + profile));
            assertTrue(p2.get("await_device_configured").asBoolean());
            assertEquals("it@example.com", p2.get("support_email_address").asText());
            DepSchemas.assertValid("Profile.json", p2.toString());
            // the first server lost them all to the move
            assertEquals(0, dep.ok(dep.post("/server/devices", "{}")).get("devices").size());
        }
    }

    @Test
    void throttledOnlyFromVersionNineAndRetryAfterFromTen() {
        try (AbmFixture abm = new AbmFixture(b -> b.assignCooldown(Duration.ofMinutes(5)))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            List<String> serials = abm.serials();
            String profile = defineProfile(dep);
            String body = "{\"profile_uuid\":\"" + profile + "\",\"devices\":[\"" + serials.get(0) + "\",\"" + serials.get(1) + "\"]}";
            JsonNode first = dep.ok(dep.post("/profile/devices", body));
            assertEquals("SUCCESS", first.at("/devices/" + serials.get(0)).asText());
            assertFalse(first.has("retry_after_seconds"), first.toString());
            abm.clock.advance(Duration.ofSeconds(100));

            JsonNode v10 = dep.ok(dep.post("/profile/devices", body));
            DepSchemas.assertValid("AssignProfileResponse.json", v10.toString());
            assertEquals("THROTTLED", v10.at("/devices/" + serials.get(0)).asText());
            assertEquals(200, v10.get("retry_after_seconds").asInt());
            JsonNode v9 = dep.v(9).ok(dep.v(9).post("/profile/devices", body));
            assertEquals("THROTTLED", v9.at("/devices/" + serials.get(1)).asText());
            assertFalse(v9.has("retry_after_seconds"), v9.toString());
            JsonNode v8 = dep.v(8).ok(dep.v(8).post("/profile/devices", body));
            assertEquals("FAILED", v8.at("/devices/" + serials.get(1)).asText());

            abm.clock.advance(Duration.ofSeconds(200));
            assertEquals("SUCCESS", dep.ok(dep.post("/profile/devices", body)).at("/devices/" + serials.get(0)).asText());
        }
    }

    @Test
    void sessionRotatesEveryNthCallAndTheOldTokenStopsWorking() {
        try (AbmFixture abm = new AbmFixture(b -> b.sessionRotateEvery(3))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            assertTrue(dep.get("/account").headers().firstValue("X-ADM-Auth-Session").isEmpty());
            assertTrue(dep.get("/account").headers().firstValue("X-ADM-Auth-Session").isEmpty());
            HttpResponse<byte[]> third = dep.get("/account");
            assertEquals(200, third.statusCode());
            String rotated = third.headers().firstValue("X-ADM-Auth-Session").orElseThrow();
            assertNotEquals(dep.session, rotated);
            assertRefused(dep.get("/account"), 401, "UNAUTHORIZED", "unknown X-ADM-Auth-Session");
            AbmFixture.Dep next = dep.withSession(rotated);
            assertEquals(200, next.get("/account").statusCode());
            // a refused call that rotates still hands out the new token
            next.get("/account");
            HttpResponse<byte[]> refused = next.post("/devices/sync", "{}");
            assertEquals(400, refused.statusCode());
            assertTrue(refused.headers().firstValue("X-ADM-Auth-Session").isPresent(), "rotation on an error answer too");
        }
    }

    @Test
    void allAnswersCarryApplesContentType() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            assertEquals("application/json;charset=UTF8", dep.get("/account").headers().firstValue("Content-Type").orElseThrow());
        }
    }

    static String defineProfile(AbmFixture.Dep dep) {
        return dep.ok(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/enroll\",\"is_supervised\":true}"))
                .get("profile_uuid").asText();
    }

    /** Fetches everything; returns the last cursor. */
    static String fetchAll(AbmFixture.Dep dep, List<String> into) {
        String cursor = null;
        boolean more;
        do {
            JsonNode page = dep.ok(dep.post("/server/devices", cursor == null ? "{\"limit\":1000}"
                    : "{\"limit\":1000,\"cursor\":\"" + cursor + "\"}"));
            page.get("devices").forEach(d -> into.add(d.get("serial_number").asText()));
            cursor = page.get("cursor").asText();
            more = page.get("more_to_follow").asBoolean();
        } while (more);
        return cursor;
    }
}
