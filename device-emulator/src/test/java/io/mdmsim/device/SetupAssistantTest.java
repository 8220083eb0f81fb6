package io.mdmsim.device;

import io.mdmsim.core.catalog.DeviceCatalog;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSString;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.device.commands.CommandHandlers;
import io.mdmsim.device.enroll.EnrollmentSteps;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.runtime.DeviceRunner;
import io.mdmsim.device.runtime.FleetContext;
import io.mdmsim.device.enroll.SetupAssistant;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seeds' device behaviours, through the whole Setup Assistant against the in-test fake Apple and MDM:
 * panes by OS version, Shared iPad, the three authentication methods, the 16-minute SCEP user, await
 * final configuration, erase and re-enroll, activated devices, and the knobs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SetupAssistantTest {

    /** The clock, the fake Apple and MDM, the PKI: fresh for each test, closed after it. */
    @RegisterExtension
    final DeviceTestWorld world = new DeviceTestWorld(START);

    private static final Instant START = Instant.parse("2025-03-03T09:00:00Z");
    private final Events events = new Events();

    /** Everything a fleet listener hears. */
    static final class Events implements FleetListener {
        final List<String> stages = new CopyOnWriteArrayList<>();
        final List<PaneEvent> panes = new CopyOnWriteArrayList<>();

        @Override
        public void stageEntered(DeviceRef device, Stage stage) {
            stages.add("enter " + stage);
        }

        @Override
        public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
            stages.add("fail " + stage + " " + outcome);
        }

        @Override
        public void paneSeen(DeviceRef device, PaneEvent pane) {
            panes.add(pane);
        }

        long entered(Stage s) {
            return stages.stream().filter(e -> e.equals("enter " + s)).count();
        }

        Set<SetupPane> shown(SetupPane.Phase phase) {
            return panes.stream().filter(p -> p.shown() && p.pane().phase() == phase).map(PaneEvent::pane)
                    .collect(Collectors.toSet());
        }

        PaneEvent last(SetupPane pane) {
            return panes.stream().filter(p -> p.pane() == pane).reduce((a, b) -> b).orElseThrow();
        }
    }

    private static DeviceSpec spec(String serial, String productType, String os) {
        DeviceCatalog.Model m = DeviceCatalog.model(productType).orElseThrow();
        return new DeviceSpec(serial, productType, m.name(), os, DeviceCatalog.release(os).orElseThrow().build());
    }

    private FleetConfig.Builder config(Behaviour behaviour, DeviceSpec... devices) {
        return FleetConfig.builder()
                .cloudConfigUrl(world.fake().cloudConfigUrl())
                .appleDeviceCa(world.pki().appleDeviceCa().identity())
                .devices(List.of(devices))
                .behaviour(behaviour)
                .seed(7)
                .clock(world.clock())
                .concurrency(4)
                .idlePollInterval(Duration.ZERO)
                .listener(events)
                .keySource(TestKeys.SHARED);
    }

    /** Runs the fleet, moving the manual world.clock() to the next sleeper's deadline whenever every device sleeps. */
    private FleetResult drive(FleetConfig config) throws Exception {
        CompletableFuture<FleetResult> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                run.complete(DeviceFleet.run(config));
            } catch (Throwable t) {
                run.completeExceptionally(t);
            }
        });
        return drive(run);
    }

    private <T> T drive(CompletableFuture<T> run) throws Exception {
        while (!run.isDone()) {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(60))
                    .until(() -> run.isDone() || world.clock().sleepers() > 0);
            world.clock().nextDeadline().ifPresent(world.clock()::set);
        }
        return run.get(10, TimeUnit.SECONDS);
    }

    private DeviceResult one(FleetConfig config) throws Exception {
        FleetResult r = drive(config);
        assertEquals(1, r.devices().size());
        return r.devices().getFirst();
    }

    // ---- panes by OS version -----------------------------------------------------------------------------------

    @Test
    void panesFollowTheOsVersionAndSkipSetupAndCostRealisticDwellTimes() throws Exception {
        Behaviour realistic = Behaviour.builder().dwellScale(1).build();
        DeviceResult old = one(config(realistic, spec("F2LXK0PQ0101", "iPhone10,1", "12.4")).build());
        assertEquals(Outcome.ENROLLED, old.outcome(), old.toString());
        assertEquals(Set.of(SetupPane.BIOMETRIC, SetupPane.PASSCODE, SetupPane.RESTORE, SetupPane.ANDROID,
                SetupPane.DEVICE_TO_DEVICE_MIGRATION, SetupPane.APPLE_ID, SetupPane.TOS, SetupPane.SOFTWARE_UPDATE,
                SetupPane.LOCATION, SetupPane.SCREEN_TIME, SetupPane.DISPLAY_TONE, SetupPane.ZOOM,
                SetupPane.HOME_BUTTON_SENSITIVITY, SetupPane.ON_BOARDING, SetupPane.WATCH_MIGRATION,
                SetupPane.IMESSAGE_AND_FACETIME, SetupPane.MESSAGING_ACTIVATION, SetupPane.SIM_SETUP,
                SetupPane.PAYMENT), events.shown(SetupPane.Phase.AFTER_CONFIGURATION));
        assertEquals("skipped: SkipSetup has Siri", events.last(SetupPane.SIRI).reason());
        assertEquals("skipped: SkipSetup has Diagnostics", events.last(SetupPane.DIAGNOSTICS).reason());
        Duration remaining = events.panes.stream().filter(p -> p.pane().phase() == SetupPane.Phase.AFTER_CONFIGURATION)
                .map(PaneEvent::dwell).reduce(Duration.ZERO, Duration::plus);
        assertTrue(remaining.compareTo(Duration.ofMinutes(1)) > 0, "realistic users take minutes: " + remaining);
        assertEquals(remaining, old.stageDurations().get(Stage.REMAINING_PANES));
        assertTrue(old.stageDurations().get(Stage.LANGUAGE_REGION).compareTo(Duration.ofSeconds(10)) > 0);
        assertEquals(List.of(Stage.POWER_ON, Stage.LANGUAGE_REGION, Stage.ACTIVATION, Stage.CLOUD_CONFIG,
                Stage.SETUP_PANES, Stage.REMOTE_MANAGEMENT, Stage.MACHINE_INFO, Stage.PROFILE, Stage.SCEP,
                Stage.AUTHENTICATE, Stage.TOKEN_UPDATE, Stage.AWAITING_CONFIGURATION, Stage.REMAINING_PANES,
                Stage.HOME_SCREEN), List.copyOf(old.stageDurations().keySet()));

        events.panes.clear();
        DeviceResult recent = one(config(realistic, spec("F2LXK0PQ0102", "iPhone16,1", "17.5")).build());
        assertEquals(Outcome.ENROLLED, recent.outcome());
        Set<SetupPane> shown = events.shown(SetupPane.Phase.AFTER_CONFIGURATION);
        assertTrue(shown.containsAll(Set.of(SetupPane.ACTION_BUTTON, SetupPane.APPEARANCE, SetupPane.WELCOME)));
        assertFalse(shown.contains(SetupPane.PASSCODE), "14.5+ quirk");
        assertFalse(shown.contains(SetupPane.ZOOM), "deprecated in 17");
        assertTrue(events.last(SetupPane.PASSCODE).reason().contains("do not work on 14.5 and later"));
    }

    // ---- Shared iPad -------------------------------------------------------------------------------------------

    @Test
    void aSharedIpadProfileOnAnIphoneOrAnOldIpadNeedsAWipe() throws Exception {
        world.fake().isMultiUser = true;
        Behaviour wipes = Behaviour.builder().wipeWhenNeeded(true).build();
        FleetResult r = drive(config(wipes, spec("F2LXK0PQ0201", "iPhone15,2", "17.5"),
                spec("DMPXK0PQ0202", "iPad7,11", "13.3")).build());
        DeviceResult iphone = r.devices().get(0);
        assertEquals(Outcome.NEEDS_WIPE, iphone.outcome(), iphone.toString());
        assertEquals(Stage.CLOUD_CONFIG, iphone.stage());
        assertEquals("A device wipe is required: the enrollment profile has Shared iPad enabled, which iPhone15,2 on"
                + " 17.5 does not support (Shared iPad needs an iPad with iPadOS 13.4 or later; iPhones never)",
                iphone.reason());
        DeviceResult oldIpad = r.devices().get(1);
        assertEquals(Outcome.NEEDS_WIPE, oldIpad.outcome());
        assertTrue(oldIpad.reason().contains("which iPad7,11 on 13.3 does not support"), oldIpad.reason());
        assertTrue(world.fake().machineInfos.isEmpty(), "neither enrolls");
        assertEquals(2, world.fake().cloudConfigRequests.size(), "a wipe would not help: the users do not wipe");
    }

    @Test
    void aSharedIpadSkipsEveryPaneAfterActivationAndDoesNotAwaitConfiguration() throws Exception {
        world.fake().isMultiUser = true;
        world.fake().skipSetup = List.of();
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("DMPXK0PQ0203", "iPad13,18", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(Set.of(), events.shown(SetupPane.Phase.BEFORE_REMOTE_MANAGEMENT));
        assertEquals(Set.of(), events.shown(SetupPane.Phase.AFTER_CONFIGURATION));
        assertTrue(events.panes.stream().filter(p -> p.pane().phase() != SetupPane.Phase.BEFORE_ACTIVATION)
                .filter(p -> !p.reason().startsWith("not in") && !p.reason().startsWith("gone from"))
                .allMatch(p -> p.reason().equals("Shared iPad: every pane after activation is skipped")),
                events.panes.toString());
        assertTrue(events.shown(SetupPane.Phase.BEFORE_ACTIVATION).contains(SetupPane.LANGUAGE));
        assertFalse(world.fake().tokenUpdates().getFirst().awaitingConfiguration());
        assertFalse(r.stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));
    }

    // ---- authentication ----------------------------------------------------------------------------------------

    @Test
    void modernAuthenticationSignsTheUserInThroughAWebViewWithASecondFactor() throws Exception {
        world.fake().offerConfigurationWebUrl = true;
        world.fake().webAsksSecondFactor = true;
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0301", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertTrue(world.fake().machineInfos.isEmpty(), "no MachineInfo POST: the web view brought the profile");
        assertEquals(1, world.fake().webDeviceInfos.size());
        assertEquals(r.device().udid(), ((NSString) world.fake().webDeviceInfos.getFirst().get("UDID")).getContent());
        assertEquals(List.of("GET /web/enroll",
                "POST /web/login {flow=abc&def, username=user-f2lxk0pq0301@example.com, password=mdmsim-password}",
                "POST /web/mfa {otc=123456}", "GET /web/profile"), world.fake().webRequests);
        assertTrue(r.stageDurations().containsKey(Stage.REMOTE_MANAGEMENT));
        assertFalse(r.stageDurations().containsKey(Stage.MACHINE_INFO));
    }

    @Test
    void modernAuthenticationOnIos12FallsBackToSetupAssistantLegacySignIn() throws Exception {
        world.fake().offerConfigurationWebUrl = true;
        world.fake().requireBasicAuth = true;
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0302", "iPhone10,1", "12.4")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertTrue(world.fake().webRequests.isEmpty(), "iOS 12 has no web-view authentication");
        assertEquals(2, world.fake().machineInfos.size(), "MachineInfo, 401, MachineInfo with Basic credentials");
        assertEquals(List.of("user-f2lxk0pq0302@example.com:mdmsim-password"), world.fake().basicAuthorizations);
        assertTrue(r.stageDurations().containsKey(Stage.MACHINE_INFO));
    }

    @Test
    void aWebOnlyRecordCannotEnrollIos12() throws Exception {
        world.fake().offerConfigurationWebUrl = true;
        world.fake().offerConfigurationUrl = false;
        DeviceResult r = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0303", "iPhone10,1", "12.4")).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.CLOUD_CONFIG, r.stage());
        assertTrue(r.reason().endsWith(": modern authentication needs iOS 13, and iOS 12.4 falls back to Setup"
                + " Assistant (legacy) authentication, which needs a ConfigurationURL"), r.reason());
        DeviceResult ios13 = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0304", "iPhone12,1", "13.0")).build());
        assertEquals(Outcome.ENROLLED, ios13.outcome(), ios13.toString());
    }

    @Test
    void aUserWithoutASecondFactorIsStoppedWhereTheSignInAsksForOne() throws Exception {
        world.fake().offerConfigurationWebUrl = true;
        world.fake().webAsksSecondFactor = true;
        DeviceResult r = one(config(Behaviour.builder().mfaShare(0).build(),
                spec("F2LXK0PQ0305", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.REMOTE_MANAGEMENT, r.stage());
        assertTrue(r.reason().endsWith("/web/login asks user-f2lxk0pq0305@example.com for a second factor, which this"
                + " simulated user has not set up (see mfaShare)"), r.reason());
    }

    @Test
    void webPagesTheSimulatedUserCannotGetThroughFailWithWhatWasWrong() throws Exception {
        world.fake().offerConfigurationWebUrl = true;
        String web = world.fake().base() + "/web/enroll";
        List<Object[]> cases = List.of(
                new Object[] {io.mdmsim.core.http.HttpResponse.ok("<html>Welcome</html>".getBytes(),
                        "text/html"), "modern authentication: the page " + web + " has no form and is not an"
                        + " enrollment profile; the simulated user cannot go on"},
                new Object[] {io.mdmsim.core.http.HttpResponse.json(200, java.util.Map.of("a", 1)),
                        "modern authentication: GET " + web + " answered Content-Type application/json; charset=utf-8"
                        + " (expected: text/html, a redirect, or application/x-apple-aspen-config)"},
                new Object[] {io.mdmsim.core.http.HttpResponse.empty(302), "modern authentication: GET " + web
                        + " answered 302 without a Location header"},
                new Object[] {io.mdmsim.core.http.HttpResponse.empty(302).withHeader("Location", "/web/enroll"),
                        "modern authentication: no enrollment profile after 20 pages from " + web + " (last: GET "
                        + web + ")"},
                new Object[] {io.mdmsim.core.http.HttpResponse.text(401, "who are you"),
                        "modern authentication refused: GET " + web + " answered 401: who are you"});
        int i = 0;
        for (Object[] c : cases) {
            world.fake().webEnrollOverride = request -> (io.mdmsim.core.http.HttpResponse) c[0];
            DeviceResult r = one(config(Behaviour.DEFAULT, spec(String.format("F2LXK0PQ03%02d", 50 + i++),
                    "iPhone15,2", "17.5")).build());
            assertEquals(Outcome.FAILED, r.outcome());
            assertEquals(Stage.REMOTE_MANAGEMENT, r.stage());
            assertEquals(c[1], r.reason());
        }
    }

    @Test
    void aWebViewRefusalWith403IsAnInvalidProfileAtMachineInfo() throws Exception {
        world.fake().offerConfigurationWebUrl = true;
        String web = world.fake().base() + "/web/enroll";
        world.fake().webEnrollOverride = request -> io.mdmsim.core.http.HttpResponse.text(403, "not for you");
        DeviceResult plain = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0360", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, plain.outcome());
        assertEquals(Stage.MACHINE_INFO, plain.stage(), "a refusal at Remote Management (docs/mdm-endpoint.md, Enrollment policy)");
        assertEquals("Invalid Profile: The configuration for your iPhone could not be downloaded from 127.0.0.1: 403"
                + " from GET " + web + ": not for you", plain.reason());

        world.fake().webEnrollOverride = request -> io.mdmsim.core.http.HttpResponse.of(403, ("{\"code\":"
                + "\"io.mdmsim.license.user-unlicensed\",\"message\":\"user has no Intune license\"}").getBytes(),
                "application/json");
        DeviceResult coded = one(config(Behaviour.DEFAULT, spec("F2LXK0PQ0361", "iPad13,18", "17.5")).build());
        assertEquals(Stage.MACHINE_INFO, coded.stage());
        assertEquals("Invalid Profile: The configuration for your iPad could not be downloaded from 127.0.0.1: 403"
                + " io.mdmsim.license.user-unlicensed (user has no Intune license)", coded.reason());
    }

    @Test
    void legacySignInWithAWrongPasswordFailsAtMachineInfo() throws Exception {
        world.fake().requireBasicAuth = true;
        DeviceResult r = one(config(Behaviour.builder().userPassword("wrong").build(),
                spec("F2LXK0PQ0306", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.MACHINE_INFO, r.stage());
        assertTrue(r.reason().startsWith("the MDM refused the user name and password of user-f2lxk0pq0306@example.com"
                + " (Setup Assistant legacy authentication): POST "), r.reason());
    }

    @Test
    void companyPortalSignInWithin24HoursEnrollsAndLaterNeedsAWipe() throws Exception {
        DeviceResult prompt = one(config(Behaviour.builder().companyPortal(1, Duration.ofMinutes(10)).build(),
                spec("F2LXK0PQ0307", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, prompt.outcome(), prompt.toString());
        assertEquals(Duration.ofMinutes(10), prompt.stageDurations().get(Stage.COMPANY_PORTAL));

        DeviceResult late = one(config(Behaviour.builder().companyPortal(1, Duration.ofHours(25)).build(),
                spec("F2LXK0PQ0308", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.NEEDS_WIPE, late.outcome());
        assertEquals(Stage.COMPANY_PORTAL, late.stage());
        assertEquals("Company Portal sign-in 25 hours after Company Portal was downloaded: enrollment must happen"
                + " within the first 24 hours, otherwise it fails and a factory reset is needed", late.reason());
    }

    // ---- the 16-minute SCEP user (seeds) -------------------------------------------------------------------------

    @Test
    void scepAfter16MinutesFailsWithTheSeedsMessage() throws Exception {
        world.fake().challengeTtl = Duration.ofMinutes(15);
        Behaviour waits = Behaviour.builder().scepDelay(1, Duration.ofMinutes(16)).build();
        DeviceResult r = one(config(waits, spec("F2LXK0PQ0401", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(Stage.SCEP, r.stage());
        assertEquals("The SCEP server returned an invalid response (pkiStatus FAILURE, failInfo BAD_REQUEST)",
                r.reason());
        assertEquals(List.of("challenge expired PT16M"), world.fake().scepFailures);
        assertTrue(world.fake().checkins.isEmpty());
    }

    @Test
    void aRetryWithin15MinutesOfTheScepErrorSucceeds() throws Exception {
        world.fake().challengeTtl = Duration.ofMinutes(15);
        Behaviour b = Behaviour.builder().scepDelay(1, Duration.ofMinutes(16))
                .scepRetry(1, Duration.ofMinutes(5)).build();
        DeviceResult r = one(config(b, spec("F2LXK0PQ0402", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(2, world.fake().machineInfos.size(), "the management profile was downloaded again");
        assertEquals(2, world.fake().scepRequests.size());
        assertEquals(Duration.ofMinutes(21), r.stageDurations().get(Stage.SCEP));
        assertEquals(List.of("Authenticate", "TokenUpdate"), world.fake().checkins.stream().map(m -> m.messageType()).toList());
    }

    @Test
    void aRetryLaterThan15MinutesNeedsAFactoryResetAfterWhichTheDeviceEnrolls() throws Exception {
        world.fake().challengeTtl = Duration.ofMinutes(15);
        Behaviour late = Behaviour.builder().scepDelay(1, Duration.ofMinutes(16))
                .scepRetry(1, Duration.ofMinutes(20)).build();
        DeviceResult r = one(config(late, spec("F2LXK0PQ0403", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.NEEDS_WIPE, r.outcome());
        assertEquals(Stage.SCEP, r.stage());
        assertEquals("The SCEP server returned an invalid response (pkiStatus FAILURE, failInfo BAD_REQUEST); the user"
                + " downloaded the management profile again 20 minutes later, more than 15 minutes after the error:"
                + " the device needs a factory reset", r.reason());
        assertEquals(1, world.fake().machineInfos.size());

        DeviceResult reset = one(config(late.toBuilder().wipeWhenNeeded(true).build(),
                spec("F2LXK0PQ0404", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, reset.outcome(), reset.toString());
        assertEquals(2, events.entered(Stage.POWER_ON) - 1, "the first device powered on once, the second twice");
    }

    // ---- await final configuration -----------------------------------------------------------------------------

    @Test
    void awaitFinalConfigurationHoldsTheDeviceUntilDeviceConfigured() throws Exception {
        world.fake().holdDeviceConfigured = true;
        FleetConfig config = config(Behaviour.DEFAULT, spec("F2LXK0PQ0501", "iPhone15,2", "17.5"))
                .idlePollInterval(Duration.ofSeconds(30)).maxIdlePolls(100).build();
        CompletableFuture<FleetResult> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> run.complete(DeviceFleet.run(config)));
        for (int poll = 1; poll <= 5; poll++) {
            await().atMost(Duration.ofSeconds(30)).until(() -> world.clock().sleepers() == 1);
            assertFalse(run.isDone());
            assertEquals(1, events.entered(Stage.AWAITING_CONFIGURATION));
            assertEquals(0, events.entered(Stage.REMAINING_PANES), "held at Awaiting final configuration");
            assertTrue(world.fake().tokenUpdates().getFirst().awaitingConfiguration());
            world.clock().advance(Duration.ofSeconds(30));
        }
        world.fake().holdDeviceConfigured = false;
        DeviceResult r = drive(run).devices().getFirst();
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(1, events.entered(Stage.REMAINING_PANES));
        assertEquals(Duration.ofSeconds(150), r.stageDurations().get(Stage.AWAITING_CONFIGURATION));
        List<CommandStatus> statuses = world.fake().reports.stream().map(CommandResult::status).toList();
        assertEquals(CommandStatus.ACKNOWLEDGED, statuses.getLast(), "DeviceConfigured acknowledged last");
        assertTrue(statuses.stream().filter(s -> s == CommandStatus.IDLE).count() >= 6, statuses.toString());
    }

    // ---- erase, activation ---------------------------------------------------------------------------------------

    @Test
    void eraseDeviceSendsTheDeviceBackThroughSetupAssistantAndItEnrollsAgain() throws Exception {
        world.fake().nextScripts.add(List.of("DeviceInformation", "EraseDevice"));
        world.fake().nextScripts.add(List.of("DeviceConfigured"));
        FleetConfig config = config(Behaviour.DEFAULT, spec("F2LXK0PQ0601", "iPhone15,2", "17.5")).build();
        CommandHandlers handlers = CommandHandlers.defaults().with("EraseDevice", (device, command) -> {
            device.factoryReset(); // what the EraseDevice handler does after deciding to acknowledge
            return CommandReply.acknowledged();
        });
        DeviceResult r;
        try (HttpClient client = HttpClient.newHttpClient()) {
            FleetContext fleet = new FleetContext(config, new DeviceHttp(client, config.httpTimeout()),
                    CertificateAuthority.of(config.appleDeviceCa()), handlers);
            r = new DeviceRunner(fleet, EnrollmentSteps.all()).run(0, config.devices().getFirst());
        }
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(2, events.entered(Stage.POWER_ON));
        assertEquals(2, world.fake().cloudConfigRequests.size(), "the erased device fetched its cloud configuration again");
        assertEquals(List.of("Authenticate", "TokenUpdate", "Authenticate", "TokenUpdate"),
                world.fake().checkins.stream().map(m -> m.messageType()).toList());
        List<TokenUpdate> tokens = world.fake().tokenUpdates();
        assertNotEquals(tokens.get(0).pushMagic(), tokens.get(1).pushMagic(), "new enrollment, new push magic");
        assertTrue(world.fake().checkins.get(2) instanceof Authenticate);
        assertEquals(2, world.fake().scepRequests.size(), "a new identity");
        List<CommandStatus> statuses = world.fake().reports.stream().map(CommandResult::status).toList();
        assertEquals(List.of(CommandStatus.IDLE, CommandStatus.ACKNOWLEDGED, CommandStatus.ACKNOWLEDGED,
                CommandStatus.IDLE, CommandStatus.ACKNOWLEDGED), statuses, "EraseDevice acknowledged, then silence");
    }

    @Test
    void aDeviceSetUpBeforeItWasAssignedMustBeWipedFirst() throws Exception {
        DeviceResult r = one(config(Behaviour.builder().activatedShare(1).build(),
                spec("F2LXK0PQ0701", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.NEEDS_WIPE, r.outcome());
        assertEquals(Stage.ACTIVATION, r.stage());
        assertTrue(r.reason().startsWith(SetupAssistant.ACTIVATED_MESSAGE), r.reason());
        assertTrue(world.fake().cloudConfigRequests.isEmpty());
        assertEquals(List.of(Stage.POWER_ON), List.copyOf(r.stageDurations().keySet()), "no Setup Assistant panes");

        DeviceResult wiped = one(config(Behaviour.builder().activatedShare(1).wipeWhenNeeded(true).build(),
                spec("F2LXK0PQ0702", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, wiped.outcome(), wiped.toString());
        assertEquals(1, world.fake().cloudConfigRequests.size());
    }

    // ---- knobs ----------------------------------------------------------------------------------------------------

    @Test
    void aDeviceWhoseLastStatusWasNotNowPollsAgainAtTheHomeScreen() throws Exception {
        world.fake().script = List.of("DeviceConfigured", "DeviceInformation");
        Behaviour b = Behaviour.builder().commandFault("DeviceInformation", 1, 0).build();
        DeviceResult r = one(config(b, spec("F2LXK0PQ0802", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(List.of(CommandStatus.IDLE, CommandStatus.ACKNOWLEDGED, CommandStatus.NOT_NOW, CommandStatus.IDLE),
                world.fake().reports.stream().map(CommandResult::status).toList());
    }

    @Test
    void commandFaultsAnswerNotNowOrASimulatedError() throws Exception {
        world.fake().script = List.of("DeviceInformation", "ProfileList", "DeviceConfigured");
        Behaviour b = Behaviour.builder().commandFault("DeviceInformation", 1, 0).commandFault("ProfileList", 0, 1)
                .build();
        DeviceResult r = one(config(b, spec("F2LXK0PQ0801", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        // the MDM sent more commands after the NotNow and the last status was not NotNow: the device does not poll on
        // its own at the home screen (Apple, "Handling NotNow status responses": only after a last status of NotNow)
        assertEquals(List.of(CommandStatus.IDLE, CommandStatus.NOT_NOW, CommandStatus.ERROR, CommandStatus.ACKNOWLEDGED),
                world.fake().reports.stream().map(CommandResult::status).toList());
        assertEquals(DeviceBehaviour.SIMULATED_ERROR_DOMAIN, world.fake().reports.get(2).errorChain().getFirst().errorDomain());
    }

    @Test
    void latencyIsAddedToEveryExchangeOnTheSimClock() throws Exception {
        DeviceResult r = one(config(Behaviour.builder().latency(Duration.ofMillis(250)).build(),
                spec("F2LXK0PQ0802", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        assertEquals(Duration.ofMillis(250), r.stageDurations().get(Stage.CLOUD_CONFIG));
        assertEquals(Duration.ofMillis(250), r.stageDurations().get(Stage.MACHINE_INFO));
        assertEquals(Duration.ofMillis(750), r.stageDurations().get(Stage.SCEP), "GetCACaps, GetCACert, PKIOperation");
    }

    @Test
    void resetRequestsNeverReachTheServerAndAreRetriedAfterABackOff() throws Exception {
        Behaviour resets = Behaviour.builder().resetRate(0.3).networkRetries(20).build();
        List<DeviceSpec> devices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(spec(String.format("F2LXK0PQ09%02d", i), "iPhone15,2", "17.5"));
        }
        FleetResult r = drive(config(resets, devices.toArray(DeviceSpec[]::new)).concurrency(1).build());
        assertTrue(r.allEnrolled(), r.summary());
        assertEquals(4, world.fake().cloudConfigRequests.size());
        assertEquals(4, world.fake().machineInfos.size());
        assertEquals(8, world.fake().checkins.size());
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(1)) >= 0, "resets back off: " + r.elapsed());

        DeviceResult dead = one(config(Behaviour.builder().resetRate(0.99).networkRetries(0).build(),
                spec("F2LXK0PQ0999", "iPhone15,2", "17.5")).build());
        assertEquals(Outcome.FAILED, dead.outcome());
        assertEquals(Stage.CLOUD_CONFIG, dead.stage());
        assertTrue(dead.reason().endsWith("failed: connection reset (simulated network fault, 1 attempt)"),
                dead.reason());
        assertEquals(4, world.fake().cloudConfigRequests.size(), "a reset request never reaches the server");
    }

    @Test
    void droppedAnswersAreResentSoTheServerSeesRepeatsAndTheRunIsTheSameForTheSameSeed() throws Exception {
        Behaviour drops = Behaviour.builder().dropRate(0.3).networkRetries(20).build();
        List<DeviceSpec> devices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(spec(String.format("F2LXK0PQ09%02d", i), "iPhone15,2", "17.5"));
        }
        FleetConfig config = config(drops, devices.toArray(DeviceSpec[]::new)).concurrency(1).maxIdlePolls(3).build();
        FleetResult first = drive(config);
        assertTrue(world.fake().cloudConfigRequests.size() > 4 || world.fake().machineInfos.size() > 4,
                "the server handled requests whose answers were lost, and saw them again");
        assertTrue(first.elapsed().compareTo(Duration.ofSeconds(30)) >= 0, "a drop waits dropTimeout");
        // a lost answer can cost more than time: a used SCEP challenge, a DeviceConfigured never seen again
        world.restartFake();
        FleetResult second = drive(config.toBuilder().cloudConfigUrl(world.fake().cloudConfigUrl()).build());
        assertEquals(first.devices().stream().map(d -> d.outcome() + " " + d.stage()).toList(),
                second.devices().stream().map(d -> d.outcome() + " " + d.stage()).toList());
    }

    @Test
    void aRebootDuringSetupStartsSetupAssistantOverAndTheDeviceStillEnrolls() throws Exception {
        Behaviour reboots = Behaviour.builder().reboot(1, Duration.ofSeconds(45)).build();
        DeviceSpec d = spec("F2LXK0PQ1001", "iPhone15,2", "17.5");
        Stage at = DeviceBehaviour.resolve(reboots, 7, d).rebootAfter().orElseThrow();
        DeviceResult r = one(config(reboots, d).build());
        assertEquals(Outcome.ENROLLED, r.outcome(), r.toString());
        boolean beforeEnrollment = at.ordinal() < Stage.TOKEN_UPDATE.ordinal();
        assertEquals(beforeEnrollment ? 2 : 1, events.entered(Stage.POWER_ON), "rebooted after " + at);
        assertEquals(beforeEnrollment ? 2 : 1, world.fake().cloudConfigRequests.size(), "rebooted after " + at);
    }

    @Test
    void aPopulationInTheFleetConfigBringsItsDevicesAndItsKnobs() throws Exception {
        Population p = Population.builder().count(3).models("iPhone 15,iPad (10th generation)").osVersions("17.5")
                .behaviour(Behaviour.builder().commandFault("DeviceInformation", 1, 0).build()).build();
        FleetConfig config = config(Behaviour.DEFAULT).devices(List.of()).population(p).build();
        assertEquals(3, config.devices().size());
        assertEquals(p.devices(7), config.devices());
        assertEquals(p.behaviour(), config.behaviour(2));
        FleetResult r = drive(config);
        assertTrue(r.allEnrolled(), r.summary());
        assertEquals(3, world.fake().reportsWithStatus(CommandStatus.NOT_NOW).size());
    }
}
