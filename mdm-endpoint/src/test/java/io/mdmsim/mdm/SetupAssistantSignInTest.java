package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.dep.ServerToken;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user's sign-in in Setup Assistant over HTTP (legacy: a Basic challenge on the MachineInfo POST; modern: a sign-in
 * page in the web view and its form): every bad input is a clear 4xx, and a sign-in page expires after 15 minutes of
 * simulated time.
 */
class SetupAssistantSignInTest {

    private static final ServerToken TOKEN = FakeDep.token("signin");

    private final TestServer t = new TestServer();
    private FakeDep dep;
    private String token;

    @BeforeEach
    void sync() {
        dep = new FakeDep(TOKEN, 3);
        token = t.uploadAndSync(TOKEN, dep);
    }

    @AfterEach
    void stop() {
        t.close();
        dep.close();
    }

    private void profile(String json) {
        HttpResponse<byte[]> created = t.send("POST", "/admin/dep/tokens/" + token + "/profiles?default=true", json);
        assertEquals(201, created.statusCode(), new String(created.body()));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static void refused(HttpResponse<byte[]> r, int status, String part) {
        assertEquals(status, r.statusCode(), text(r));
        assertTrue(text(r).contains(part), text(r));
        assertTrue(!text(r).contains("\tat "), "no stack trace: " + text(r));
    }

    private HttpResponse<byte[]> basic(TestDevice d, String credentials) {
        return TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                .header("Content-Type", "application/pkcs7-signature").header("Authorization", credentials)
                .POST(BodyPublishers.ofByteArray(d.signedMachineInfo(d.machineInfoValues()))).build());
    }

    @Test
    void legacyAuthenticationChallengesAndRefusesBadCredentialsClearly() {
        profile("{\"name\":\"Legacy\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\"}");
        TestDevice d = new TestDevice("UDID-SA-1", FakeDep.serial(0), TestPki.PKI.appleDeviceCa(), t.clock.now());
        HttpResponse<byte[]> challenge = d.postMachineInfo(t.base, d.signedMachineInfo(d.machineInfoValues()));
        refused(challenge, 401, "authenticates the user in Setup Assistant");
        assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="),
                challenge.headers().map().toString());
        refused(basic(d, "Bearer abc"), 401, "Authorization: Bearer (expected: Basic)");
        refused(basic(d, "Basic %%%"), 401, "not base64");
        refused(basic(d, "Basic " + b64("no-colon")), 401, "without a colon (expected: user:password)");
        refused(basic(d, "Basic " + b64(":secret")), 401, "the user name is blank");
        refused(basic(d, "Basic " + b64("ada@example.com:")), 401, "the password is blank");
        refused(basic(d, "Basic " + b64("a".repeat(300) + ":x")), 401, "the user name is 300 characters");
        HttpResponse<byte[]> ok = basic(d, "Basic " + b64("ada@example.com:secret"));
        assertEquals(200, ok.statusCode(), text(ok));
        String events = new String(t.send("GET", "/admin/events?after=0&limit=1000", null).body(),
                StandardCharsets.UTF_8);
        assertTrue(events.contains("\"enroll.signin\"") && events.contains("ada@example.com"), events);
    }

    @Test
    void modernAuthenticationPageAndFormRefuseBadInputAndTheSessionExpires() {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\"}");
        TestDevice d = new TestDevice("UDID-SA-2", FakeDep.serial(1), TestPki.PKI.appleDeviceCa(), t.clock.now());
        String info = Base64.getEncoder().encodeToString(d.signedMachineInfo(d.machineInfoValues()));
        HttpResponse<byte[]> page = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                .header("x-apple-aspen-deviceinfo", info).GET().build());
        assertEquals(200, page.statusCode(), text(page));
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        Matcher m = Pattern.compile("name=\"session\" value=\"([0-9a-f]{48})\"").matcher(text(page));
        assertTrue(m.find(), text(page));
        String session = m.group(1);

        refused(form("session=" + session + "&username=&password=x"), 400, "the user name is blank");
        refused(form("session=nope&username=a&password=b"), 400, "the sign-in session is unknown or expired");
        refused(form("username=a&password=b"), 400, "the sign-in session is missing");
        refused(form("session=%zz"), 400, "not URL-encoded");
        refused(form("x=" + "a".repeat(9000)), 413, "(expected: at most 8192)");

        // a page is good for one sign-in, for 15 minutes of simulated time
        HttpResponse<byte[]> again = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                .header("x-apple-aspen-deviceinfo", info).GET().build());
        Matcher m2 = Pattern.compile("name=\"session\" value=\"([0-9a-f]{48})\"").matcher(text(again));
        assertTrue(m2.find());
        t.clock.advance(Duration.ofMinutes(16));
        refused(form("session=" + m2.group(1) + "&username=ada%40example.com&password=secret"), 400,
                "unknown or expired");
        HttpResponse<byte[]> fresh = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll"))
                .header("x-apple-aspen-deviceinfo", info).GET().build());
        Matcher m3 = Pattern.compile("name=\"session\" value=\"([0-9a-f]{48})\"").matcher(text(fresh));
        assertTrue(m3.find());
        HttpResponse<byte[]> ok = form("session=" + m3.group(1) + "&username=ada%40example.com&password=secret");
        assertEquals(200, ok.statusCode(), text(ok));
        assertEquals("application/x-apple-aspen-config", ok.headers().firstValue("Content-Type").orElse(""));
        refused(form("session=" + m3.group(1) + "&username=ada%40example.com&password=secret"), 400,
                "unknown or expired");
    }

    private HttpResponse<byte[]> form(String body) {
        return TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(body)).build());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
