package io.mdmsim.device.enroll;

import io.mdmsim.device.Behaviour;
import io.mdmsim.device.PaneEvent;
import io.mdmsim.device.SetupPane;
import io.mdmsim.device.Stage;
import io.mdmsim.device.managed.ManagedLife;
import io.mdmsim.device.model.CloudConfiguration;
import io.mdmsim.device.model.CompanyPortalApp;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Setup Assistant stages around enrollment (docs/devices.md "What the devices do"): power-on, the language and
 * region panes, activation, the panes before Remote Management, the Remote Management pane with its authentication,
 * and after enrollment the remaining panes, the home screen and Company Portal. Each pane the user sees costs a dwell
 * time on the SimClock ({@link DeviceBehaviour#dwell}); with the default dwell scale 0 users click through instantly.
 */
public final class SetupAssistant {

    static final Duration BOOT = Duration.ofSeconds(25);
    static final Duration HELLO = Duration.ofSeconds(3);
    static final Duration ACTIVATION = Duration.ofSeconds(4);
    static final Duration REMOTE_MANAGEMENT_PANE = Duration.ofSeconds(8);
    public static final Duration TYPE_CREDENTIALS = Duration.ofSeconds(20);
    static final Duration SECOND_FACTOR = Duration.ofSeconds(25);

    /** Seeds: "A device that's been activated needs to be wiped before it can enroll properly using ADE". */
    public static final String ACTIVATED_MESSAGE = "A device that's been activated needs to be wiped before it can"
            + " enroll using automated device enrollment. After it's been wiped but before activating it again, the"
            + " enrollment profile applies";

    private SetupAssistant() {
    }

    /** POWER_ON, LANGUAGE_REGION, ACTIVATION: everything before the cloud configuration. */
    public static List<Step> beforeCloudConfig() {
        return List.of(new PowerOn(), new LanguageRegion(), new Activation());
    }

    /** SETUP_PANES, REMOTE_MANAGEMENT: between the cloud configuration and MachineInfo. */
    public static List<Step> beforeEnrollment() {
        return List.of(new SetupPanes(), new RemoteManagement());
    }

    /** REMAINING_PANES, HOME_SCREEN, COMPANY_PORTAL: after DeviceConfigured (or TokenUpdate). */
    public static List<Step> afterEnrollment() {
        return List.of(new RemainingPanes(), new HomeScreen(), new CompanyPortalStep());
    }

    /** Decides, times and records every pane of a phase; returns the events. */
    static List<PaneEvent> showPanes(DeviceContext ctx, SetupPane.Phase phase) throws InterruptedException {
        Device d = ctx.device();
        CloudConfiguration cc = d.cloudConfiguration();
        SetupPane.Context pc = new SetupPane.Context(d.spec().osVersion(), d.family(), d.features(),
                cc == null ? Set.of() : Set.copyOf(cc.skipSetup()), cc != null, d.sharedIpad(),
                ctx.config().language());
        List<PaneEvent> events = new ArrayList<>();
        for (SetupPane pane : SetupPane.inPhase(phase)) {
            PaneEvent e = pane.decide(pc);
            if (e.shown()) {
                e = e.withDwell(ctx.dwell(pane.medianDwell()));
                switch (pane) {
                    case PASSCODE -> d.passcodePresent(true);
                    case BIOMETRIC -> d.biometricEnrolled(true);
                    // the user's choices on Apps & Data and Software Update decide the panes that follow them
                    case RESTORE -> pc = d.behaviour().restores() ? pc.with(true, pc.updated()) : pc;
                    case SOFTWARE_UPDATE -> pc = d.behaviour().updates() ? pc.with(pc.restored(), true) : pc;
                    default -> { }
                }
            }
            d.recordPane(e);
            notifyPane(ctx, e);
            events.add(e);
        }
        return events;
    }

    private static void notifyPane(DeviceContext ctx, PaneEvent e) {
        try {
            ctx.config().listener().paneSeen(ctx.device().ref(), e);
        } catch (RuntimeException ex) {
            System.getLogger(SetupAssistant.class.getName()).log(System.Logger.Level.WARNING,
                    "fleet listener failed; ignored", ex);
        }
    }

    /** Boot and the Hello screen. */
    static final class PowerOn implements Step {
        @Override
        public Stage stage() {
            return Stage.POWER_ON;
        }

        @Override
        public void run(DeviceContext ctx) throws InterruptedException {
            ctx.dwell(BOOT);
            if (!ctx.device().setUpWithoutManagement()) {
                ctx.dwell(HELLO);
            }
        }
    }

    /** Language, Country or Region, Keyboard, Dictation, Terms of Address, Wi-Fi. */
    static final class LanguageRegion implements Step {
        @Override
        public Stage stage() {
            return Stage.LANGUAGE_REGION;
        }

        @Override
        public boolean applies(DeviceContext ctx) {
            return !ctx.device().setUpWithoutManagement(); // a set-up device boots to its home screen
        }

        @Override
        public void run(DeviceContext ctx) throws InterruptedException {
            showPanes(ctx, SetupPane.Phase.BEFORE_ACTIVATION);
        }
    }

    /** Activation with Apple. A device set up before it was assigned never asks for its cloud configuration. */
    static final class Activation implements Step {
        @Override
        public Stage stage() {
            return Stage.ACTIVATION;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            if (d.setUpWithoutManagement()) {
                throw StageFailure.needsWipe(ACTIVATED_MESSAGE + " (" + d.spec().productType()
                        + " was set up before it was assigned, so it never fetched its cloud configuration)", true);
            }
            if (!d.activated()) {
                ctx.dwell(ACTIVATION);
                d.activated(true);
                d.activatedAt(ctx.clock().now());
            }
        }
    }

    /** Panes between the cloud configuration and Remote Management. */
    static final class SetupPanes implements Step {
        @Override
        public Stage stage() {
            return Stage.SETUP_PANES;
        }

        @Override
        public void run(DeviceContext ctx) throws InterruptedException {
            showPanes(ctx, SetupPane.Phase.BEFORE_REMOTE_MANAGEMENT);
        }
    }

    /**
     * The Remote Management pane. With a ConfigurationWebURL, iOS 13 and later authenticate the user in a web view that
     * ends with the enrollment profile (modern authentication); iOS 12 and older fall back to Setup Assistant (legacy)
     * authentication at the ConfigurationURL (seeds). A Shared iPad advances by itself.
     */
    static final class RemoteManagement implements Step {
        @Override
        public Stage stage() {
            return Stage.REMOTE_MANAGEMENT;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            if (!d.sharedIpad()) {
                ctx.dwell(REMOTE_MANAGEMENT_PANE);
            }
            if (usesWebView(d)) {
                d.profileBytes(WebView.enroll(ctx, d.cloudConfiguration().configurationWebUrl()));
                d.signedIn(Device.Authentication.MODERN, d.behaviour().user().userName());
            }
        }
    }

    /** Modern authentication: a ConfigurationWebURL, iOS/iPadOS 13 or later, and not a Shared iPad. */
    public static boolean usesWebView(Device d) {
        CloudConfiguration cc = d.cloudConfiguration();
        return cc != null && cc.configurationWebUrl() != null && d.osAtLeast("13.0") && !d.sharedIpad();
    }

    /** The panes after enrollment. */
    static final class RemainingPanes implements Step {
        @Override
        public Stage stage() {
            return Stage.REMAINING_PANES;
        }

        @Override
        public void run(DeviceContext ctx) throws InterruptedException {
            showPanes(ctx, SetupPane.Phase.AFTER_CONFIGURATION);
        }
    }

    /**
     * Setup Assistant ends. A device that enrolled without awaiting configuration has not talked to ServerURL yet: the
     * MDM's push after TokenUpdate brings it there now, and it answers what is queued (Company Portal, Single App
     * Mode ...). A device that answered NotNow in its last session (an app install during Setup Assistant) connects
     * again now that it can, as iOS does. A refused check-in is traced; the device goes on as a device would.
     */
    static final class HomeScreen implements Step {
        @Override
        public Stage stage() {
            return Stage.HOME_SCREEN;
        }

        @Override
        public void run(DeviceContext ctx) throws InterruptedException {
            Device d = ctx.device();
            d.atHomeScreen(true);
            String banner = d.settingsBanner();
            if (banner != null) {
                ctx.trace().event("settings", java.util.Map.of("banner", banner));
            }
            if (d.enrolledNow() && ctx.hasMdm() && (!d.firstSessionDone() || d.notNowAnswered())) {
                ManagedLife.session(ctx, d.firstSessionDone() ? "after-not-now" : "enrolled");
            }
        }
    }

    /**
     * The user opens Company Portal and signs in, with a second factor when they have one. Later than 24 hours after
     * the download, enrollment fails and needs a factory reset (seeds). The stage applies to users the
     * companyPortalShare knob picks and to every device locked in Single App Mode (the user can do nothing else).
     * When the MDM installed Company Portal (InstallApplication, {@link CompanyPortal#BUNDLE_ID}) with a Configuration
     * ServiceURL, the sign-in registers the device there (docs/mdm-endpoint.md "Company Portal and Single App Mode", {@link CompanyPortal#signIn}); the App Store
     * Company Portal calls nothing.
     */
    static final class CompanyPortalStep implements Step {
        @Override
        public Stage stage() {
            return Stage.COMPANY_PORTAL;
        }

        @Override
        public boolean applies(DeviceContext ctx) {
            Device d = ctx.device();
            return !d.sharedIpad() && (d.behaviour().companyPortal() || d.singleAppMode() != null);
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            Behaviour knobs = d.behaviour().knobs();
            String locked = d.singleAppMode();
            if (locked != null && !locked.equals(CompanyPortalApp.BUNDLE_ID)) {
                throw StageFailure.failed("the device is locked in Single App Mode to " + locked + ", so the user"
                        + " cannot open Company Portal (" + CompanyPortalApp.BUNDLE_ID + ") to sign in");
            }
            Duration delay = d.pass() == 1 ? knobs.companyPortalDelay() : Duration.ZERO; // a reset user is prompt
            ctx.userWait(delay);
            if (delay.compareTo(Behaviour.COMPANY_PORTAL_WINDOW) > 0) {
                throw StageFailure.needsWipe("Company Portal sign-in " + delay.toHours() + " hours after Company"
                        + " Portal was downloaded: enrollment must happen within the first 24 hours, otherwise it"
                        + " fails and a factory reset is needed", true);
            }
            CompanyPortal.waitUntilInstalled(ctx);
            ctx.dwell(TYPE_CREDENTIALS);
            DeviceBehaviour.SimUser user = d.behaviour().user();
            if (user.mfa()) {
                if (locked != null && !d.behaviour().secondFactorElsewhere()) {
                    throw StageFailure.failed(CompanyPortal.mfaLocked(user.userName()));
                }
                ctx.dwell(SECOND_FACTOR);
            }
            CompanyPortal.signIn(ctx, user);
            d.signedIn(Device.Authentication.COMPANY_PORTAL, user.userName());
        }
    }
}
