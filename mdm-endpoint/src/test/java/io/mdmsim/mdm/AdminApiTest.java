package io.mdmsim.mdm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.CommandSchemas;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The admin API: typed and raw commands, history, declarations, events (long-poll), clock, webhook. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {

    private final List<String> webhookBodies = new CopyOnWriteArrayList<>();
    private final HttpServer webhook = HttpServer.builder().name("webhook").router(Router.builder()
            .post("/hook", r -> {
                webhookBodies.add(r.bodyText());
                return io.mdmsim.core.http.HttpResponse.empty(204);
            }).build()).build().start();
    private final TestServer t = new TestServer(b -> b.webhookUrl(webhook.baseUri().resolve("/hook")));
    private final TestDevice d = t.enrolled("UDID-ADMIN-API", false);

    @AfterAll
    void stop() {
        t.close();
        webhook.close();
    }

    /** Typed JSON for every builder: what the device receives fits Apple's YAML. */
    static Stream<Arguments> typedCommands() {
        return Stream.of(
                Arguments.of("DeviceInformation", "{\"Queries\":[\"UDID\",\"OSVersion\"]}"),
                Arguments.of("SecurityInfo", "{}"),
                Arguments.of("ProfileList", "{\"ManagedOnly\":true}"),
                Arguments.of("InstallProfile", "{\"Payload\":\"<?xml version=\\\"1.0\\\"?><plist><dict/></plist>\"}"),
                Arguments.of("InstallProfile", "{\"Payload\":{\"$data\":\"PHBsaXN0Lz4=\"}}"),
                Arguments.of("RemoveProfile", "{\"Identifier\":\"com.example.wifi\"}"),
                Arguments.of("InstalledApplicationList", "{\"Identifiers\":[\"com.apple.Pages\"],\"ManagedAppsOnly\":false}"),
                Arguments.of("InstallApplication", "{\"iTunesStoreID\":6448311069,\"ManagementFlags\":1,"
                        + "\"Options\":{\"PurchaseMethod\":1},\"Attributes\":{\"Removable\":false},"
                        + "\"Configuration\":{\"server\":\"https://x\",\"n\":3},\"InstallAsManaged\":true}"),
                Arguments.of("InstallApplication", "{\"ManifestURL\":\"https://apps.example.com/m.plist\"}"),
                Arguments.of("RemoveApplication", "{\"Identifier\":\"com.example.app\"}"),
                Arguments.of("Settings", "{\"Settings\":[{\"Item\":\"DeviceName\",\"DeviceName\":\"Kiosk 1\"},"
                        + "{\"Item\":\"Bluetooth\",\"Enabled\":false},"
                        + "{\"Item\":\"Wallpaper\",\"Image\":{\"$data\":\"iVBORw==\"},\"Where\":3}]}"),
                Arguments.of("DeviceConfigured", "{}"),
                Arguments.of("UserConfigured", "{}"),
                Arguments.of("DeviceLock", "{\"Message\":\"Call me\",\"PhoneNumber\":\"+1 555 0100\",\"PIN\":\"123456\"}"),
                Arguments.of("RestartDevice", "{\"NotifyUser\":true}"),
                Arguments.of("EraseDevice", "{\"PIN\":\"123456\",\"PreserveDataPlan\":true,"
                        + "\"ObliterationBehavior\":\"DoNotObliterate\"}"),
                Arguments.of("DeclarativeManagement", "{}"),
                Arguments.of("DeclarativeManagement", "{\"Data\":{\"SyncTokens\":{\"DeclarationsToken\":\"x\"}}}"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typedCommands")
    void typedJsonReachesTheDeviceAsApplesCommand(String requestType, String fields) {
        String json = "{\"requestType\":\"" + requestType + "\"" + (fields.equals("{}") ? "}" : "," + fields.substring(1));
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + d.udid + "/commands", json);
        assertEquals(201, r.statusCode(), () -> new String(r.body()));
        String uuid = TestServer.json(r).path("commandUuid").asText();
        Command c = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals(uuid, c.commandUuid());
        assertEquals(requestType, c.requestType());
        TestServer.expect200(d.report(t.base, CommandResult.acknowledged(d.udid, uuid, Map.of())));
        assertEquals("ACKNOWLEDGED", t.get("/admin/devices/" + d.udid + "/commands/" + uuid).path("state").asText());
        // last: without Apple's schemas the cross-check skips the test, and the device must not keep the command
        assertEquals(List.of(), CommandSchemas.problems(c.command()));
    }

    @Test
    void everyTypedBuilderIsReachableFromJson() {
        List<String> covered = typedCommands().map(a -> (String) a.get()[0]).distinct().toList();
        assertEquals(Commands.TYPED, covered);
    }

    @Test
    void declarativeManagementWithoutDataCarriesTheCurrentSyncTokens() {
        TestServer.expect200(t.send("PUT", "/admin/declarations", "{\"Type\":\"com.apple.configuration.passcode"
                + ".settings\",\"Identifier\":\"p1\",\"Payload\":{\"MinimumLength\":4}}"));
        String token = t.get("/admin/declarations").get(0).path("ServerToken").asText();
        assertEquals(16, token.length());
        t.send("POST", "/admin/devices/" + d.udid + "/commands", "{\"requestType\":\"DeclarativeManagement\"}");
        Command c = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        JsonNode data = TestServer.json(new String(((com.dd.plist.NSData) c.get("Data")).bytes(), StandardCharsets.UTF_8));
        assertEquals(32, data.path("DeclarationsToken").asText().length());
        TestServer.expect200(d.report(t.base, CommandResult.acknowledged(d.udid, c.commandUuid(), Map.of())));
        assertEquals(204, t.send("DELETE", "/admin/declarations/p1", null).statusCode());
        assertEquals(404, t.send("DELETE", "/admin/declarations/p1", null).statusCode());
        HttpResponse<byte[]> bad = t.send("PUT", "/admin/declarations", "{\"Type\":\"com.example.x\","
                + "\"Identifier\":\"q\",\"Payload\":{}}");
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body()).contains("com.apple.configuration.*"));
    }

    @Test
    void badTypedJsonSaysWhatWasExpected() {
        assertError(400, "{\"requestType\":\"DeviceLock\",\"Pin\":\"1\"}", "unknown key(s) [Pin]");
        assertError(400, "{\"requestType\":\"DeviceLock\",\"PIN\":\"12\"}", "six digits");
        assertError(400, "{\"requestType\":\"RemoveProfile\"}", "RemoveProfile.Identifier: missing");
        assertError(400, "{\"requestType\":\"ProfileList\",\"ManagedOnly\":\"yes\"}", "true or false");
        assertError(400, "{\"requestType\":\"InstallApplication\"}", "exactly one of");
        assertError(400, "{\"requestType\":\"Settings\",\"Settings\":{}}", "an array");
        assertError(400, "{\"requestType\":\"DeviceInformation\",\"Queries\":[1]}", "an array of strings");
        assertError(400, "{\"requestType\":\"InstallProfile\"}", "Payload: missing");
        assertError(400, "{\"requestType\":\"InstallApplication\",\"Identifier\":\"a\",\"Options\":{\"X\":1}}",
                "InstallApplication.Options: unknown key(s) [X]");
        assertError(400, "{\"requestType\":\"bad type!\"}", "requestType");
        assertError(400, "[1,2]", "");
        assertError(404, "{\"requestType\":\"SecurityInfo\"}", "unknown", "/admin/devices/NOPE/commands");
        HttpResponse<byte[]> media = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/devices/" + d.udid
                + "/commands")).header("Content-Type", "text/plain").POST(BodyPublishers.ofString("x")).build());
        assertEquals(415, media.statusCode());
        // A RequestType without a typed builder passes through as given.
        HttpResponse<byte[]> other = t.send("POST", "/admin/devices/" + d.udid + "/commands",
                "{\"requestType\":\"ClearPasscode\",\"UnlockToken\":{\"$data\":\"AAE=\"}}");
        assertEquals(201, other.statusCode());
        Command c = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals("ClearPasscode", c.requestType());
        TestServer.expect200(d.report(t.base, CommandResult.acknowledged(d.udid, c.commandUuid(), Map.of())));
    }

    @Test
    void aRawPlistIsQueuedAsIs() {
        String plist = "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>CommandUUID</key>"
                + "<string>RAW-0001</string><key>Command</key><dict><key>RequestType</key><string>EnableLostMode"
                + "</string><key>Message</key><string>lost</string></dict></dict></plist>";
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/devices/" + d.udid
                + "/commands")).header("Content-Type", "application/xml").POST(BodyPublishers.ofString(plist)).build());
        assertEquals(201, r.statusCode(), () -> new String(r.body()));
        assertEquals("RAW-0001", TestServer.json(r).path("commandUuid").asText());
        HttpResponse<byte[]> again = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/devices/" + d.udid
                + "/commands")).header("Content-Type", "application/xml").POST(BodyPublishers.ofString(plist)).build());
        assertEquals(409, again.statusCode(), "a CommandUUID is used once");
        Command c = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals("RAW-0001", c.commandUuid());
        assertEquals("lost", c.get("Message").toJavaObject());
        TestServer.expect200(d.report(t.base, CommandResult.acknowledged(d.udid, c.commandUuid(), Map.of())));

        HttpResponse<byte[]> noType = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/devices/" + d.udid
                + "/commands")).header("Content-Type", "application/xml")
                .POST(BodyPublishers.ofString("<plist><dict/></plist>")).build());
        assertEquals(400, noType.statusCode());
        assertTrue(new String(noType.body()).contains("RequestType"));
    }

    @Test
    void eventsAreJsonLinesAndLongPollWaitsForTheNext() throws Exception {
        HttpResponse<byte[]> all = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events")).GET().build());
        assertEquals("application/x-ndjson", all.headers().firstValue("Content-Type").orElseThrow());
        long last = Long.parseLong(all.headers().firstValue("X-Mdmsim-Last-Seq").orElseThrow());
        List<JsonNode> events = lines(all);
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("checkin")
                && e.path("messageType").asText().equals("Authenticate") && e.path("udid").asText().equals(d.udid)));
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("scep")));
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("enroll")));
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).path("seq").asLong() + 1, events.get(i).path("seq").asLong());
        }

        CompletableFuture<HttpResponse<byte[]>> poll = CompletableFuture.supplyAsync(() -> TestDevice.send(
                HttpRequest.newBuilder(t.base.resolve("/admin/events?after=" + last + "&wait=30")).GET().build()));
        TestServer.expect200(d.report(t.base, CommandResult.idle(d.udid)));
        HttpResponse<byte[]> next = poll.get(20, java.util.concurrent.TimeUnit.SECONDS);
        JsonNode report = lines(next).getFirst();
        assertEquals(last + 1, report.path("seq").asLong());
        assertEquals("report", report.path("type").asText());
        assertEquals("Idle", report.path("status").asText());
        assertEquals(200, report.path("httpStatus").asInt());
        assertTrue(report.path("rawPayload").asText().length() > 0);

        HttpResponse<byte[]> none = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events?after="
                + (last + 1000))).GET().build());
        assertEquals(0, none.body().length);
        assertEquals(400, TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events?wait=999")).GET().build())
                .statusCode());

        // The webhook got the same events, in order.
        await().atMost(Duration.ofSeconds(10)).until(() -> webhookBodies.stream()
                .anyMatch(b -> TestServer.json(b).path("seq").asLong() == last + 1));
        List<Long> seqs = webhookBodies.stream().map(b -> TestServer.json(b).path("seq").asLong()).toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertEquals(seqs.get(i - 1) + 1, seqs.get(i));
        }
    }

    @Test
    void followStreamsEventsAsTheyHappen() throws Exception {
        long newest = Long.parseLong(TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/events?limit=10000"))
                .GET().build()).headers().firstValue("X-Mdmsim-Last-Seq").orElseThrow());
        HttpResponse<Stream<String>> r = TestDevice.HTTP.send(io.mdmsim.core.testing.AdminTokens.authorize(
                HttpRequest.newBuilder(t.base.resolve("/admin/events?follow=true&after=" + newest)).GET().build()),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("application/x-ndjson", r.headers().firstValue("Content-Type").orElseThrow());
        java.util.Iterator<String> lines = r.body().iterator();
        try {
            TestServer.expect200(d.report(t.base, CommandResult.idle(d.udid)));
            String line = CompletableFuture.supplyAsync(() -> {
                while (lines.hasNext()) {
                    String l = lines.next();
                    if (!l.isBlank()) {
                        return l;
                    }
                }
                return null;
            }).get(20, java.util.concurrent.TimeUnit.SECONDS);
            JsonNode e = TestServer.json(line);
            assertEquals(newest + 1, e.path("seq").asLong());
            assertEquals("report", e.path("type").asText());
        } finally {
            r.body().close();
        }
    }

    @Test
    void theManualClockCanBeReadAndMoved() {
        JsonNode clock = t.get("/admin/clock");
        assertEquals("manual", clock.path("mode").asText());
        java.time.Instant before = java.time.Instant.parse(clock.path("now").asText());
        HttpResponse<byte[]> moved = t.send("POST", "/admin/clock", "{\"advance\":\"PT16M\"}");
        assertEquals(200, moved.statusCode());
        assertEquals(before.plus(Duration.ofMinutes(16)).toString(), TestServer.json(moved).path("now").asText());
        assertEquals(400, t.send("POST", "/admin/clock", "{\"advance\":\"soon\"}").statusCode());
        assertEquals(400, t.send("POST", "/admin/clock", "{}").statusCode());
        assertEquals(200, t.send("POST", "/admin/clock", "{\"set\":\"" + before + "\"}").statusCode());
        assertEquals(before.toString(), t.get("/admin/clock").path("now").asText());

        try (MdmServer wall = MdmServer.start(MdmConfig.builder().apnsUrl(null).build())) {
            io.mdmsim.core.testing.AdminTokens.register(wall.baseUri(), wall.adminToken());
            HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(wall.baseUri().resolve("/admin/clock"))
                    .header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"advance\":\"PT1M\"}")).build());
            assertEquals(409, r.statusCode());
            assertTrue(new String(r.body()).contains("--clock manual"));
        }
    }

    @Test
    void deviceDetailAndHistory() {
        JsonNode detail = t.get("/admin/devices/" + d.udid);
        assertTrue(List.of("ENROLLED", "CONFIGURED").contains(detail.path("enrollmentState").asText()), detail.toString());
        assertTrue(detail.has("users") && detail.has("queryResponses") && detail.has("hasBootstrapToken"));
        assertEquals(404, t.send("GET", "/admin/devices/NOPE", null).statusCode());
        assertEquals(404, t.send("GET", "/admin/devices/" + d.udid + "/commands/NOPE", null).statusCode());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void assertError(int status, String json, String part) {
        assertError(status, json, part, "/admin/devices/" + d.udid + "/commands");
    }

    private void assertError(int status, String json, String part, String path) {
        HttpResponse<byte[]> r = t.send("POST", path, json);
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), text);
        assertTrue(text.contains(part), text);
        assertTrue(!text.contains("Exception"), text);
    }

    private static List<JsonNode> lines(HttpResponse<byte[]> r) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(TestServer.json(line));
            }
        }
        return out;
    }
}
