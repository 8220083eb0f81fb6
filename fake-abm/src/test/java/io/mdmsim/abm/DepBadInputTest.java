package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.abm.http.DepHandlers;
import io.mdmsim.core.dep.ServerToken;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every refusal of the DEP API: Apple's status, the bare error code as body, the reason in X-Mdmsim-Detail. */
class DepBadInputTest {

    private static AbmFixture abm;
    private static ServerToken token;
    private static AbmFixture.Dep dep;

    @BeforeAll
    static void start() {
        abm = new AbmFixture(b -> {});
        dep = abm.mdmWithAllDevices("mdm-1");
        token = dep.token;
    }

    @AfterAll
    static void stop() {
        abm.close();
    }

    // ------------------------------------------------------------------------------------------ session

    @Test
    void missingSessionHeaderIsUnauthorized() {
        for (String path : List.of("/account", "/profile?profile_uuid=X")) {
            HttpResponse<byte[]> r = abm.send(HttpRequest.newBuilder(abm.uri(path)).header("User-Agent", "t").GET().build());
            assertRefused(r, 401, "UNAUTHORIZED", "no X-ADM-Auth-Session");
        }
        HttpResponse<byte[]> fetch = abm.send(HttpRequest.newBuilder(abm.uri("/server/devices")).header("User-Agent", "t")
                .POST(HttpRequest.BodyPublishers.ofString("this is not even JSON")).build());
        assertRefused(fetch, 401, "UNAUTHORIZED", "no X-ADM-Auth-Session");
    }

    @Test
    void unknownSessionIsUnauthorized() {
        AbmFixture.Dep forged = abm.new Dep(token, "0123456789abcdef");
        assertRefused(forged.get("/account"), 401, "UNAUTHORIZED", "unknown X-ADM-Auth-Session");
    }

    @Test
    void badOauthSignatureIsUnauthorized() {
        ServerToken wrongSecret = new ServerToken(token.consumerKey(), "CS_wrong", token.accessToken(),
                token.accessSecret(), token.accessTokenExpiry());
        assertRefused(abm.sessionRequest(abm.authorization(wrongSecret, abm.nextNonce(), abm.clock.now())), 401,
                "UNAUTHORIZED", "oauth_signature does not match");
    }

    @Test
    void unknownConsumerKeyIsUnauthorized() {
        ServerToken unknown = new ServerToken("CK_nobody", token.consumerSecret(), token.accessToken(),
                token.accessSecret(), token.accessTokenExpiry());
        assertRefused(abm.sessionRequest(abm.authorization(unknown, abm.nextNonce(), abm.clock.now())), 401,
                "UNAUTHORIZED", "unknown consumer key");
    }

    @Test
    void replayedNonceIsUnauthorized() {
        String header = abm.authorization(token, abm.nextNonce(), abm.clock.now());
        assertEquals(200, abm.sessionRequest(header).statusCode());
        assertRefused(abm.sessionRequest(header), 401, "UNAUTHORIZED", "already used");
    }

    @Test
    void timestampOutsideFiveMinutesIsUnauthorized() {
        assertRefused(abm.sessionRequest(abm.authorization(token, abm.nextNonce(), abm.clock.now().minus(Duration.ofMinutes(6)))),
                401, "UNAUTHORIZED", "more than 5 minutes");
        assertRefused(abm.sessionRequest(abm.authorization(token, abm.nextNonce(), abm.clock.now().plus(Duration.ofMinutes(6)))),
                401, "UNAUTHORIZED", "more than 5 minutes");
        assertEquals(200, abm.sessionRequest(abm.authorization(token, abm.nextNonce(),
                abm.clock.now().minus(Duration.ofMinutes(4)))).statusCode());
    }

    @Test
    void malformedAuthorizationIsBadRequest() {
        assertRefused(abm.sessionRequest("Basic dXNlcjpwYXNz"), 400, "BAD_REQUEST", "expected: OAuth");
        assertRefused(abm.sessionRequest("OAuth oauth_consumer_key=\"CK_x\""), 400, "BAD_REQUEST", "missing OAuth parameter");
        HttpResponse<byte[]> none = abm.send(HttpRequest.newBuilder(abm.uri("/session")).header("User-Agent", "t").GET().build());
        assertRefused(none, 401, "UNAUTHORIZED", "no Authorization header");
    }

