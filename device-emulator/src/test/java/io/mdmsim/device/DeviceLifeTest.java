package io.mdmsim.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A device's life after enrollment: push channel, push-driven and periodic check-ins, restart, erase, DDM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceLifeTest {

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SimPki pki;

    private ManualClock clock;
    private FakeAppleAndMdm fake;
    private FakeApns apns;

    @BeforeAll
    static void createPki() {
        pki = SimPki.create(START);
    }

    @BeforeEach
    void start() throws Exception {
        clock = SimClock.manual(START);
        fake = new FakeAppleAndMdm(pki, clock);
        apns = new FakeApns();
    }

    @AfterEach
    void stop() {
        apns.close();
        fake.close();
    }

    private static DeviceSpec iphone(int i) {
        return new DeviceSpec(String.format("F2LXL1PQ%04d", i), "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90");
    }

    private FleetConfig.Builder config(DeviceSpec... devices) {
        return FleetConfig.builder()
                .cloudConfigUrl(fake.cloudConfigUrl())
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .devices(List.of(devices))
                .seed(11)
                .clock(clock)
                .idlePollInterval(Duration.ZERO)
                .keySource(TestKeys.SHARED);
    }

    private static CompletableFuture<FleetResult> runInBackground(FleetConfig config) {
        CompletableFuture<FleetResult> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(DeviceFleet.run(config));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Until every device waits for time (an idle device on its timer, a busy one asleep on the clock) and none is due
     * now: the fleet is idle.
     */
    private void awaitIdle(int waiting) {
        await().atMost(WAIT).until(() -> clock.sleepers() + clock.timers() == waiting
                && clock.nextWake().map(d -> d.isAfter(clock.now())).orElse(false));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private byte[] command(String uuid, String requestType, Map<String, ?> fields) {
        return Commands.raw(uuid, requestType, fields).toXml();
    }

    private boolean reported(String uuid, CommandStatus status) {
        return fake.reports.stream().anyMatch(r -> uuid.equals(r.commandUuid()) && r.status() == status);
    }

    @Test
    void aPushWithThePushMagicWakesTheDeviceAndAWrongOneIsIgnored(@TempDir Path traces) throws Exception {
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(1)).apnsUrl(apns.baseUri())
                .lifetime(Duration.ofHours(8)).traces(TraceOptions.all(traces)).build());
        awaitIdle(1);
        // idle, the device keeps no trace lines in memory: what it recorded so far is in its file already
        String soFar = java.nio.file.Files.readString(traces.resolve("F2LXL1PQ0001.jsonl"));
        assertTrue(soFar.startsWith("{\"type\":\"device\"") && soFar.contains("TokenUpdate"), soFar);
        TokenUpdate t = fake.tokenUpdates().getFirst();
        String token = hex(t.token());
        assertEquals(apns.tokenOf(t.udid()), token, "the TokenUpdate carries the token APNs issued");
        assertTrue(apns.isOnline(token));
        assertEquals(1, apns.streamsOpened.get(), "one stream for the fleet");

        int idleBefore = fake.reportsWithStatus(CommandStatus.IDLE).size();
        fake.enqueue(t.udid(), command("A0000000-0000-4000-8000-000000000001", "DeviceInformation",
                Map.of("Queries", List.of("SerialNumber"))));
        apns.push(token, "not-the-push-magic");
        apns.push(token, t.pushMagic());
        await().atMost(WAIT).until(() -> reported("A0000000-0000-4000-8000-000000000001", CommandStatus.ACKNOWLEDGED));
        awaitIdle(1);
        assertEquals(idleBefore + 1, fake.reportsWithStatus(CommandStatus.IDLE).size(),
                "one check-in: the wrong PushMagic woke nothing");

        clock.advance(Duration.ofHours(8));
        FleetResult r = run.get(60, TimeUnit.SECONDS);
        assertTrue(r.allEnrolled(), r.summary());
        assertTrue(r.devices().getFirst().stageDurations().containsKey(Stage.MANAGED));
        assertFalse(apns.isOnline(token), "the device left the channel when its run ended");

        DeviceTrace trace = DeviceTrace.read(traces.resolve("F2LXL1PQ0001.jsonl"));
        List<JsonNode> pushes = trace.linesOf("event").stream()
                .filter(e -> e.path("event").asText().equals("push")).toList();
        assertEquals(2, pushes.size());
        assertFalse(pushes.get(0).path("accepted").asBoolean());
        assertTrue(pushes.get(0).path("reason").asText().startsWith("PushMagic not-the-push-magic is not the"
                + " device's"), pushes.get(0).toString());
        assertTrue(pushes.get(1).path("accepted").asBoolean());
    }

    /**
     * Apple's "Handling NotNow status responses": a device whose session ended with NotNow polls again on its own when
     * conditions change, without a push; after a session that ended otherwise it waits for a push.
     */
    @Test
    void aSessionEndingWithNotNowIsFollowedByAPollWithoutAPush() throws Exception {
        Behaviour busy = Behaviour.builder().commandFault("ProfileList", 1.0, 0).build();
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(3)).behaviour(busy)
                .apnsUrl(apns.baseUri()).lifetime(Duration.ofHours(8)).build());
        awaitIdle(1);
        TokenUpdate t = fake.tokenUpdates().getFirst();
        String deferred = "A0000000-0000-4000-8000-000000000031";
        fake.enqueue(t.udid(), command(deferred, "ProfileList", Map.of()));
        apns.push(hex(t.token()), t.pushMagic());
        await().atMost(WAIT).until(() -> reported(deferred, CommandStatus.NOT_NOW));
        awaitIdle(1);
        int idleAfterNotNow = fake.reportsWithStatus(CommandStatus.IDLE).size();

        clock.advance(Duration.ofSeconds(59));
        awaitIdle(1);
        assertEquals(idleAfterNotNow, fake.reportsWithStatus(CommandStatus.IDLE).size(), "not before the minute");
        clock.advance(Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> fake.reportsWithStatus(CommandStatus.IDLE).size() == idleAfterNotNow + 1);
        awaitIdle(1);

        clock.advance(Duration.ofHours(1));
        awaitIdle(1);
        assertEquals(idleAfterNotNow + 1, fake.reportsWithStatus(CommandStatus.IDLE).size(),
                "the poll ended with Idle: the device waits for a push again");
        clock.advance(Duration.ofHours(7));
        assertTrue(run.get(60, TimeUnit.SECONDS).allEnrolled());
    }

    @Test
    void anIdleDeviceHoldsNoThreadYetAnswersPushesAndEndsWhenTheFleetIsStopped(@TempDir Path dumps) throws Exception {
        CompletableFuture<FleetResult> run = new CompletableFuture<>();
        Thread fleet = Thread.ofPlatform().start(() -> run.complete(DeviceFleet.run(config(iphone(7), iphone(8))
                .apnsUrl(apns.baseUri()).lifetime(Duration.ofDays(30)).checkinInterval(Duration.ofHours(4))
                .build())));
        awaitIdle(2);
        assertEquals(2, clock.timers(), "each idle device waits on a timer of the clock");
        assertEquals(0, clock.sleepers(), "no device thread sleeps");
        String threads = threadDump(dumps.resolve("idle.json"));
        assertTrue(threads.contains("io.mdmsim.device.net.PushChannel.read"), "the dump lists virtual threads (the"
                + " fleet's push stream reader)");
        for (String frame : List.of("io.mdmsim.device.runtime.DeviceRunner", "io.mdmsim.device.managed.",
                "io.mdmsim.device.net.Wakeup.await")) {
            assertFalse(threads.contains(frame), "an idle fleet has no thread in " + frame);
        }

        TokenUpdate t = fake.tokenUpdates().get(1);
        fake.enqueue(t.udid(), command("E0000000-0000-4000-8000-000000000001", "DeviceInformation",
                Map.of("Queries", List.of("UDID"))));
        apns.push(hex(t.token()), t.pushMagic());
        await().atMost(WAIT).until(() -> reported("E0000000-0000-4000-8000-000000000001", CommandStatus.ACKNOWLEDGED));
        awaitIdle(2);
        int idle = fake.reportsWithStatus(CommandStatus.IDLE).size();
        clock.advance(Duration.ofHours(4)); // both check in on their own, each on a new thread
        await().atMost(WAIT).until(() -> fake.reportsWithStatus(CommandStatus.IDLE).size() == idle + 2);
        awaitIdle(2);

        fleet.interrupt(); // stopping the run reaches devices that hold no thread
        FleetResult r = run.get(60, TimeUnit.SECONDS);
        assertTrue(r.allEnrolled(), r.summary());
        assertEquals(0, clock.timers(), "the stopped devices' timers are cancelled");
    }

    /** Every thread's stack, virtual threads included (the JDK's JSON thread dump). */
    private static String threadDump(Path file) throws Exception {
        java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        return java.nio.file.Files.readString(file);
    }

    @Test
    void periodicCheckinsAndTokenUpdatesFollowTheSimClock() throws Exception {
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(2)).lifetime(Duration.ofHours(24))
                .checkinInterval(Duration.ofHours(4)).tokenUpdateInterval(Duration.ofHours(12)).build());
        awaitIdle(1);
        int idle = fake.reportsWithStatus(CommandStatus.IDLE).size();
        int tokens = fake.tokenUpdates().size();
        for (int step = 1; step <= 6; step++) {
            clock.advance(Duration.ofHours(4));
            if (step < 6) {
                awaitIdle(1);
            }
        }
        FleetResult r = run.get(60, TimeUnit.SECONDS);
        assertTrue(r.allEnrolled(), r.summary());
        assertEquals(idle + 5, fake.reportsWithStatus(CommandStatus.IDLE).size(), "check-ins at 4, 8, 12, 16, 20 h");
        assertEquals(tokens + 1, fake.tokenUpdates().size(), "a TokenUpdate at 12 h");
        TokenUpdate again = fake.tokenUpdates().getLast();
        assertFalse(again.awaitingConfiguration());
        assertArrayEquals(fake.tokenUpdates().getFirst().token(), again.token());
        assertEquals(Duration.ofHours(24), r.devices().getFirst().stageDurations().get(Stage.MANAGED));
    }

    @Test
    void a403WhileManagedIsCountedNotTakenForHealth() throws Exception {
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(4)).lifetime(Duration.ofHours(12))
                .checkinInterval(Duration.ofHours(4)).build());
        awaitIdle(1);
        fake.connectRefusalStatus = 403; // the MDM forgot the device (restarted without its state)
        for (int step = 1; step <= 3; step++) {
            clock.advance(Duration.ofHours(4));
            if (step < 3) {
                awaitIdle(1);
            }
        }
        FleetResult r = run.get(60, TimeUnit.SECONDS);
        assertEquals(2, r.devices().getFirst().management().refusedWhileManaged(), "check-ins at 4 and 8 h");
        assertEquals(2, r.management().get("refusedWhileManaged"));
        assertTrue(r.summary().contains("2 check-ins refused with 403 while managed"), r.summary());
    }

    @Test
    void restartDeviceTakesTheDeviceOffTheChannelUntilItHasBooted() throws Exception {
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(3)).apnsUrl(apns.baseUri())
                .lifetime(Duration.ofHours(1)).build());
        awaitIdle(1);
        TokenUpdate t = fake.tokenUpdates().getFirst();
        String token = hex(t.token());
        fake.enqueue(t.udid(), command("B0000000-0000-4000-8000-000000000001", "RestartDevice", Map.of()));
        fake.enqueue(t.udid(), command("B0000000-0000-4000-8000-000000000002", "DeviceInformation",
                Map.of("Queries", List.of("UDID"))));
        apns.push(token, t.pushMagic());
        await().atMost(WAIT).until(() -> apns.log.contains("offline " + token));
        assertTrue(reported("B0000000-0000-4000-8000-000000000001", CommandStatus.ACKNOWLEDGED));
        assertFalse(apns.isOnline(token), "rebooting");
        awaitIdle(1); // booting: 45 s on the clock
        clock.advance(Duration.ofSeconds(45));
        await().atMost(WAIT).until(() -> apns.isOnline(token));
        assertEquals(2, apns.log.stream().filter(("online " + token)::equals).count());
        // the command that came back with the RestartDevice report was never run (a server sends it again)
        assertTrue(fake.reports.stream().noneMatch(r -> "B0000000-0000-4000-8000-000000000002".equals(r.commandUuid())));
        fake.enqueue(t.udid(), command("B0000000-0000-4000-8000-000000000002", "DeviceInformation",
                Map.of("Queries", List.of("UDID"))));
        apns.push(token, t.pushMagic());
        await().atMost(WAIT).until(() -> reported("B0000000-0000-4000-8000-000000000002", CommandStatus.ACKNOWLEDGED));
        awaitIdle(1);
        clock.advance(Duration.ofHours(1));
        assertTrue(run.get(60, TimeUnit.SECONDS).allEnrolled());
    }

    @Test
    void eraseDeviceReleasesTheTokenAndEnrollsAgainFromScratch() throws Exception {
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(4)).apnsUrl(apns.baseUri())
                .lifetime(Duration.ofHours(1)).build());
        awaitIdle(1);
        TokenUpdate first = fake.tokenUpdates().getFirst();
        String oldToken = hex(first.token());
        fake.enqueue(first.udid(), command("C0000000-0000-4000-8000-000000000001", "EraseDevice", Map.of()));
        apns.push(oldToken, first.pushMagic());
        await().atMost(WAIT).until(() -> fake.tokenUpdates().size() == 2);
        awaitIdle(1);
        assertTrue(apns.isReleased(oldToken));
        TokenUpdate second = fake.tokenUpdates().get(1);
        assertEquals(first.udid(), second.udid(), "the same hardware");
        assertNotEquals(oldToken, hex(second.token()), "a new token after the erase");
        assertNotEquals(first.pushMagic(), second.pushMagic());
        assertTrue(second.awaitingConfiguration(), "through Setup Assistant again");
        assertEquals(2, fake.checkins.stream().filter(Authenticate.class::isInstance).count());
        assertEquals(2, fake.cloudConfigRequests.size());
        assertTrue(apns.isOnline(hex(second.token())));
        clock.advance(Duration.ofHours(1));
        FleetResult r = run.get(60, TimeUnit.SECONDS);
        assertTrue(r.allEnrolled(), r.summary());
    }

    @Test
    void aDroppedPushStreamIsReopenedWithEveryOnlineToken() throws Exception {
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(5), iphone(6)).apnsUrl(apns.baseUri())
                .lifetime(Duration.ofHours(1)).build());
        awaitIdle(2);
        assertEquals(1, apns.streamsOpened.get());
        apns.dropStreams();
        await().atMost(WAIT).until(() -> apns.streamsOpened.get() == 2 && apns.online().size() == 2);
        assertTrue(apns.log.contains("connect 2"), apns.log.toString());
        TokenUpdate t = fake.tokenUpdates().get(1);
        fake.enqueue(t.udid(), command("D0000000-0000-4000-8000-000000000001", "DeviceInformation",
                Map.of("Queries", List.of("UDID"))));
        apns.push(hex(t.token()), t.pushMagic());
        await().atMost(WAIT).until(() -> reported("D0000000-0000-4000-8000-000000000001", CommandStatus.ACKNOWLEDGED));
        awaitIdle(2);
        clock.advance(Duration.ofHours(1));
        assertTrue(run.get(60, TimeUnit.SECONDS).allEnrolled());
    }

    @Test
    void declarativeManagementFetchesDeclarationsAndSendsStatus() throws Exception {
        Map<String, byte[]> answers = new LinkedHashMap<>();
        answers.put("tokens", json("{\"SyncTokens\":{\"DeclarationsToken\":\"T1\",\"Timestamp\":\"2025-03-03T09:00:00Z\"}}"));
        answers.put("declaration-items", json("{\"Declarations\":{\"Activations\":[{\"Identifier\":\"A1\","
                + "\"ServerToken\":\"a1\"}],\"Configurations\":[{\"Identifier\":\"C1\",\"ServerToken\":\"c1\"},"
                + "{\"Identifier\":\"C2\",\"ServerToken\":\"c2\"}],\"Assets\":[],\"Management\":[]},"
                + "\"DeclarationsToken\":\"T1\"}"));
        answers.put("declaration/activation/A1", json("{\"Type\":\"com.apple.activation.simple\",\"Identifier\":\"A1\","
                + "\"ServerToken\":\"a1\",\"Payload\":{\"StandardConfigurations\":[\"C1\"]}}"));
        answers.put("declaration/configuration/C1", json("{\"Type\":\"com.apple.configuration.passcode.settings\","
                + "\"Identifier\":\"C1\",\"ServerToken\":\"c1\",\"Payload\":{\"MinimumLength\":6}}"));
        answers.put("declaration/configuration/C2", json("{\"Type\":\"com.apple.configuration.management.test\","
                + "\"Identifier\":\"C2\",\"ServerToken\":\"c2\",\"Payload\":{\"Echo\":\"hi\"}}"));
        fake.declarative = answers;
        fake.script = List.of("DeclarativeManagement", "DeviceConfigured");
        FleetResult r = DeviceFleet.run(config(iphone(7)).build());
        assertTrue(r.allEnrolled(), r.summary());
        List<String> endpoints = fake.declarativeCheckins.stream().map(d -> d.endpoint()).toList();
        assertEquals(List.of("tokens", "declaration-items", "declaration/activation/A1",
                "declaration/configuration/C1", "declaration/configuration/C2", "status"), endpoints);
        JsonNode status = JSON.readTree(fake.declarativeCheckins.getLast().data());
        JsonNode declarations = status.path("StatusItems").path("management").path("declarations");
        assertEquals("A1", declarations.path("activations").get(0).path("identifier").asText());
        assertTrue(declarations.path("activations").get(0).path("active").asBoolean());
        assertEquals("valid", declarations.path("configurations").get(0).path("valid").asText());
        assertTrue(declarations.path("configurations").get(0).path("active").asBoolean(), "C1 is activated");
        assertFalse(declarations.path("configurations").get(1).path("active").asBoolean(), "C2 is not");
        assertEquals(fake.tokenUpdates().getFirst().udid(),
                status.path("StatusItems").path("device").path("identifier").path("udid").asText());
        assertTrue(status.path("FullReport").asBoolean());
    }

    @Test
    void installProfileWithAScepPayloadEnrollsWithTheScepServer() throws Exception {
        Map<String, Object> scep = new LinkedHashMap<>();
        scep.put("URL", fake.base() + "/scep");
        scep.put("Name", "wifi-ca");
        scep.put("Subject", List.of(List.of(List.of("CN", "wifi-client"))));
        scep.put("Challenge", fake.mintChallenge());
        scep.put("Keysize", 2048);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("PayloadType", "com.apple.security.scep");
        payload.put("PayloadVersion", 1);
        payload.put("PayloadIdentifier", "com.example.wifi.scep");
        payload.put("PayloadUUID", "5C0E7A2B-0000-4000-8000-000000000001");
        payload.put("PayloadContent", scep);
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("PayloadType", "Configuration");
        profile.put("PayloadVersion", 1);
        profile.put("PayloadIdentifier", "com.example.wifi");
        profile.put("PayloadUUID", "5C0E7A2B-0000-4000-8000-000000000000");
        profile.put("PayloadContent", List.of(payload));
        byte[] install = Commands.raw("E0000000-0000-4000-8000-000000000001", "InstallProfile",
                Map.of("Payload", Plist.toXml(Plist.wrap(profile)))).toXml();
        fake.script = List.of(install, "DeviceConfigured");
        FleetResult r = DeviceFleet.run(config(iphone(8)).build());
        assertTrue(r.allEnrolled(), r.summary());
        assertTrue(reported("E0000000-0000-4000-8000-000000000001", CommandStatus.ACKNOWLEDGED));
        assertEquals(1, fake.extraIssued.size(), "the SCEP server issued the profile's identity");
        assertEquals("wifi-client", Certificates.commonName(fake.extraIssued.getFirst()));
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unused")
    private static NSDictionary body(CommandResult r) {
        return r.body();
    }
}
