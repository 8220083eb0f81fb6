package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.json;
import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.testing.DepSchemas;
import io.mdmsim.core.testing.ExternalTools;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: a test plays an MDM server against the fake ABM over real HTTP — token decrypted with
 * {@code openssl cms} as well as in Java, session, 5,000 devices fetched in pages, syncs after assign, unassign and
 * release with the right op_types, a profile defined and assigned, and each documented error with Apple's status and
 * code, the server serving on after every bad input. Every JSON answer is checked against the DEP schemas.
 */
class AcceptanceTest {

    @TempDir
    Path tmp;

    @Test
    void anMdmServerOverRealHttp() throws Exception {
        try (AbmFixture abm = new AbmFixture(b -> b.deviceCount(5000).devicesPerMinute(0))) {
            // ABM admin: an MDM server with the MDM's certificate, every device assigned, the token downloaded
            abm.createMdmServer("mdm-under-test");
            assertEquals(5000, abm.assignAll("mdm-under-test"));
            HttpResponse<byte[]> download = abm.adminPostEmpty("/admin/mdm-servers/mdm-under-test/token");
            assertEquals(200, download.statusCode());
            Path p7m = Files.write(tmp.resolve("mdm-under-test_Token.p7m"), download.body());

            // the MDM decrypts it: openssl cms and Java agree
            ServerToken token = ServerToken.fromP7m(download.body(), AbmFixture.mdmIdentity().certificate(),
                    AbmFixture.mdmIdentity().privateKey());
            Path openssl = ExternalTools.require("openssl", "openssl");
            Path cert = Files.writeString(tmp.resolve("mdm.pem"), Pem.encode(AbmFixture.mdmIdentity().certificate()));
            Path key = Files.writeString(tmp.resolve("mdm.key"), Pem.encode(AbmFixture.mdmIdentity().privateKey()));
            ExternalTools.Result decrypted = ExternalTools.run(null, openssl, "cms", "-decrypt", "-in", p7m, "-recip", cert,
                    "-inkey", key);
            String mime = decrypted.stdoutText();
            assertTrue(mime.contains("-----BEGIN MESSAGE-----"), mime);
            assertEquals(token, ServerToken.fromMimeContent(decrypted.stdout()));

            // session and account
            AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
            JsonNode account = schema("AccountDetail.json", dep.ok(dep.get("/account")));
            assertEquals("mdm-under-test", account.get("server_name").asText());

            // fetch 5,000 devices in pages of 1,000
            Set<String> fetched = new HashSet<>();
            String cursor = null;
            int pages = 0;
            boolean more;
            do {
                JsonNode page = schema("FetchDeviceResponse.json", dep.ok(dep.post("/server/devices",
                        cursor == null ? "{\"limit\":1000}" : "{\"limit\":1000,\"cursor\":\"" + cursor + "\"}")));
                page.get("devices").forEach(d -> fetched.add(d.get("serial_number").asText()));
                cursor = page.get("cursor").asText();
                more = page.get("more_to_follow").asBoolean();
                pages++;
            } while (more);
            assertEquals(5, pages);
            assertEquals(5000, fetched.size());
            expect(dep.post("/server/devices", "{\"cursor\":\"" + cursor + "\"}"), 400, "EXHAUSTED_CURSOR");

            // ABM changes: 10 new devices assigned, 3 unassigned, 2 released → the right op_types in sync
            abm.clock.advance(Duration.ofMinutes(1));
            List<String> fresh = new ArrayList<>();
            abm.adminOk(abm.adminPost("/admin/devices", Map.of("count", 10))).get("serials").forEach(s -> fresh.add(s.asText()));
            abm.adminOk(abm.adminPost("/admin/assignments", Map.of("mdmServer", "mdm-under-test", "serials", fresh)));
            List<String> some = new ArrayList<>(fetched).subList(0, 5);
            abm.adminOk(abm.adminPost("/admin/unassignments", Map.of("serials", some.subList(0, 3))));
            abm.adminOk(abm.adminPost("/admin/releases", Map.of("serials", some.subList(3, 5))));
            Map<String, String> ops = new LinkedHashMap<>();
            cursor = sync(dep, cursor, ops);
            Map<String, String> expected = new LinkedHashMap<>();
            fresh.forEach(s -> expected.put(s, "added"));
            some.forEach(s -> expected.put(s, "deleted"));
            assertEquals(expected, ops);

            // define a profile and assign it: modified records with profile_status assigned
            abm.clock.advance(Duration.ofMinutes(1));
            JsonNode defined = schema("DefineProfileResponse.json", dep.ok(dep.post("/profile", """
                    {"profile_name":"Acceptance","url":"https://mdm.example.com/enroll","is_supervised":true,
                     "is_mdm_removable":false,"await_device_configured":true,"department":"QA",
                     "skip_setup_items":["Siri","Location","AppleID"]}""")));
            String profile = defined.get("profile_uuid").asText();
            schema("Profile.json", dep.ok(dep.get("/profile?profile_uuid=" + profile)));
            List<String> batch = new ArrayList<>(fetched).subList(10, 110);
            JsonNode assigned = schema("AssignProfileResponse.json", dep.ok(dep.post("/profile/devices",
                    Json.string(Map.of("profile_uuid", profile, "devices", batch)))));
            batch.forEach(s -> assertEquals("SUCCESS", assigned.at("/devices/" + s).asText()));
            ops.clear();
            cursor = sync(dep, cursor, ops);
            assertEquals(100, ops.size());
            assertTrue(ops.values().stream().allMatch("modified"::equals), ops.toString());
            JsonNode details = dep.ok(dep.post("/devices", Json.string(Map.of("devices", batch.subList(0, 1)))));
            assertEquals("assigned", details.at("/devices/" + batch.getFirst() + "/profile_status").asText());
            schema("Device.json", details.at("/devices/" + batch.getFirst()));

            // every documented error, each followed by a good request
            String good = cursor;
            Supplier<HttpResponse<byte[]>> ok = () -> dep.get("/account");
            String base = "\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\"";
            expectThenServe(dep.post("/devices/sync", "{}"), 400, "CURSOR_REQUIRED", ok);
            expectThenServe(dep.post("/devices/sync", "{\"cursor\":\"garbage\"}"), 400, "INVALID_CURSOR", ok);
            expectThenServe(dep.post("/server/devices", "{\"limit\":"), 400, "MALFORMED_REQUEST_BODY", ok);
            expectThenServe(dep.post("/devices", "{\"devices\":[]}"), 400, "DEVICE_ID_REQUIRED", ok);
            expectThenServe(dep.post("/profile/devices", "{\"devices\":[\"X\"]}"), 400, "PROFILE_UUID_REQUIRED", ok);
            expectThenServe(dep.post("/profile/devices", "{\"profile_uuid\":\"NOPE\",\"devices\":[\"X\"]}"), 404, "PROFILE_NOT_FOUND", ok);
            expectThenServe(dep.get("/profile"), 400, "PROFILE_UUID_REQUIRED", ok);
            expectThenServe(dep.get("/profile?profile_uuid=NOPE"), 404, "NOT_FOUND", ok);
            expectThenServe(dep.post("/profile", "{\"url\":\"https://mdm.example.com/\"}"), 400, "CONFIG_NAME_REQUIRED", ok);
            expectThenServe(dep.post("/profile", "{\"profile_name\":\"\",\"url\":\"https://mdm.example.com/\"}"), 400, "CONFIG_NAME_INVALID", ok);
            expectThenServe(dep.post("/profile", "{\"profile_name\":\"p\"}"), 400, "CONFIG_URL_REQUIRED", ok);
            expectThenServe(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"not a url\"}"), 400, "CONFIG_URL_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"department\":\"\"}"), 400, "DEPARTMENT_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"is_mdm_removable\":false}"), 400, "FLAGS_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"region\":\"usa\"}"), 400, "LOCALE_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"org_magic\":\"\"}"), 400, "MAGIC_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"support_email_address\":\"x\"}"), 400, "SUPPORT_EMAIL_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"support_phone_number\":\"\"}"), 400, "SUPPORT_PHONE_INVALID", ok);
            expectThenServe(dep.post("/profile", "{" + base + ",\"skip_setup_items\":[\"NoSuchPane\"]}"), 400,
                    "SKIP_SETUP_ITEM_INVALID", ok);
            expectThenServe(dep.post("/device/activationlock", "{}"), 400, "MALFORMED_REQUEST_BODY", ok);
            expectThenServe(abm.send(dep.request("/account").setHeader("User-Agent", "").GET().build()), 400, "USER_AGENT_MISSING", ok);
            expectThenServe(abm.send(dep.request("/account").setHeader("User-Agent", "x".repeat(2000)).GET().build()), 400, "USER_AGENT_INVALID", ok);
            expectThenServe(dep.withSession("forged").get("/account"), 401, "UNAUTHORIZED", ok);
            expectThenServe(dep.post("/profile/devices", "{\"devices\":[\"" + "S".repeat(1_100_000) + "\"]}"), 413,
                    "MALFORMED_REQUEST_BODY", ok);
            JsonNode clamped = dep.ok(dep.post("/server/devices", "{\"limit\":100000}"));
            assertEquals(1000, clamped.get("devices").size(), "a limit above the maximum is clamped to it");
            // OAuth: wrong signature, replayed nonce
            ServerToken wrong = new ServerToken(token.consumerKey(), "CS_wrong", token.accessToken(), token.accessSecret(),
                    token.accessTokenExpiry());
            expectThenServe(abm.sessionRequest(abm.authorization(wrong, abm.nextNonce(), abm.clock.now())), 401, "UNAUTHORIZED", ok);
            String header = abm.authorization(token, abm.nextNonce(), abm.clock.now());
            assertEquals(200, abm.sessionRequest(header).statusCode());
            expectThenServe(abm.sessionRequest(header), 401, "UNAUTHORIZED", ok);
            // 403s: terms not accepted, access denied, a dropped session answered FORBIDDEN
            abm.adminOk(abm.adminPost("/admin/faults", Map.of("endpoint", "/account", "script", List.of("T_C_NOT_SIGNED", "ACCESS_DENIED"))));
            expect(dep.get("/account"), 403, "T_C_NOT_SIGNED");
            expectThenServe(dep.get("/account"), 403, "ACCESS_DENIED", ok);
            // THROTTLED (version 9+) with retry_after_seconds (10+)
            abm.adminOk(abm.adminPut("/admin/settings", Map.of("assignCooldown", "PT1H")));
            JsonNode throttled = schema("AssignProfileResponse.json", dep.ok(dep.post("/profile/devices",
                    Json.string(Map.of("profile_uuid", profile, "devices", batch.subList(0, 1))))));
            assertEquals("THROTTLED", throttled.at("/devices/" + batch.getFirst()).asText());
            assertTrue(throttled.get("retry_after_seconds").asInt() > 3000, throttled.toString());
            // expired cursor after seven days (a fresh session: the old one has long expired)
            abm.clock.advance(Duration.ofDays(7).plusMinutes(1));
            AbmFixture.Dep later = dep.withSession(abm.session(token));
            expectThenServe(later.post("/devices/sync", "{\"cursor\":\"" + good + "\"}"), 400, "EXPIRED_CURSOR", () -> later.get("/account"));
            abm.adminOk(abm.adminPost("/admin/faults/session-loss", Map.of("status", 403)));
            expect(later.get("/account"), 403, "FORBIDDEN");
            assertEquals(200, later.withSession(abm.session(token)).get("/account").statusCode());
        }
    }

    private static String sync(AbmFixture.Dep dep, String cursor, Map<String, String> ops) {
        boolean more;
        do {
            JsonNode page = schema("FetchDeviceResponse.json", dep.ok(dep.post("/devices/sync",
                    "{\"limit\":1000,\"cursor\":\"" + cursor + "\"}")));
            for (JsonNode d : page.get("devices")) {
                assertTrue(d.has("op_date"), d.toString());
                ops.put(d.get("serial_number").asText(), d.get("op_type").asText());
            }
            cursor = page.get("cursor").asText();
            more = page.get("more_to_follow").asBoolean();
        } while (more);
        return cursor;
    }

    private static JsonNode schema(String file, JsonNode body) {
        DepSchemas.assertValid(file, body.toString());
        return body;
    }

    private static void expect(HttpResponse<byte[]> r, int status, String code) {
        assertEquals(status, r.statusCode(), code + ": " + text(r) + " " + r.headers().firstValue("X-Mdmsim-Detail").orElse(""));
        assertEquals(code, text(r));
    }

    private static void expectThenServe(HttpResponse<byte[]> r, int status, String code, Supplier<HttpResponse<byte[]>> next) {
        expect(r, status, code);
        HttpResponse<byte[]> after = next.get();
        assertEquals(200, after.statusCode(), "after " + code + " the server should go on serving: " + text(after));
        assertFalse(json(after).isEmpty());
    }

    /** Request bodies as JSON text. */
    private static final class Json {
        static String string(Object o) {
            return io.mdmsim.core.http.Json.writeString(o);
        }
    }

}
