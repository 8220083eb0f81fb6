package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.DepSchemas;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole MDM-facing story over real sockets: token, session, account, fetch, sync, profiles, cloud config. */
class DepApiTest {

    @Test
    void tokenHasAppleShapedKeysAndExpiresAYearAfterTheClock() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            abm.createMdmServer("mdm-1");
            ServerToken token = abm.downloadToken("mdm-1");
            assertTrue(token.consumerKey().matches("CK_[0-9a-f]{128}"), token.consumerKey());
            assertTrue(token.consumerSecret().startsWith("CS_") && token.accessToken().startsWith("AT_")
                    && token.accessSecret().startsWith("AS_"), token.toString());
            assertEquals(java.time.Instant.parse("2026-06-02T09:00:00Z"), token.accessTokenExpiry());
        }
    }

    @Test
    void fullFlow() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            abm.createMdmServer("mdm-1");
            ServerToken token = abm.downloadToken("mdm-1");
            assertEquals(25, abm.assignAll("mdm-1"));
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));

            // account
            JsonNode account = dep.ok(dep.get("/account"));
            DepSchemas.assertValid("AccountDetail.json", account.toString());
            assertEquals("mdm-1", account.get("server_name").asText());
            assertEquals("Mdmsim Example Inc.", account.get("org_name").asText());
            JsonNode fetchUrl = find(account.get("urls"), "/server/devices");
            assertEquals(100, fetchUrl.at("/limit/default").asInt());
            assertEquals(1000, fetchUrl.at("/limit/maximum").asInt());

            // fetch in pages until more_to_follow is false
            List<String> fetched = new ArrayList<>();
            String cursor = null;
            boolean more;
            int pages = 0;
            do {
                String body = cursor == null ? "{\"limit\":10}" : "{\"limit\":10,\"cursor\":\"" + cursor + "\"}";
                JsonNode page = dep.ok(dep.post("/server/devices", body));
                DepSchemas.assertValid("FetchDeviceResponse.json", page.toString());
                page.get("devices").forEach(d -> {
                    fetched.add(d.get("serial_number").asText());
                    assertFalse(d.has("op_type"), "fetch records carry no op_type: " + d);
                    assertEquals("empty", d.get("profile_status").asText());
                });
                cursor = page.get("cursor").asText();
                more = page.get("more_to_follow").asBoolean();
                pages++;
            } while (more);
            assertEquals(3, pages);
            assertEquals(25, fetched.size());
            assertEquals(25, new HashSet<>(fetched).size());

            // the finished cursor is exhausted for fetch ...
            HttpResponse<byte[]> again = dep.post("/server/devices", "{\"cursor\":\"" + cursor + "\"}");
            assertEquals(400, again.statusCode());
            assertEquals("EXHAUSTED_CURSOR", text(again));

            // ... and is where sync starts: nothing new yet
            JsonNode empty = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + cursor + "\"}"));
            DepSchemas.assertValid("FetchDeviceResponse.json", empty.toString());
            assertEquals(0, empty.get("devices").size());
            assertFalse(empty.get("more_to_follow").asBoolean());
            String syncCursor = empty.get("cursor").asText();

            // define a profile
            String anchor = Base64.getEncoder().encodeToString(encoded(AbmFixture.pki().root().certificate()));
            Map<String, Object> profile = Map.of("profile_name", "Corporate iPhones", "url", "http://127.0.0.1:9/mdm/enroll",
                    "is_supervised", true, "is_mdm_removable", false, "is_mandatory", true, "await_device_configured", true,
                    "department", "IT", "org_magic", "913FABBB-0032-4E13-9966-D6BBAC900331",
                    "skip_setup_items", List.of("Siri", "Location"), "anchor_certs", List.of(anchor));
            JsonNode defined = dep.ok(dep.post("/profile", Json.writeString(profile)));
            DepSchemas.assertValid("DefineProfileResponse.json", defined.toString());
            String profileUuid = defined.get("profile_uuid").asText();
            assertTrue(profileUuid.matches("[0-9A-F]{32}"), profileUuid);

            JsonNode read = dep.ok(dep.get("/profile?profile_uuid=" + profileUuid));
            DepSchemas.assertValid("Profile.json", read.toString());
            assertEquals("Corporate iPhones", read.get("profile_name").asText());
            assertEquals(profileUuid, read.get("profile_uuid").asText());
            assertFalse(read.get("is_mdm_removable").asBoolean());
            assertTrue(read.get("allow_pairing").asBoolean(), "Apple's default");

            // assign it (POST, then PUT as depsim clients do)
            String a = fetched.get(0);
            String b = fetched.get(1);
            JsonNode assigned = dep.ok(dep.post("/profile/devices",
                    "{\"profile_uuid\":\"" + profileUuid + "\",\"devices\":[\"" + a + "\",\"NOTMINE00000\"]}"));
            DepSchemas.assertValid("AssignProfileResponse.json", assigned.toString());
            assertEquals("SUCCESS", assigned.at("/devices/" + a).asText());
            assertEquals("NOT_ACCESSIBLE", assigned.at("/devices/NOTMINE00000").asText());
            abm.clock.advance(Duration.ofSeconds(30));
            JsonNode put = dep.ok(dep.put("/profile/devices", "{\"profile_uuid\":\"" + profileUuid + "\",\"devices\":[\"" + b + "\"]}"));
            DepSchemas.assertValid("AssignProfileResponse.json", put.toString());
            assertEquals("SUCCESS", put.at("/devices/" + b).asText());

            // sync shows both changes, oldest first
            JsonNode changes = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + syncCursor + "\"}"));
            DepSchemas.assertValid("FetchDeviceResponse.json", changes.toString());
            assertEquals(List.of(a, b), serials(changes));
            for (JsonNode d : changes.get("devices")) {
                assertEquals("modified", d.get("op_type").asText());
                assertEquals("assigned", d.get("profile_status").asText());
                assertEquals(profileUuid, d.get("profile_uuid").asText());
            }
            assertEquals("2025-06-02T09:00:00Z", changes.at("/devices/0/profile_assign_time").asText());
            assertEquals("2025-06-02T09:00:30Z", changes.at("/devices/1/op_date").asText());
            syncCursor = changes.get("cursor").asText();

            // the device activates and fetches its cloud configuration
            abm.clock.advance(Duration.ofMinutes(5));
            Identity device = AbmFixture.deviceIdentity("00008110-000A1B2C3D4E5F60", a);
            HttpResponse<byte[]> cc = abm.postCloudConfig(AbmFixture.cloudConfigRequest(device, a, "00008110-000A1B2C3D4E5F60"),
                    "application/pkcs7-signature");
            assertEquals(200, cc.statusCode(), text(cc));
            assertEquals("application/xml", cc.headers().firstValue("Content-Type").orElseThrow());
            NSDictionary record = Plist.parseDictionary(cc.body());
            assertEquals("http://127.0.0.1:9/mdm/enroll", record.get("ConfigurationURL").toJavaObject());
            assertEquals(true, record.get("IsSupervised").toJavaObject());
            assertEquals(true, record.get("IsMandatory").toJavaObject());
            assertEquals(true, record.get("IsMDMUnremovable").toJavaObject());
            assertEquals(true, record.get("AwaitDeviceConfigured").toJavaObject());
            assertEquals(false, record.get("IsMultiUser").toJavaObject());
            assertEquals(List.of("Siri", "Location"), List.of(((NSArray) record.get("SkipSetup")).getArray()).stream()
                    .map(o -> o.toJavaObject()).toList());
            NSArray anchors = (NSArray) record.get("AnchorCertificates");
            assertEquals(1, anchors.count());
            assertEquals(anchor, Base64.getEncoder().encodeToString(((NSData) anchors.objectAtIndex(0)).bytes()));
            assertEquals("Mdmsim Example Inc.", record.get("OrganizationName").toJavaObject());
            assertEquals("IT", record.get("OrganizationDepartment").toJavaObject());
            assertEquals("913FABBB-0032-4E13-9966-D6BBAC900331", record.get("OrganizationMagic").toJavaObject());
            assertEquals(1, ((NSNumber) record.get("MDMProtocolVersion")).intValue());

            // ... which marks it pushed, visible to sync and the admin API
            JsonNode pushed = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + syncCursor + "\"}"));
            DepSchemas.assertValid("FetchDeviceResponse.json", pushed.toString());
            assertEquals(List.of(a), serials(pushed));
            assertEquals("pushed", pushed.at("/devices/0/profile_status").asText());
            assertEquals("2025-06-02T09:05:30Z", pushed.at("/devices/0/profile_push_time").asText());
            JsonNode adminView = json(abm.adminGet("/admin/devices/" + a));
            assertEquals("pushed", adminView.get("profileStatus").asText());
            assertEquals("mdm-1", adminView.get("mdmServer").asText());

            // a new token download makes the old keys (and their sessions) fail
            ServerToken renewed = abm.downloadToken("mdm-1");
            HttpResponse<byte[]> oldKeys = abm.sessionRequest(abm.authorization(token, abm.nextNonce(), abm.clock.now()));
            assertEquals(401, oldKeys.statusCode());
            assertEquals("UNAUTHORIZED", text(oldKeys));
            HttpResponse<byte[]> oldSession = dep.get("/account");
            assertEquals(401, oldSession.statusCode());
            assertEquals("UNAUTHORIZED", text(oldSession));
            AbmFixture.Dep fresh = abm.new Dep(renewed, abm.session(renewed));
            assertEquals("mdm-1", fresh.ok(fresh.get("/account")).get("server_name").asText());
        }
    }

    @Test
    void devicesAppearAtTheConfiguredPaceAsAddedRecords() {
        try (AbmFixture abm = new AbmFixture(b -> b.devicesPerMinute(60))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            JsonNode first = dep.ok(dep.post("/server/devices", "{}"));
            assertEquals(1, first.get("devices").size(), "only the first is visible at once at one per second");
            assertFalse(first.get("more_to_follow").asBoolean());
            abm.clock.advance(Duration.ofMillis(9_500));
            JsonNode added = dep.ok(dep.post("/devices/sync", "{\"cursor\":\"" + first.get("cursor").asText() + "\"}"));
            assertEquals(9, added.get("devices").size());
            added.get("devices").forEach(d -> assertEquals("added", d.get("op_type").asText()));
            assertEquals(added.at("/devices/0/op_date"), added.at("/devices/0/device_assigned_date"));
            DepSchemas.assertValid("FetchDeviceResponse.json", added.toString());
        }
    }

    @Test
    void limitDefaultsAndIsClampedToWhatAccountAdvertises() {
        try (AbmFixture abm = new AbmFixture(b -> b.fetchLimit(4, 10))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            assertEquals(4, dep.ok(dep.post("/server/devices", "")).get("devices").size());
            JsonNode clamped = dep.ok(dep.post("/server/devices", "{\"limit\":5000}"));
            assertEquals(10, clamped.get("devices").size());
            assertTrue(clamped.get("more_to_follow").asBoolean());
            JsonNode url = find(dep.ok(dep.get("/account")).get("urls"), "/devices/sync");
            assertEquals(4, url.at("/limit/default").asInt());
            assertEquals(10, url.at("/limit/maximum").asInt());
        }
    }

    @Test
    void olderProtocolVersionsGetTheOlderShape() {
        try (AbmFixture abm = new AbmFixture(b -> {})) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            HttpResponse<byte[]> v1 = abm.send(java.net.http.HttpRequest.newBuilder(abm.uri("/account"))
                    .header("User-Agent", AbmFixture.USER_AGENT).header("X-ADM-Auth-Session", dep.session).GET().build());
            JsonNode account = json(v1);
            assertFalse(account.has("urls"), account.toString());
            assertFalse(account.has("org_id"), account.toString());
            HttpResponse<byte[]> v2 = abm.send(dep.request("/server/devices").setHeader("X-Server-Protocol-Version", "2")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"limit\":1000}")).build());
            for (JsonNode d : json(v2).get("devices")) {
                assertEquals("iOS", d.get("os").asText(), "iPads are iOS before version 7: " + d);
            }
            JsonNode v10 = dep.ok(dep.post("/server/devices", "{\"limit\":1000}"));
            boolean sawIpad = false;
            for (JsonNode d : v10.get("devices")) {
                if (d.get("device_family").asText().equals("iPad")) {
                    sawIpad = true;
                    assertEquals("iPadOS", d.get("os").asText());
                }
            }
            assertTrue(sawIpad, "seed 7 has iPads among 25 devices");
        }
    }

    @Test
    void sessionsExpireAfterTheConfiguredTtl() {
        try (AbmFixture abm = new AbmFixture(b -> b.sessionTtl(Duration.ofMinutes(10)))) {
            AbmFixture.Dep dep = abm.mdmWithAllDevices("mdm-1");
            abm.clock.advance(Duration.ofMinutes(9));
            assertEquals(200, dep.get("/account").statusCode());
            abm.clock.advance(Duration.ofMinutes(1));
            HttpResponse<byte[]> expired = dep.get("/account");
            assertEquals(401, expired.statusCode());
            assertEquals("UNAUTHORIZED", text(expired));
            assertTrue(expired.headers().firstValue("X-Mdmsim-Detail").orElseThrow().contains("expired"));
        }
    }

    private static JsonNode find(JsonNode urls, String uri) {
        for (JsonNode u : urls) {
            if (u.get("uri").asText().equals(uri)) {
                return u;
            }
        }
        throw new AssertionError("no url " + uri + " in " + urls);
    }

    private static List<String> serials(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("devices").forEach(d -> out.add(d.get("serial_number").asText()));
        return out;
    }

    private static byte[] encoded(java.security.cert.X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
