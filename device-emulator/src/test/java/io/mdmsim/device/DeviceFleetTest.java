package io.mdmsim.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.testing.AppleSchemas;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceFleetTest {

    /** The clock, the fake Apple and MDM, the PKI: fresh for each test, closed after it. */
    @RegisterExtension
    final DeviceTestWorld world = new DeviceTestWorld(START);

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");

    private static DeviceSpec iphone(int i) {
        return new DeviceSpec(String.format("F2LXK0PQ%04d", i), "iPhone15,2", "iPhone 14 Pro", "17.5", "21F90");
    }

    private FleetConfig.Builder config(DeviceSpec... devices) {
        return FleetConfig.builder()
                .cloudConfigUrl(world.fake().cloudConfigUrl())
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .devices(List.of(devices))
                .seed(7)
                .clock(world.clock())
                .concurrency(4)
                .idlePollInterval(Duration.ZERO)
                .keySource(TestKeys.SHARED);
    }

    private static DeviceResult runOne(FleetConfig config) {
        FleetResult r = DeviceFleet.run(config);
        assertEquals(1, r.devices().size());
        return r.devices().getFirst();
    }

    @Test
    void oneIphoneEnrollsThroughEveryStageAndIsReleasedByDeviceConfigured() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        FleetListener listener = new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                events.add("enter " + stage);
            }

            @Override
            public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
                events.add("done " + stage);
            }

            @Override
            public void deviceFinished(DeviceResult result) {
                events.add("finished " + result.outcome());
            }
        };
        DeviceResult r = runOne(config(iphone(1)).listener(listener).build());

        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(Stage.DONE, r.stage());
        assertNull(r.reason());
        List<Stage> walked = List.of(Stage.POWER_ON, Stage.LANGUAGE_REGION, Stage.ACTIVATION, Stage.CLOUD_CONFIG,
                Stage.SETUP_PANES, Stage.REMOTE_MANAGEMENT, Stage.MACHINE_INFO, Stage.PROFILE, Stage.SCEP,
                Stage.AUTHENTICATE, Stage.TOKEN_UPDATE, Stage.AWAITING_CONFIGURATION, Stage.REMAINING_PANES,
                Stage.HOME_SCREEN);
        assertEquals(walked, List.copyOf(r.stageDurations().keySet()));
        List<String> expected = new ArrayList<>();
        for (Stage s : walked) {
            expected.add("enter " + s);
            expected.add("done " + s);
        }
        expected.add("finished ENROLLED");
        assertEquals(expected, events);

        // the wire: cloud config, MachineInfo, SCEP, check-ins, reports, all signed and chained (the world.fake() checks)
        assertEquals(1, world.fake().cloudConfigRequests.size());
        NSDictionary facts = world.fake().cloudConfigRequests.getFirst();
        assertEquals("F2LXK0PQ0001", ((NSString) facts.get("SerialNumber")).getContent());
        assertEquals(r.device().udid(), ((NSString) facts.get("UDID")).getContent());
        assertEquals(0, world.fake().unsignedRequests.get());
        assertEquals(List.of("Authenticate", "TokenUpdate"),
                world.fake().checkins.stream().map(m -> m.messageType()).toList());
        TokenUpdate t = world.fake().tokenUpdates().getFirst();
        assertTrue(t.awaitingConfiguration());
        assertEquals(32, t.token().length);
        assertTrue(t.pushMagic().matches("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"),
                t.pushMagic());
        assertEquals(FakeAppleAndMdm.TOPIC, t.topic());
        assertNotNull(t.unlockToken(), "AccessRights 8191 includes 4: the device sends an UnlockToken");

        // reports: Idle, DeviceInformation Acknowledged, DeviceConfigured Acknowledged
        assertEquals(List.of(CommandStatus.IDLE, CommandStatus.ACKNOWLEDGED, CommandStatus.ACKNOWLEDGED),
                world.fake().reports.stream().map(CommandResult::status).toList());
        NSDictionary answers = (NSDictionary) world.fake().reports.get(1).get("QueryResponses");
        assertEquals(r.device().udid(), ((NSString) answers.get("UDID")).getContent());
        assertEquals("F2LXK0PQ0001", ((NSString) answers.get("SerialNumber")).getContent());
        assertEquals("iPhone15,2", ((NSString) answers.get("ProductName")).getContent());
        assertEquals("iPhone", ((NSString) answers.get("ModelName")).getContent());
        assertEquals("iPhone", ((NSString) answers.get("DeviceName")).getContent());
        assertEquals("17.5", ((NSString) answers.get("OSVersion")).getContent());
        assertEquals("21F90", ((NSString) answers.get("BuildVersion")).getContent());
        assertTrue(((NSString) answers.get("IMEI")).getContent().matches("35 \\d{6} \\d{6} \\d"));
        assertTrue(((NSNumber) answers.get("DeviceCapacity")).doubleValue() > 50);
        assertTrue(((NSString) answers.get("Model")).getContent().matches("M[0-9A-Z]{4}"));
        assertFalse(answers.containsKey("NoSuchQuery"), "unknown queries are left out");
        assertEquals(Set.of("DeviceName", "OSVersion", "BuildVersion", "ModelName", "Model", "ProductName",
                "SerialNumber", "UDID", "IMEI", "DeviceCapacity"), answers.keySet());
    }

    @Test
    void messagesFollowApplesSchemas() throws Exception {
        assertEquals(Outcome.ENROLLED, runOne(config(iphone(2)).build()).outcome());

        AppleYaml machineInfo = AppleYaml.payloadKeys("other/machineinfo.yaml");
        NSDictionary mi = world.fake().machineInfos.getFirst();
        machineInfo.assertHasRequired(mi, "MachineInfo");
        machineInfo.assertConforms(mi, "MachineInfo");
        assertEquals(Set.of("OS_VERSION", "PRODUCT", "SERIAL", "UDID", "VERSION"), machineInfo.requiredForIosDevice());

        AppleYaml authenticate = AppleYaml.payloadKeys("mdm/checkin/authenticate.yaml");
        NSDictionary auth = CheckinCodec.toDictionary(world.fake().checkins.get(0));
        assertTrue(world.fake().checkins.get(0) instanceof Authenticate);
        authenticate.assertHasRequired(auth, "Authenticate");
        authenticate.assertConforms(auth, "Authenticate");
        assertTrue(auth.containsKey("UDID"), "a device-channel Authenticate carries the UDID");
        assertEquals(Set.of("MessageType", "Topic"), authenticate.requiredForIosDevice());

        AppleYaml tokenUpdate = AppleYaml.payloadKeys("mdm/checkin/tokenupdate.yaml");
        NSDictionary tu = CheckinCodec.toDictionary(world.fake().checkins.get(1));
        tokenUpdate.assertHasRequired(tu, "TokenUpdate");
        tokenUpdate.assertConforms(tu, "TokenUpdate");
        assertTrue(tu.containsKey("AwaitingConfiguration"));

        AppleYaml queryResponses = AppleYaml.responseSubkeys("mdm/commands/information.device.yaml", "QueryResponses");
        queryResponses.assertConforms((NSDictionary) world.fake().reports.get(1).get("QueryResponses"), "QueryResponses");

        // and core's platform-neutral checks (types, rangelists, nesting)
        assertEquals(List.of(), AppleSchemas.load(AppleSchemas.appleDir().resolve("other/machineinfo.yaml")).check(mi));
        assertEquals(List.of(), AppleSchemas.checkin("Authenticate").check(auth));
        assertEquals(List.of(), AppleSchemas.checkin("TokenUpdate").check(tu));
        assertEquals(List.of(), AppleSchemas.command("DeviceInformation").checkResponse(world.fake().reports.get(1).body()));
    }

    @Test
    void devicesPowerOnAtTheirArrivalTimesOnTheSimulatedClock() throws Exception {
        List<String> powerOns = new CopyOnWriteArrayList<>();
        FleetListener listener = new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                if (stage == Stage.POWER_ON) {
                    powerOns.add(device.serialNumber() + "@" + Duration.between(START, world.clock().now()).toMinutes());
                }
            }
        };
        FleetConfig config = config(iphone(50), iphone(51), iphone(52)).listener(listener)
                .arrivals(List.of(Duration.ZERO, Duration.ofMinutes(2), Duration.ofMinutes(5))).build();
        java.util.concurrent.CompletableFuture<FleetResult> run =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> DeviceFleet.run(config));
        await().atMost(Duration.ofSeconds(30)).until(() -> powerOns.size() == 1 && world.clock().sleepers() > 0);
        assertEquals(List.of("F2LXK0PQ0050@0"), powerOns);
        await().atMost(Duration.ofSeconds(30)).until(() -> world.clock().nextDeadline().isPresent());
        world.clock().advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> powerOns.size() == 2);
        world.clock().advance(Duration.ofMinutes(3));
        FleetResult r = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("F2LXK0PQ0050@0", "F2LXK0PQ0051@2", "F2LXK0PQ0052@5"), powerOns);
        assertTrue(r.allEnrolled(), r.summary());
    }

    @Test
    void arrivalsNeedOneTimePerDevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(iphone(53), iphone(54)).arrivals(List.of(Duration.ZERO)).build());
        assertEquals("arrivals: 1 entries (expected: none, or one per device, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> config(iphone(53)).arrivals(List.of(Duration.ofSeconds(-1))).build());
        assertEquals("arrivals: PT-1S (expected: >= 0)", e.getMessage());
    }

    @Test
    void unassignedSerialEndsAsNotAssignedAtCloudConfig() throws Exception {
        world.fake().unassignedSerials = Set.of("F2LXK0PQ0003");
        DeviceResult r = runOne(config(iphone(3)).build());
        assertEquals(Outcome.NOT_ASSIGNED, r.outcome());
        assertEquals(Stage.CLOUD_CONFIG, r.stage());
        assertTrue(r.reason().startsWith("Apple has no enrollment profile for serial F2LXK0PQ0003"), r.reason());
        assertTrue(r.reason().contains("answered 404: serial F2LXK0PQ0003 is not assigned"), r.reason());
        assertTrue(world.fake().machineInfos.isEmpty());
    }

    @Test
    void machineInfoRefusedWith403ReportsTheErrorCode() throws Exception {
        world.fake().machineInfoRefusal = """
                {"code":"com.apple.softwareupdate.required","details":{"OSVersion":"18.1"}}""".getBytes();
        DeviceResult r = runOne(config(iphone(4)).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.MACHINE_INFO, r.stage());
        assertTrue(r.reason().startsWith("the MDM refused enrollment: 403 com.apple.softwareupdate.required"),
                r.reason());
        assertTrue(r.reason().contains("\"OSVersion\":\"18.1\""), r.reason());
        assertEquals(List.of(Stage.POWER_ON, Stage.LANGUAGE_REGION, Stage.ACTIVATION, Stage.CLOUD_CONFIG,
                Stage.SETUP_PANES, Stage.REMOTE_MANAGEMENT), List.copyOf(r.stageDurations().keySet()));
    }

    @Test
    void profileWhoseIdentityUuidMatchesNoScepPayloadIsAnInvalidProfile() throws Exception {
        world.fake().profileEditor = top -> {
            for (NSObject p : ((NSArray) top.get("PayloadContent")).getArray()) {
                NSDictionary payload = (NSDictionary) p;
                if (payload.get("PayloadType").toJavaObject().equals("com.apple.mdm")) {
                    payload.put("IdentityCertificateUUID", "00000000-0000-0000-0000-000000000000");
                }
            }
            return top;
        };
        DeviceResult r = runOne(config(iphone(5)).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.PROFILE, r.stage());
        assertTrue(r.reason().startsWith("Invalid Profile: com.apple.mdm IdentityCertificateUUID "
                + "00000000-0000-0000-0000-000000000000 matches no com.apple.security.scep PayloadUUID"), r.reason());
        assertTrue(world.fake().scepRequests.isEmpty());
    }

    @Test
    void scepFailureShowsWhatIosShows() throws Exception {
        world.fake().scepMode = FakeAppleAndMdm.ScepMode.FAILURE;
        DeviceResult r = runOne(config(iphone(6)).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.SCEP, r.stage());
        assertEquals("The SCEP server returned an invalid response (pkiStatus FAILURE, failInfo BAD_REQUEST)",
                r.reason());
        assertTrue(world.fake().checkins.isEmpty());
    }

    @Test
    void scepPendingIsPolledEveryRetryDelayOnTheSimClock() throws Exception {
        world.fake().scepPendingReplies = 2;
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(7)).build());
        for (int poll = 1; poll <= 2; poll++) {
            await().atMost(Duration.ofSeconds(30)).until(() -> world.clock().sleepers() == 1);
            assertEquals(poll, world.fake().scepRequests.size());
            world.clock().advance(Duration.ofSeconds(10)); // the profile's RetryDelay
        }
        DeviceResult r = run.get(60, TimeUnit.SECONDS).devices().getFirst();
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(3, world.fake().scepRequests.size());
        assertEquals(1, world.fake().scepRequests.stream().map(m -> m.transactionId()).distinct().count(),
                "every poll carries the same transactionId");
        assertEquals(Duration.ofSeconds(20), r.stageDurations().get(Stage.SCEP));
        assertEquals(Duration.ZERO, r.stageDurations().get(Stage.CLOUD_CONFIG));
    }

    @Test
    void scepStillPendingAfterRetriesFails() throws Exception {
        world.fake().scepPendingReplies = 100;
        CompletableFuture<FleetResult> run = runInBackground(config(iphone(8)).build());
        for (int poll = 1; poll <= 3; poll++) {
            await().atMost(Duration.ofSeconds(30)).until(() -> world.clock().sleepers() == 1);
            world.clock().advance(Duration.ofSeconds(10));
        }
        DeviceResult r = run.get(60, TimeUnit.SECONDS).devices().getFirst();
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.SCEP, r.stage());
        assertEquals("The SCEP server returned an invalid response (still PENDING after 3 retries every 10 s)",
                r.reason());
        assertEquals(4, world.fake().scepRequests.size());
    }

    @Test
    void scepUsesAesSha256AndPostWhenAdvertised() throws Exception {
        assertEquals(Outcome.ENROLLED, runOne(config(iphone(9)).build()).outcome());
        assertEquals(ContentCipher.AES128_CBC, world.fake().scepRequests.getFirst().cipher());
        assertEquals(DigestAlgorithm.SHA256, world.fake().scepRequests.getFirst().digest());
        assertEquals(List.of("POST"), world.fake().scepMethods);
    }

    @Test
    void scepFallsBackToDes3Sha1AndGetWhenNotAdvertised() throws Exception {
        world.fake().scepCaps = "Renewal\nDES3\n";
        assertEquals(Outcome.ENROLLED, runOne(config(iphone(10)).build()).outcome());
        assertEquals(ContentCipher.DES_EDE3_CBC, world.fake().scepRequests.getFirst().cipher());
        assertEquals(DigestAlgorithm.SHA1, world.fake().scepRequests.getFirst().digest());
        assertEquals(List.of("GET"), world.fake().scepMethods);
    }

    @Test
    void caFingerprintIsChecked() throws Exception {
        byte[] sha256 = java.security.MessageDigest.getInstance("SHA-256").digest(world.pki().scepCa().certificate().getEncoded());
        world.fake().profileEditor = withScepField("CAFingerprint", new com.dd.plist.NSData(sha256));
        assertEquals(Outcome.ENROLLED, runOne(config(iphone(19)).build()).outcome());

        world.fake().profileEditor = withScepField("CAFingerprint", new com.dd.plist.NSData(new byte[20]));
        DeviceResult r = runOne(config(iphone(20)).build());
        assertEquals(Stage.SCEP, r.stage());
        assertEquals("The SCEP server returned an invalid response (no GetCACert certificate matches the payload's"
                + " CAFingerprint)", r.reason());
    }

    private static java.util.function.UnaryOperator<NSDictionary> withScepField(String key, NSObject value) {
        return top -> {
            for (NSObject p : ((NSArray) top.get("PayloadContent")).getArray()) {
                NSDictionary payload = (NSDictionary) p;
                if (payload.get("PayloadType").toJavaObject().equals("com.apple.security.scep")) {
                    ((NSDictionary) payload.get("PayloadContent")).put(key, value);
                }
            }
            return top;
        };
    }

    @Test
    void malformedCommandGetsCommandFormatErrorAndTheDeviceCarriesOn() throws Exception {
        world.fake().script = List.of(FakeAppleAndMdm.commandWithoutRequestType("6E2F4A10-0000-4000-8000-000000000001"),
                "DeviceConfigured");
        DeviceResult r = runOne(config(iphone(11)).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        CommandResult formatError = world.fake().reportsWithStatus(CommandStatus.COMMAND_FORMAT_ERROR).getFirst();
        assertEquals("6E2F4A10-0000-4000-8000-000000000001", formatError.commandUuid());
        assertEquals(1, world.fake().reportsWithStatus(CommandStatus.ACKNOWLEDGED).size());
    }

    @Test
    void deviceInformationWithoutQueriesIsACommandFormatError() throws Exception {
        NSDictionary inner = new NSDictionary();
        inner.put("RequestType", "DeviceInformation");
        inner.put("Queries", "DeviceName");
        NSDictionary env = new NSDictionary();
        env.put("CommandUUID", "6E2F4A10-0000-4000-8000-000000000002");
        env.put("Command", inner);
        world.fake().script = List.of(Plist.toXml(env), "DeviceConfigured");
        assertEquals(Outcome.ENROLLED, runOne(config(iphone(12)).build()).outcome());
        assertEquals("6E2F4A10-0000-4000-8000-000000000002",
                world.fake().reportsWithStatus(CommandStatus.COMMAND_FORMAT_ERROR).getFirst().commandUuid());
    }

    @Test
    void unknownCommandGetsAnAppleStyleErrorChain() throws Exception {
        world.fake().script = List.of("FlyToTheMoon", "DeviceConfigured");
        assertEquals(Outcome.ENROLLED, runOne(config(iphone(13)).build()).outcome());
        CommandResult error = world.fake().reportsWithStatus(CommandStatus.ERROR).getFirst();
        assertEquals(List.of(new ErrorChainItem(12021, "MCMDMErrorDomain", "Unknown command", "Unknown command")),
                error.errorChain());
    }

    @Test
    void mdmThatNeverSendsDeviceConfiguredFailsAfterTheIdlePollLimit() throws Exception {
        world.fake().script = List.of("DeviceInformation");
        DeviceResult r = runOne(config(iphone(14)).maxIdlePolls(5).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.AWAITING_CONFIGURATION, r.stage());
        assertTrue(r.reason().startsWith("still awaiting configuration after 5 polls of " + world.fake().base()
                + "/mdm/connect"), r.reason());
        assertTrue(r.reason().contains("the MDM never sent DeviceConfigured (1 commands answered)"), r.reason());
        // Idle -> DeviceInformation, Acknowledged -> nothing (1), then 4 more Idle polls that get nothing (2..5)
        assertEquals(5, world.fake().reportsWithStatus(CommandStatus.IDLE).size());
    }

    @Test
    void withoutAwaitDeviceConfiguredTheDeviceIsDoneAfterTokenUpdate() throws Exception {
        world.fake().awaitDeviceConfigured = false;
        DeviceResult r = runOne(config(iphone(15)).build());
        assertEquals(Outcome.ENROLLED, r.outcome());
        assertFalse(r.stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));
        assertFalse(world.fake().tokenUpdates().getFirst().awaitingConfiguration());
        // at the home screen it connects once, as the MDM's push after TokenUpdate makes it, and gets nothing
        assertEquals(1, world.fake().reports.size());
        assertEquals(CommandStatus.IDLE, world.fake().reports.getFirst().status());
    }

    @Test
    void machineInfoRefusedWithAPolicy403IsAnInvalidProfile() throws Exception {
        world.fake().machineInfoRefusal = ("{\"code\":\"io.mdmsim.enrollment.platform-blocked\",\"message\":\"device type"
                + " restrictions block iOS (expected: iOS allowed)\",\"details\":{\"platform\":\"iOS\"}}").getBytes();
        DeviceResult r = runOne(config(iphone(40)).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.MACHINE_INFO, r.stage());
        assertEquals("Invalid Profile: The configuration for your iPhone could not be downloaded from 127.0.0.1: 403"
                + " io.mdmsim.enrollment.platform-blocked (device type restrictions block iOS (expected: iOS"
                + " allowed))", r.reason());
    }

    @Test
    void machineInfoRefusedWith403WithoutAnErrorBodyIsAnInvalidProfileWithTheAnswer() throws Exception {
        world.fake().machineInfoRefusal = "no".getBytes();
        DeviceResult r = runOne(config(iphone(41)).build());
        assertEquals(Stage.MACHINE_INFO, r.stage());
        assertTrue(r.reason().startsWith("Invalid Profile: The configuration for your iPhone could not be downloaded"
                + " from 127.0.0.1: 403 from POST " + world.fake().base() + "/mdm/enroll"), r.reason());
    }

    @Test
    void checkinRefusalFailsAtAuthenticateWithTheReason() throws Exception {
        world.fake().checkinRefusalStatus = 403;
        DeviceResult r = runOne(config(iphone(16)).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.AUTHENTICATE, r.stage());
        assertTrue(r.reason().startsWith("the MDM refused Authenticate: 403 com.apple.unrecognized.device: the MDM"
                + " does not recognize the device"), r.reason());
    }

    @Test
    void unreachableCloudConfigFailsWithTheUrl() throws Exception {
        URI dead = world.fake().cloudConfigUrl();
        world.fake().close();
        DeviceResult r = runOne(config(iphone(17)).cloudConfigUrl(dead).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.CLOUD_CONFIG, r.stage());
        assertTrue(r.reason().startsWith("POST " + dead + " failed: "), r.reason());
    }

    @Test
    void tenDevicesEnrollConcurrentlyWithDistinctIdentities() throws Exception {
        List<DeviceSpec> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            devices.add(i % 3 == 0
                    ? new DeviceSpec(String.format("DMPXK0PQ%04d", i), "iPad13,18", "iPad (10th generation)", "17.4",
                            "21E219")
                    : iphone(100 + i));
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<Stage, AtomicInteger> completed = new ConcurrentHashMap<>();
        FleetListener listener = new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                if (stage == Stage.CLOUD_CONFIG) {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                }
            }

            @Override
            public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
                completed.computeIfAbsent(stage, s -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void deviceFinished(DeviceResult result) {
                running.decrementAndGet();
            }
        };
        FleetResult result = DeviceFleet.run(config(devices.toArray(DeviceSpec[]::new)).concurrency(4)
                .listener(listener).keySource(KeySource.fresh()).build());

        assertTrue(result.allEnrolled(), result.summary());
        assertEquals(10, result.count(Outcome.ENROLLED));
        assertTrue(maxRunning.get() <= 4, "at most 4 devices at a time, saw " + maxRunning.get());
        assertEquals(10, completed.get(Stage.AWAITING_CONFIGURATION).get());
        assertEquals(10, result.stages().get(Stage.SCEP).count());
        assertEquals(List.copyOf(devices.stream().map(DeviceSpec::serialNumber).toList()),
                result.devices().stream().map(d -> d.device().serialNumber()).toList(), "results in device order");
        Set<String> udids = new HashSet<>();
        result.devices().forEach(d -> udids.add(d.device().udid()));
        assertEquals(10, udids.size());
        assertEquals(10, world.fake().tokenUpdates().size());
        assertEquals(10, world.fake().tokenUpdates().stream().map(t -> List.of(t.pushMagic())).distinct().count());
        // iPads have no IMEI, and their UDIDs use the A12+ form
        NSDictionary ipad = world.fake().machineInfos.stream()
                .filter(m -> ((NSString) m.get("PRODUCT")).getContent().startsWith("iPad")).findFirst().orElseThrow();
        assertFalse(ipad.containsKey("IMEI"));
        assertTrue(((NSString) ipad.get("UDID")).getContent().matches("[0-9A-F]{8}-[0-9A-F]{16}"));
    }

    @Test
    void sameSeedGivesTheSameDevicesAndTokens() throws Exception {
        DeviceResult first = runOne(config(iphone(18)).build());
        byte[] token = world.fake().tokenUpdates().getFirst().token();
        String magic = world.fake().tokenUpdates().getFirst().pushMagic();
        world.restartFake();
        DeviceResult second = runOne(config(iphone(18)).cloudConfigUrl(world.fake().cloudConfigUrl()).build());
        assertEquals(first.device(), second.device());
        assertArrayEquals(token, world.fake().tokenUpdates().getFirst().token());
        assertEquals(magic, world.fake().tokenUpdates().getFirst().pushMagic());
    }

    @Test
    void interruptingTheCallerStopsEveryDeviceAndStillReturnsTheResults() throws Exception {
        world.fake().scepPendingReplies = 100;
        CompletableFuture<FleetResult> run = new CompletableFuture<>();
        AtomicInteger flagAfterwards = new AtomicInteger(-1);
        Thread caller = Thread.ofVirtual().start(() -> {
            run.complete(DeviceFleet.run(config(iphone(21), iphone(22), iphone(23)).concurrency(1).build()));
            flagAfterwards.set(Thread.currentThread().isInterrupted() ? 1 : 0);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> world.clock().sleepers() == 1); // device 1 waits in SCEP
        caller.interrupt();
        FleetResult r = run.get(30, TimeUnit.SECONDS);
        caller.join();
        assertEquals(1, flagAfterwards.get(), "the caller's interrupt flag is set again");
        assertEquals(3, r.count(Outcome.INTERRUPTED));
        assertEquals(Stage.SCEP, r.devices().get(0).stage());
        assertEquals("interrupted: the fleet run was stopped", r.devices().get(0).reason());
        for (DeviceResult notStarted : r.devices().subList(1, 3)) {
            assertEquals(Stage.POWER_ON, notStarted.stage());
            assertEquals("interrupted before power-on: the fleet run was stopped", notStarted.reason());
        }
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
}