    @Test
    void missingUserAgentIsBadRequest() {
        HttpResponse<byte[]> account = abm.send(HttpRequest.newBuilder(abm.uri("/account")).header("User-Agent", "")
                .header("X-ADM-Auth-Session", dep.session).GET().build());
        assertRefused(account, 400, "USER_AGENT_MISSING", "User-Agent");
        HttpResponse<byte[]> session = abm.send(HttpRequest.newBuilder(abm.uri("/session")).header("User-Agent", "")
                .header("Authorization", abm.authorization(token, abm.nextNonce(), abm.clock.now())).GET().build());
        assertRefused(session, 400, "USER_AGENT_MISSING", "User-Agent");
    }

    // ------------------------------------------------------------------------------------------ cursors

    @Test
    void garbageCursorIsInvalid() {
        assertRefused(dep.post("/server/devices", "{\"cursor\":\"not-a-cursor\"}"), 400, "INVALID_CURSOR", "not base64");
        assertRefused(dep.post("/devices/sync", "{\"cursor\":\"MDowOjE1MzY0Mjc2OTg5MTQ6\"}"), 400, "INVALID_CURSOR",
                "not issued by this server");
    }

    @Test
    void syncWithoutCursorIsRefused() {
        assertRefused(dep.post("/devices/sync", "{}"), 400, "CURSOR_REQUIRED", "cursor");
        assertRefused(dep.post("/devices/sync", "{\"cursor\":\"\"}"), 400, "CURSOR_REQUIRED", "cursor");
    }

    @Test
    void cursorOfAnotherMdmServerIsInvalid() {
        abm.createMdmServer("mdm-other");
        ServerToken otherToken = abm.downloadToken("mdm-other");
        AbmFixture.Dep other = abm.new Dep(otherToken, abm.session(otherToken));
        String foreign = other.ok(other.post("/server/devices", "{}")).get("cursor").asText();
        assertRefused(dep.post("/devices/sync", "{\"cursor\":\"" + foreign + "\"}"), 400, "INVALID_CURSOR", "another MDM server");
    }

    @Test
    void cursorOlderThanSevenDaysIsExpired() {
        try (AbmFixture own = new AbmFixture(b -> b.sessionTtl(Duration.ofDays(30)))) {
            AbmFixture.Dep d = own.mdmWithAllDevices("mdm-1");
            String cursor = d.ok(d.post("/server/devices", "{\"limit\":1000}")).get("cursor").asText();
            own.clock.advance(Duration.ofDays(7).plusMinutes(1));
            assertRefused(d.post("/devices/sync", "{\"cursor\":\"" + cursor + "\"}"), 400, "EXPIRED_CURSOR", "older than 7 days");
        }
    }

    // ------------------------------------------------------------------------------------------ bodies

