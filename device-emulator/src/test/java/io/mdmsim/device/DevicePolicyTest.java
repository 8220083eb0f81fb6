package io.mdmsim.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.TokenUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Enrollment policy on the device side (docs/mdm-endpoint.md "Company Portal and Single App Mode"): Company Portal and its sign-in, Single App Mode,
 * locked enrollment and its 30-day provisional window, supervision, retire and re-enrollment, against the in-test fake.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DevicePolicyTest {

    /** The clock, the fake Apple and MDM, the PKI: fresh for each test, closed after it. */
    @RegisterExtension
    final DeviceTestWorld world = new DeviceTestWorld(START);

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");
    private static final String CP = "com.microsoft.CompanyPortal";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path traces;

    private static DeviceSpec spec(String serial, String productType, String os) {
        String family = productType.startsWith("iPad") ? "iPad" : "iPhone";
        return new DeviceSpec(serial, productType, family + " test", os, "21F90");
    }

    private FleetConfig.Builder config(Behaviour behaviour, DeviceSpec... devices) {
        return FleetConfig.builder()
                .cloudConfigUrl(world.fake().cloudConfigUrl())
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .devices(List.of(devices))
                .behaviour(behaviour)
                .seed(7)
                .clock(world.clock())
                .idlePollInterval(Duration.ZERO)
                .traces(TraceOptions.all(traces))
                .keySource(TestKeys.SHARED);
    }

    /** Runs the fleet, moving the manual world.clock() to the next sleeper's deadline whenever every device sleeps. */
    private DeviceResult one(FleetConfig config) throws Exception {
        return one(config, () -> { });
    }

    /** As {@link #one(FleetConfig)}; {@code beforeAdvance} runs each time every device sleeps, before the world.clock() moves. */
    private DeviceResult one(FleetConfig config, Runnable beforeAdvance) throws Exception {
        CompletableFuture<FleetResult> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                run.complete(DeviceFleet.run(config));
            } catch (Throwable t) {
                run.completeExceptionally(t);
            }
        });
        while (!run.isDone()) {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(60))
                    .until(() -> run.isDone() || world.clock().sleepers() + world.clock().timers() > 0);
            beforeAdvance.run();
            world.clock().nextWake().ifPresent(world.clock()::set);
        }
        FleetResult r = run.get(10, TimeUnit.SECONDS);
        assertEquals(1, r.devices().size());
        return r.devices().getFirst();
    }

    /** The trace's event lines of one kind. */
    private List<JsonNode> events(String serial, String event) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (var files = Files.walk(traces)) {
            for (Path p : files.filter(f -> f.getFileName().toString().contains(serial)).toList()) {
                for (String line : Files.readAllLines(p)) {
                    JsonNode n = JSON.readTree(line);
                    if (event.equals(n.path("event").asText())) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }

    private JsonNode resultLine(String serial) throws Exception {
        try (var files = Files.walk(traces)) {
            for (Path p : files.filter(f -> f.getFileName().toString().contains(serial)).toList()) {
                List<String> lines = Files.readAllLines(p);
                return JSON.readTree(lines.getLast());
            }
        }
        throw new AssertionError("no trace for " + serial);
    }

    private void companyPortalWithSingleAppMode() {
        world.fake().script = List.of(world.fake().installCompanyPortal(true), FakeAppleAndMdm.singleAppMode(CP), "DeviceConfigured");
    }

    // ---- Company Portal and Single App Mode -----------------------------------------------------------------------

    @Test
    void aDeviceLockedToCompanyPortalSignsInRegistersAndIsUnlocked() throws Exception {
        companyPortalWithSingleAppMode();
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0601", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertTrue(r.stageDurations().containsKey(Stage.COMPANY_PORTAL), "locked: the user must sign in");
        assertEquals(1, world.fake().companyPortalSignIns.size());
        JsonNode body = JSON.readTree(world.fake().companyPortalSignIns.getFirst());
        assertEquals("user-f2lxk0pq0601@example.com", body.get("UserName").asText());
        assertEquals(r.device().udid(), body.get("UDID").asText());
        assertFalse(r.management().singleAppMode(), "the MDM's RemoveProfile lifted Single App Mode");
        assertEquals(new DeviceResult.Management(true, true, false, null, DeviceResult.Unenrollment.NONE, 1),
                r.management());
        List<JsonNode> sam = events("F2LXK0PQ0601", "single-app-mode");
        assertEquals(2, sam.size());
        assertTrue(sam.get(0).get("locked").asBoolean());
        assertEquals(CP, sam.get(0).get("app").asText());
        assertFalse(sam.get(1).get("locked").asBoolean());
        JsonNode signIn = events("F2LXK0PQ0601", "company-portal-signin").getFirst();
        assertEquals("COMPANY_PORTAL", signIn.get("stage").asText());
        assertTrue(signIn.get("singleAppMode").asBoolean());
        assertTrue(signIn.get("singleAppModeLifted").asBoolean());
        assertFalse(resultLine("F2LXK0PQ0601").get("singleAppMode").asBoolean());
    }

    @Test
    void whenTheMdmKeepsSingleAppModeTheResultShowsTheDeviceStillLocked() throws Exception {
        companyPortalWithSingleAppMode();
        world.fake().companyPortalBody = "{\"registered\": true, \"singleAppModeLifted\": false}";
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0602", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertTrue(r.management().singleAppMode());
        assertEquals(CP, r.management().singleAppModeApp());
        JsonNode result = resultLine("F2LXK0PQ0602");
        assertTrue(result.get("singleAppMode").asBoolean());
        assertEquals(CP, result.get("singleAppModeApp").asText());
    }

    @Test
    void anUnlicensedUserFailsAtCompanyPortalWithTheMdmsMessage() throws Exception {
        companyPortalWithSingleAppMode();
        world.fake().companyPortalStatus = 403;
        world.fake().companyPortalBody = "{\"code\":\"io.mdmsim.license.user-unlicensed\",\"message\":\"user"
                + " user-f2lxk0pq0603@example.com has no Intune license (expected: a user license)\"}";
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0603", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.COMPANY_PORTAL, r.stage());
        assertEquals("Company Portal sign-in of user-f2lxk0pq0603@example.com refused: 403"
                + " io.mdmsim.license.user-unlicensed (user user-f2lxk0pq0603@example.com has no Intune license"
                + " (expected: a user license))", r.reason());
        assertTrue(r.management().singleAppMode(), "still locked to Company Portal");
    }

    @Test
    void otherSignInAnswersFailWithWhatWasWrong() throws Exception {
        companyPortalWithSingleAppMode();
        world.fake().companyPortalStatus = 404;
        world.fake().companyPortalBody = "{\"error\":\"unknown device\"}";
        DeviceResult unknown = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0604", "iPhone15,2", "17.5")).build());
        assertEquals(Stage.COMPANY_PORTAL, unknown.stage());
        assertTrue(unknown.reason().startsWith("Company Portal sign-in of user-f2lxk0pq0604@example.com failed: POST "
                + world.fake().base() + "/companyportal/signin answered 404"), unknown.reason());

        world.fake().companyPortalStatus = 200;
        world.fake().companyPortalBody = "registered";
        DeviceResult notJson = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0605", "iPhone15,2", "17.5")).build());
        assertTrue(notJson.reason().startsWith("Company Portal sign-in: POST "), notJson.reason());
        assertTrue(notJson.reason().endsWith("is not JSON (expected: {\"registered\": true, \"singleAppModeLifted\":"
                + " bool})"), notJson.reason());

        world.fake().companyPortalBody = "{\"registered\": false}";
        DeviceResult refused = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0606", "iPhone15,2", "17.5")).build());
        assertTrue(refused.reason().startsWith("Company Portal sign-in of user-f2lxk0pq0606@example.com was not"
                + " registered: "), refused.reason());
    }

    @Test
    void multifactorOnADeviceLockedInSingleAppModeFailsUnlessTheSecondFactorIsElsewhere() throws Exception {
        companyPortalWithSingleAppMode();
        DeviceResult locked = one(config(Behaviour.builder().secondFactorElsewhereShare(0).build(),
                spec("F2LXK0PQ0607", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, locked.outcome());
        assertEquals(Stage.COMPANY_PORTAL, locked.stage());
        assertTrue(locked.reason().contains("multifactor authentication isn't supported on a single device locked in"
                + " Single App Mode, because the device can't switch to a different app"), locked.reason());
        assertTrue(world.fake().companyPortalSignIns.isEmpty());

        DeviceResult noMfa = one(config(Behaviour.builder().secondFactorElsewhereShare(0).mfaShare(0).build(),
                spec("F2LXK0PQ0608", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, noMfa.outcome(), noMfa.toString());
    }

    @Test
    void unlockedDevicesUseCompanyPortalOnlyWhenTheirUserDoesAndAppStoreCompanyPortalCallsNothing() throws Exception {
        world.fake().script = List.of(world.fake().installCompanyPortal(true), "DeviceConfigured");
        DeviceResult skip = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0609", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, skip.outcome());
        assertFalse(skip.stageDurations().containsKey(Stage.COMPANY_PORTAL));
        assertTrue(world.fake().companyPortalSignIns.isEmpty());

        DeviceResult user = one(config(Behaviour.builder().companyPortal(1, Duration.ofMinutes(5)).build(),
                spec("F2LXK0PQ0610", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, user.outcome(), user.toString());
        assertEquals(1, world.fake().companyPortalSignIns.size());

        world.fake().script = List.of(world.fake().installCompanyPortal(false), "DeviceConfigured");
        DeviceResult appStore = one(config(Behaviour.builder().companyPortal(1, Duration.ofMinutes(5)).build(),
                spec("F2LXK0PQ0611", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, appStore.outcome());
        assertEquals(1, world.fake().companyPortalSignIns.size(), "no ServiceURL: nothing called");
        assertFalse(events("F2LXK0PQ0611", "company-portal-signin").getFirst().get("registered").asBoolean());
    }

    @Test
    void aDeviceLockedToAnotherAppCannotOpenCompanyPortal() throws Exception {
        world.fake().script = List.of(FakeAppleAndMdm.singleAppMode("com.example.kiosk"), "DeviceConfigured");
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0612", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.COMPANY_PORTAL, r.stage());
        assertEquals("the device is locked in Single App Mode to com.example.kiosk, so the user cannot open Company"
                + " Portal (com.microsoft.CompanyPortal) to sign in", r.reason());
    }

    @Test
    void withoutAwaitConfigurationTheDeviceFetchesCompanyPortalAndTheLockAtTheHomeScreen() throws Exception {
        world.fake().awaitDeviceConfigured = false;
        // the world.fake() queues its script only for a device that awaits configuration: queue it by UDID here
        DeviceSpec s = spec("F2LXK0PQ0613", "iPhone15,2", "17.5");
        String udid = io.mdmsim.device.model.HardwareProfile.derive(7, s).udid();
        world.fake().enqueue(udid, world.fake().installCompanyPortal(true));
        world.fake().enqueue(udid, FakeAppleAndMdm.singleAppMode(CP));
        DeviceResult r = one(config(Behaviour.DEFAULT, s).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(1, world.fake().companyPortalSignIns.size());
        assertFalse(r.management().singleAppMode());
    }

    /**
     * iOS 15 answers NotNow to every install while awaiting configuration. The MDM sends the deferred command again in
     * the same session once DeviceConfigured is acknowledged (the device would not poll on its own: NotNow was not its
     * last status, Apple's "Handling NotNow status responses"), and the device installs it then.
     */
    @Test
    void companyPortalDeferredWithNotNowWhileAwaitingConfigurationInstallsWhenSentAgainAfterDeviceConfigured()
            throws Exception {
        world.fake().script = List.of(world.fake().installCompanyPortal(true), FakeAppleAndMdm.singleAppMode(CP),
                "DeviceConfigured", world.fake().installCompanyPortal(true));
        DeviceSpec s = spec("F2LXK0PQ0614", "iPhone14,2", "15.7");
        DeviceResult r = one(config(Behaviour.builder().dwellScale(1).build(), s).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(List.of(CommandStatus.NOT_NOW, CommandStatus.ACKNOWLEDGED, CommandStatus.ACKNOWLEDGED,
                CommandStatus.ACKNOWLEDGED), world.fake().reports.stream().map(CommandResult::status)
                .filter(st -> st != CommandStatus.IDLE).limit(4).toList());
        assertEquals(1, world.fake().companyPortalSignIns.size(), "Company Portal arrived after DeviceConfigured");
        assertFalse(r.management().singleAppMode());
    }

    // ---- supervision -------------------------------------------------------------------------------------------

    @Test
    void isSupervisedFollowsTheRecordBeforeIos13AndIsAlwaysTrueFrom13() throws Exception {
        world.fake().isSupervised = false;
        world.fake().awaitDeviceConfigured = true;
        world.fake().script = List.of(io.mdmsim.core.protocol.Commands.deviceInformation(
                java.util.UUID.randomUUID().toString(), List.of("IsSupervised")).toXml(), "DeviceConfigured");
        DeviceResult modern = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0620", "iPhone15,2", "17.5")).build());
        assertTrue(modern.management().supervised(), "is_supervised is ignored on iOS 13+");
        CommandResult info = world.fake().reports.stream().filter(x -> x.status() == CommandStatus.ACKNOWLEDGED)
                .findFirst().orElseThrow();
        NSDictionary answers = (NSDictionary) info.get("QueryResponses");
        assertEquals(new NSNumber(true), answers.get("IsSupervised"));

        // iOS 12, record unsupervised: not supervised, so AwaitDeviceConfigured does not apply either
        DeviceResult old = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0621", "iPhone10,1", "12.4")).build());
        assertEquals(Outcome.ENROLLED, old.outcome(), old.toString());
        assertFalse(old.management().supervised());
        assertFalse(world.fake().tokenUpdates().getLast().awaitingConfiguration());
    }

    // ---- retire and re-enrollment -------------------------------------------------------------------------------

    @Test
    void retireByRemovingTheEnrollmentProfileChecksOutAndLeavesTheDeviceUnmanaged() throws Exception {
        world.fake().script = List.of("DeviceConfigured", FakeAppleAndMdm.removeProfile("com.example.fake.enroll"));
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0630", "iPhone15,2", "17.5"))
                .lifetime(Duration.ofDays(1)).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(new DeviceResult.Management(false, true, false, null, DeviceResult.Unenrollment.RETIRED, 1),
                r.management());
        assertEquals(1, world.fake().checkins.stream().filter(CheckOut.class::isInstance).count(), "CheckOutWhenRemoved");
        assertFalse(r.stageDurations().containsKey(Stage.MANAGED), "unmanaged: no managed life");
        JsonNode unenrolled = events("F2LXK0PQ0630", "unenrolled").getFirst();
        assertEquals("RETIRED", unenrolled.get("how").asText());
        assertTrue(unenrolled.get("checkOut").asBoolean());
        assertEquals("RETIRED", resultLine("F2LXK0PQ0630").get("unenrolled").asText());
        assertFalse(resultLine("F2LXK0PQ0630").get("managed").asBoolean());
    }

    @Test
    void withoutCheckOutWhenRemovedARetiredDeviceSendsNoCheckOut() throws Exception {
        world.fake().profileEditor = top -> {
            for (var p : ((com.dd.plist.NSArray) top.get("PayloadContent")).getArray()) {
                NSDictionary payload = (NSDictionary) p;
                if (payload.get("PayloadType").toJavaObject().equals("com.apple.mdm")) {
                    payload.put("CheckOutWhenRemoved", false);
                }
            }
            return top;
        };
        world.fake().script = List.of("DeviceConfigured", FakeAppleAndMdm.removeProfile("com.example.fake.enroll"));
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0631", "iPhone15,2", "17.5")).build());
        assertEquals(DeviceResult.Unenrollment.RETIRED, r.management().unenrolled());
        assertEquals(0, world.fake().checkins.stream().filter(CheckOut.class::isInstance).count());
    }

    @Test
    void aRetiredDeviceWhoseUserErasesItReenrollsThroughSetupAssistant() throws Exception {
        world.fake().nextScripts.add(List.of("DeviceConfigured", FakeAppleAndMdm.removeProfile("com.example.fake.enroll")));
        world.fake().nextScripts.add(List.of("DeviceInformation", "DeviceConfigured"));
        DeviceResult r = one(config(Behaviour.builder().reenrollAfterRetire(true).build(),
                spec("F2LXK0PQ0632", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(new DeviceResult.Management(true, true, false, null, DeviceResult.Unenrollment.NONE, 2),
                r.management());
        assertEquals(2, world.fake().tokenUpdates().size());
        assertEquals(2, world.fake().cloudConfigRequests.size(), "Setup Assistant fetched the cloud configuration again");
        assertEquals(1, world.fake().checkins.stream().filter(CheckOut.class::isInstance).count());
        assertEquals(1, events("F2LXK0PQ0632", "reenroll").size());
        assertEquals(1, events("F2LXK0PQ0632", "wipe").size());
    }

    @Test
    void aRetireDuringTheManagedLifeEndsItUnmanaged() throws Exception {
        world.fake().script = List.of("DeviceConfigured");
        DeviceSpec s = spec("F2LXK0PQ0633", "iPhone15,2", "17.5");
        String udid = io.mdmsim.device.model.HardwareProfile.derive(7, s).udid();
        java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        DeviceResult r = one(config(Behaviour.DEFAULT, s).lifetime(Duration.ofDays(2))
                .checkinInterval(Duration.ofHours(4)).build(), () -> {
                    // once the device lives on (it sleeps after enrolling), the admin retires it
                    if (!world.fake().tokenUpdates().isEmpty() && !queued.getAndSet(true)) {
                        world.fake().enqueue(udid, FakeAppleAndMdm.removeProfile("com.example.fake.enroll"));
                    }
                });
        assertEquals(DeviceResult.Unenrollment.RETIRED, r.management().unenrolled());
        assertFalse(r.management().managed());
        assertTrue(r.total().compareTo(Duration.ofDays(2)) < 0, "the life ended at the retire: " + r.total());
    }

    // ---- locked enrollment and the provisional window -------------------------------------------------------------

    @Test
    void lockedEnrollmentRefusesTheUsersRemoval() throws Exception {
        DeviceResult r = one(config(Behaviour.builder().removeManagement(1, Duration.ofDays(3)).build(),
                spec("F2LXK0PQ0640", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome());
        assertTrue(r.management().managed());
        assertEquals(DeviceResult.Unenrollment.NONE, r.management().unenrolled());
        JsonNode attempt = events("F2LXK0PQ0640", "remove-management").getFirst();
        assertFalse(attempt.get("allowed").asBoolean());
        assertEquals("locked enrollment (the cloud configuration says IsMDMUnremovable): Settings does not offer to"
                + " remove management", attempt.get("reason").asText());
        assertTrue(r.total().compareTo(Duration.ofDays(3)) >= 0, "the device lived until the attempt");
        assertEquals(0, world.fake().checkins.stream().filter(CheckOut.class::isInstance).count());
    }

    @Test
    void aConfiguratorDeviceMayRemoveManagementWithin30DaysOfActivation() throws Exception {
        DeviceResult r = one(config(Behaviour.builder().configuratorShare(1).removeManagement(1, Duration.ofDays(10))
                .build(), spec("F2LXK0PQ0641", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome());
        assertEquals(new DeviceResult.Management(false, true, false, null,
                DeviceResult.Unenrollment.REMOVED_BY_USER, 1), r.management());
        assertEquals(1, world.fake().checkins.stream().filter(CheckOut.class::isInstance).count());
        JsonNode attempt = events("F2LXK0PQ0641", "remove-management").getFirst();
        assertTrue(attempt.get("allowed").asBoolean());
        assertTrue(attempt.get("addedByConfigurator").asBoolean());
        assertEquals(10, attempt.get("daysSinceActivation").asInt());
        assertEquals("REMOVED_BY_USER", resultLine("F2LXK0PQ0641").get("unenrolled").asText());
    }

    @Test
    void aConfiguratorDeviceMayNotRemoveManagementAfterItsProvisionalPeriod() throws Exception {
        DeviceResult r = one(config(Behaviour.builder().configuratorShare(1).removeManagement(1, Duration.ofDays(31))
                .build(), spec("F2LXK0PQ0642", "iPhone15,2", "17.5")).build());
        assertTrue(r.management().managed());
        JsonNode attempt = events("F2LXK0PQ0642", "remove-management").getFirst();
        assertFalse(attempt.get("allowed").asBoolean());
        assertTrue(attempt.get("reason").asText().contains("its provisional period (the first 30 days after"
                + " activation) ended 1 days ago"), attempt.toString());
    }

    @Test
    void withoutLockedEnrollmentAnyUserMayRemoveManagement() throws Exception {
        world.fake().isMdmUnremovable = false;
        DeviceResult r = one(config(Behaviour.builder().removeManagement(1, Duration.ofDays(90)).build(),
                spec("F2LXK0PQ0643", "iPhone15,2", "17.5")).build());
        assertEquals(DeviceResult.Unenrollment.REMOVED_BY_USER, r.management().unenrolled());
        assertFalse(r.management().managed());
        List<TokenUpdate> updates = world.fake().tokenUpdates();
        assertEquals(1, updates.size());
    }
}
