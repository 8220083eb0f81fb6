package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.SetBootstrapToken;
import io.mdmsim.core.testing.AppleSchemas;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check-in message of ADM {@code mdm/checkin/} as a golden file (src/test/resources/.../checkin/, one per
 * documented case, as a device sends it), PUT over real HTTP with a valid Mdm-Signature by an enrolled device, and
 * the server's answer checked. {@code ${UDID}}, {@code ${TOPIC}} and {@code ${NONCE}} are filled in per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckinFixturesTest {

    private static final String USER_ID = "B0C1D2E3-F405-4617-8293-A4B5C6D7E8F9";
    private static final String DECLARATION = """
            {"Type": "com.apple.configuration.passcode.settings", "Identifier": "com.example.passcode",
             "Payload": {"MinimumLength": 6, "RequireAlphanumericPasscode": false}}""";

    private final TestServer t = new TestServer(b -> b.userAuthentication(MdmConfig.UserAuthentication.DIGEST));
    private int devices;

    /** What a fixture's answer must be; {@code Run} sends the fixture (again, if needed). */
    private interface Check {
        void verify(Run run);
    }

    private final class Run {
        final TestDevice device;
        final String fixture;
        String nonce = "";

        Run(TestDevice device, String fixture) {
            this.device = device;
            this.fixture = fixture;
        }

        HttpResponse<byte[]> send() {
            return device.checkin(t.base, body(fixture, device, nonce));
        }
    }

    private final Map<String, Check> expectations = Map.ofEntries(
            Map.entry("authenticate.ios.plist", run -> {
                assertEmpty200(run.send());
                assertEquals("ENROLLING", device(run).path("enrollmentState").asText());
            }),
            Map.entry("tokenupdate.ios.plist", run -> {
                assertEmpty200(run.send());
                JsonNode d = device(run);
                assertTrue(d.path("awaitingConfiguration").asBoolean());
                assertTrue(d.path("pushable").asBoolean());
                Command next = Command.parse(run.device.report(t.base, CommandResult.idle(run.device.udid)).body());
                assertEquals("DeviceInformation", next.requestType(), "AwaitingConfiguration starts the setup flow");
            }),
            Map.entry("tokenupdate.user.plist", run -> {
                assertEmpty200(run.send());
                JsonNode user = device(run).path("users").get(0);
                assertEquals(USER_ID, user.path("userId").asText());
                assertEquals("anna", user.path("shortName").asText());
                assertTrue(user.path("hasToken").asBoolean());
            }),
            Map.entry("checkout.plist", run -> {
                assertEmpty200(run.send());
                assertEquals("CHECKED_OUT", device(run).path("enrollmentState").asText());
            }),
            Map.entry("userauthenticate.first.plist", run -> {
                HttpResponse<byte[]> r = run.send();
                assertEquals(200, r.statusCode(), () -> new String(r.body()));
                String challenge = ((NSString) Plist.parseDictionary(r.body()).get("DigestChallenge")).getContent();
                assertTrue(challenge.matches("Digest realm=\"mdmsim\", nonce=\"[0-9a-f]{32}\".*"), challenge);
            }),
            Map.entry("userauthenticate.digest.plist", run -> {
                HttpResponse<byte[]> first = run.device.checkin(t.base, body("userauthenticate.first.plist",
                        run.device, ""));
                String challenge = ((NSString) Plist.parseDictionary(first.body()).get("DigestChallenge")).getContent();
                Matcher m = Pattern.compile("nonce=\"([0-9a-f]+)\"").matcher(challenge);
                assertTrue(m.find(), challenge);
                run.nonce = m.group(1);
                assertEmpty200(run.send());
                assertTrue(device(run).path("users").get(0).path("authenticated").asBoolean());
                run.nonce = "0000";
                HttpResponse<byte[]> replay = run.send();
                assertEquals(410, replay.statusCode(), "a DigestResponse without a live challenge is declined");
            }),
            Map.entry("setbootstraptoken.plist", run -> {
                assertEmpty200(run.send());
                HttpResponse<byte[]> get = run.device.checkin(t.base, body("getbootstraptoken.plist", run.device, ""));
                assertArrayEquals("bootstrap-token-secret".getBytes(StandardCharsets.UTF_8),
                        ((NSData) Plist.parseDictionary(get.body()).get("BootstrapToken")).bytes());
                assertTrue(device(run).path("hasBootstrapToken").asBoolean());
            }),
            Map.entry("getbootstraptoken.plist", run -> {
                TestServer.expect200(run.device.checkin(t.base, new SetBootstrapToken(run.device.udid,
                        new byte[] {4, 2}, false, null)));
                HttpResponse<byte[]> r = run.send();
                assertEquals(200, r.statusCode());
                assertEquals("application/xml", r.headers().firstValue("Content-Type").orElseThrow());
                assertArrayEquals(new byte[] {4, 2},
                        ((NSData) Plist.parseDictionary(r.body()).get("BootstrapToken")).bytes());
            }),
            Map.entry("gettoken.maid.plist", run -> assertTokenData(run, "com.apple.maid")),
            Map.entry("gettoken.watch-pairing.plist", run -> assertTokenData(run, "com.apple.watch.pairing")),
            Map.entry("declarativemanagement.tokens.plist", run -> {
                JsonNode json = json200(run.send());
                assertSchema("tokensresponse.yaml", json);
                assertEquals(t.get("/admin/declarations").size(), 1);
                assertEquals(json.path("SyncTokens").path("DeclarationsToken").asText().length(), 32);
            }),
            Map.entry("declarativemanagement.declaration-items.plist", run -> {
                JsonNode json = json200(run.send());
                assertSchema("declarationitemsresponse.yaml", json);
                JsonNode item = json.path("Declarations").path("Configurations").get(0);
                assertEquals("com.example.passcode", item.path("Identifier").asText());
                assertEquals(t.get("/admin/declarations").get(0).path("ServerToken").asText(),
                        item.path("ServerToken").asText());
            }),
            Map.entry("declarativemanagement.declaration.plist", run -> {
                JsonNode json = json200(run.send());
                assertEquals("com.apple.configuration.passcode.settings", json.path("Type").asText());
                assertEquals(6, json.path("Payload").path("MinimumLength").asInt());
            }),
            Map.entry("declarativemanagement.status.plist", run -> {
                assertEmpty200(run.send());
                JsonNode status = device(run).path("declarativeStatus");
                assertEquals("18.1", status.path("StatusItems").path("device").path("operating-system")
                        .path("version").asText());
            }),
            Map.entry("unknown-messagetype.plist", run -> {
                HttpResponse<byte[]> r = run.send();
                assertEquals(400, r.statusCode());
                String text = new String(r.body(), StandardCharsets.UTF_8);
                assertTrue(text.contains("ReturnToService"), text);
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            }));

    private final TestDevice bystander;

    CheckinFixturesTest() {
        TestServer.expect200(t.send("PUT", "/admin/declarations", DECLARATION));
        bystander = t.enrolled("UDID-BYSTANDER", false);
    }

    @AfterAll
    void stop() {
        t.close();
    }

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".plist")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void serverAnswersTheFixture(String fixture) {
        Check check = expectations.get(fixture);
        assertTrue(check != null, "no expectation for fixture " + fixture);
        TestDevice d = t.enrolled("UDID-FIXTURE-" + (++devices), false);
        check.verify(new Run(d, fixture));
        // The server keeps serving other devices.
        assertEquals(200, bystander.report(t.base, CommandResult.idle(bystander.udid)).statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureMatchesApplesYaml(String fixture) {
        NSDictionary dict = Plist.parseDictionary(raw(fixture));
        String type = ((NSString) dict.get("MessageType")).getContent();
        if (fixture.startsWith("unknown")) {
            assertTrue(AppleSchemas.checkinFiles().stream().map(AppleSchemas::load)
                    .noneMatch(s -> type.equals(s.requestType())), type + " is not in the vendored ADM");
            return;
        }
        List<String> problems = new ArrayList<>(AppleSchemas.checkin(type).check(dict));
        if (fixture.equals("userauthenticate.first.plist")) {
            // The YAML marks DigestResponse required, but its own text says it comes only on the second request.
            problems.remove("DigestResponse is missing (expected: <string>)");
        }
        if (type.endsWith("BootstrapToken")) {
            // Those two YAMLs list no UDID, but macOS sends it (as on every other check-in message).
            problems.remove("UDID is not a key of the schema");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyCheckinMessageTypeHasAFixture() throws Exception {
        List<String> covered = fixtures().map(f -> ((NSString) Plist.parseDictionary(raw(f)).get("MessageType"))
                .getContent()).distinct().toList();
        for (Path yaml : AppleSchemas.checkinFiles()) {
            String type = AppleSchemas.load(yaml).requestType();
            assertTrue(covered.contains(type), "no fixture for " + type);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Path dir() throws URISyntaxException {
        return Path.of(CheckinFixturesTest.class.getResource("checkin").toURI());
    }

    private static byte[] raw(String fixture) {
        try {
            return Files.readAllBytes(dir().resolve(fixture));
        } catch (IOException | URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] body(String fixture, TestDevice d, String nonce) {
        String text = new String(raw(fixture), StandardCharsets.UTF_8)
                .replace("${UDID}", d.udid).replace("${TOPIC}", d.topic()).replace("${NONCE}", nonce);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode device(Run run) {
        return t.get("/admin/devices/" + run.device.udid);
    }

    private static void assertEmpty200(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals(0, r.body().length);
    }

    private static JsonNode json200(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return TestServer.json(r);
    }

    private static void assertTokenData(Run run, String service) {
        HttpResponse<byte[]> r = run.send();
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        String token = new String(((NSData) Plist.parseDictionary(r.body()).get("TokenData")).bytes(),
                StandardCharsets.UTF_8);
        assertTrue(token.startsWith("mdmsim:" + service + ":" + run.device.udid + ":"), token);
    }

    private static void assertSchema(String file, JsonNode json) {
        AppleSchemas.Schema schema = AppleSchemas.load(AppleSchemas.appleDir().resolve("declarative/protocol")
                .resolve(file));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = TestServer.JSON.convertValue(json, Map.class);
        assertEquals(List.of(), schema.check((NSDictionary) Plist.wrap(map)), file);
    }
}