    @Test
    void malformedJsonIsRefused() {
        assertRefused(dep.post("/server/devices", "{\"limit\":"), 400, "MALFORMED_REQUEST_BODY", "not JSON");
        assertRefused(dep.post("/server/devices", "[1,2]"), 400, "MALFORMED_REQUEST_BODY", "JSON object");
        assertRefused(dep.post("/server/devices", "{\"limit\":\"ten\"}"), 400, "MALFORMED_REQUEST_BODY", "limit");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"x\",\"url\":\"http://a.example/\",\"is_supervised\":\"yes\"}"),
                400, "MALFORMED_REQUEST_BODY", "is_supervised");
        assertRefused(dep.post("/profile/devices", "{\"profile_uuid\":\"X\",\"devices\":\"ABC\"}"), 400,
                "MALFORMED_REQUEST_BODY", "devices");
    }

    @Test
    void profileValidation() {
        assertRefused(dep.post("/profile", "{\"url\":\"https://mdm.example.com/enroll\"}"), 400, "CONFIG_NAME_REQUIRED", "profile_name");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\"}"), 400, "CONFIG_URL_REQUIRED", "url");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"mdm.example.com\"}"), 400, "CONFIG_URL_INVALID", "url");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\",\"is_mdm_removable\":false}"),
                400, "FLAGS_INVALID", "is_supervised");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"" + "n".repeat(126) + "\",\"url\":\"https://mdm.example.com/\"}"),
                400, "CONFIG_NAME_INVALID", "at most 125");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\",\"support_email_address\":\"nope\"}"),
                400, "SUPPORT_EMAIL_INVALID", "email");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\",\"region\":\"usa\"}"),
                400, "LOCALE_INVALID", "region");
    }

    @Test
    void profileLookupErrors() {
        assertRefused(dep.get("/profile"), 400, "PROFILE_UUID_REQUIRED", "profile_uuid");
        assertRefused(dep.get("/profile?profile_uuid=00000000000000000000000000000000"), 404, "NOT_FOUND", "no profile");
    }

    @Test
    void assignErrors() {
        String profile = dep.ok(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\"}"))
                .get("profile_uuid").asText();
        assertRefused(dep.post("/profile/devices", "{\"devices\":[\"X\"]}"), 400, "PROFILE_UUID_REQUIRED", "profile_uuid");
        assertRefused(dep.post("/profile/devices", "{\"profile_uuid\":\"" + profile + "\"}"), 400, "DEVICE_ID_REQUIRED", "devices");
        assertRefused(dep.post("/profile/devices", "{\"profile_uuid\":\"" + profile + "\",\"devices\":[]}"), 400,
                "DEVICE_ID_REQUIRED", "devices");
        assertRefused(dep.post("/profile/devices", "{\"profile_uuid\":\"NOPE\",\"devices\":[\"X\"]}"), 404,
                "PROFILE_NOT_FOUND", "no profile NOPE");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add("\"S" + i + "\"");
        }
        assertRefused(dep.post("/profile/devices", "{\"profile_uuid\":\"" + profile + "\",\"devices\":[" + String.join(",", many) + "]}"),
                400, "MALFORMED_REQUEST_BODY", "at most 1000");
    }

    @Test
    void profileFieldsThatArePresentMustNotBeEmptyOrTooLong() {
        String base = "\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\"";
        assertRefused(dep.post("/profile", "{\"profile_name\":\"\",\"url\":\"https://mdm.example.com/\"}"), 400,
                "CONFIG_NAME_INVALID", "at least 1");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"\"}"), 400, "CONFIG_URL_INVALID", "url");
        assertRefused(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/" + "x".repeat(2000) + "\"}"),
                400, "CONFIG_URL_INVALID", "2000");
        assertRefused(dep.post("/profile", "{" + base + ",\"configuration_web_url\":\"ftp://x\"}"), 400, "CONFIG_URL_INVALID",
                "configuration_web_url");
        assertRefused(dep.post("/profile", "{" + base + ",\"department\":\"\"}"), 400, "DEPARTMENT_INVALID", "department");
        assertRefused(dep.post("/profile", "{" + base + ",\"department\":\"" + "d".repeat(126) + "\"}"), 400,
                "DEPARTMENT_INVALID", "at most 125");
        assertRefused(dep.post("/profile", "{" + base + ",\"org_magic\":\"" + "m".repeat(257) + "\"}"), 400,
                "MAGIC_INVALID", "at most 256");
        assertRefused(dep.post("/profile", "{" + base + ",\"support_phone_number\":\"" + "1".repeat(51) + "\"}"), 400,
                "SUPPORT_PHONE_INVALID", "at most 50");
        assertRefused(dep.post("/profile", "{" + base + ",\"language\":\"english\"}"), 400, "LOCALE_INVALID", "language");
        assertRefused(dep.post("/profile", "{" + base + ",\"anchor_certs\":[\"bm90IGEgY2VydA==\"]}"), 400,
                "MALFORMED_REQUEST_BODY", "anchor_certs[0]");
        assertEquals(200, dep.post("/profile", "{" + base + ",\"department\":\"d\",\"language\":\"eng\",\"region\":\"GB\"}")
                .statusCode(), "the server goes on serving");
    }

    @Test
    void unknownSkipKeyIsRefusedAndKnownOnesOfEveryAgeAreAccepted() {
        String base = "\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/\"";
        assertRefused(dep.post("/profile", "{" + base + ",\"skip_setup_items\":[\"Siri\",\"SkipEverything\"]}"), 400,
                "SKIP_SETUP_ITEM_INVALID", "SkipEverything");
        assertRefused(dep.post("/profile", "{" + base + ",\"skip_setup_items\":[\"siri\"]}"), 400,
                "SKIP_SETUP_ITEM_INVALID", "siri");
        assertEquals(200, dep.post("/profile", "{" + base + ",\"skip_setup_items\":[\"Siri\",\"Intelligence\","
                + "\"WebContentFiltering\",\"Registration\"]}").statusCode());
    }

    @Test
    void limitAboveTheMaximumIsClampedToWhatAccountAdvertises() {
        var page = dep.ok(dep.post("/server/devices", "{\"limit\":1000000}"));
        assertEquals(25, page.get("devices").size(), "all 25 fit in the maximum of 1000");
        try (AbmFixture small = new AbmFixture(b -> b.fetchLimit(5, 10))) {
            AbmFixture.Dep d = small.mdmWithAllDevices("m");
            var clamped = d.ok(d.post("/server/devices", "{\"limit\":11}"));
            assertEquals(10, clamped.get("devices").size());
            assertTrue(clamped.get("more_to_follow").asBoolean());
            assertEquals(400, d.post("/server/devices", "{\"limit\":-3}").statusCode(), "below 1: refused");
        }
    }

    @Test
    void oversizedBodyIs413AndTheServerGoesOnServing() {
        String big = "{\"devices\":[\"" + "A".repeat(2 * 1024 * 1024) + "\"]}";
        assertRefused(dep.post("/profile/devices", big), 413, "MALFORMED_REQUEST_BODY", "at most 1048576");
        assertEquals(200, dep.get("/account").statusCode());
        // beyond what the listener takes at all: its own 413, readable
        HttpResponse<byte[]> huge = dep.post("/profile/devices", "x".repeat(AbmApp.MAX_BODY_BYTES + 1));
        assertEquals(413, huge.statusCode());
        assertTrue(text(huge).contains("too large"), text(huge));
        assertEquals(200, dep.get("/account").statusCode());
    }

    @Test
    void unprintableOrEndlessUserAgentIsInvalid() {
        HttpResponse<byte[]> r = abm.send(HttpRequest.newBuilder(abm.uri("/account")).header("User-Agent", "x".repeat(2000))
                .header("X-ADM-Auth-Session", dep.session).GET().build());
        assertRefused(r, 400, "USER_AGENT_INVALID", "User-Agent");
    }

    @Test
    void tokenExpiresAYearAfterItsDownload() {
        try (AbmFixture own = new AbmFixture(b -> {})) {
            own.createMdmServer("m");
            ServerToken t = own.downloadToken("m");
            own.clock.advance(Duration.ofDays(365).minusMinutes(1));
            assertEquals(200, own.sessionRequest(own.authorization(t, own.nextNonce(), own.clock.now())).statusCode());
            own.clock.advance(Duration.ofMinutes(2));
            assertRefused(own.sessionRequest(own.authorization(t, own.nextNonce(), own.clock.now())), 401, "UNAUTHORIZED", "expired");
            ServerToken renewed = own.downloadToken("m");
            assertEquals(200, own.sessionRequest(own.authorization(renewed, own.nextNonce(), own.clock.now())).statusCode());
        }
    }

    @Test
    void errorBodyStylesOfOtherImplementations() {
        try (AbmFixture quoted = new AbmFixture(b -> b.errorBodyStyle(FakeAbmConfig.ErrorBodyStyle.JSON_STRING));
                AbmFixture object = new AbmFixture(b -> b.errorBodyStyle(FakeAbmConfig.ErrorBodyStyle.JSON_OBJECT))) {
            AbmFixture.Dep q = quoted.mdmWithAllDevices("m");
            AbmFixture.Dep o = object.mdmWithAllDevices("m");
            assertEquals("\"CURSOR_REQUIRED\"", text(q.post("/devices/sync", "{}")));
            assertEquals("{\"code\":\"CURSOR_REQUIRED\"}", text(o.post("/devices/sync", "{}")));
        }
    }

    static void assertRefused(HttpResponse<byte[]> r, int status, String code, String detailContains) {
        String detail = r.headers().firstValue(DepHandlers.DETAIL_HEADER).orElse("");
        assertEquals(status, r.statusCode(), text(r) + " / " + detail);
        assertEquals(code, text(r), detail);
        assertTrue(detail.contains(detailContains), "detail '" + detail + "' should mention '" + detailContains + "'");
    }
}
