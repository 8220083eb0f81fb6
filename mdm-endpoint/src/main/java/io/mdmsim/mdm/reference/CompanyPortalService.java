package io.mdmsim.mdm.reference;

import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.device.PortalState;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.queue.CommandQueue;
import io.mdmsim.mdm.queue.CommandState;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The reference MDM's additions to the setup flow (docs/mdm-endpoint.md "Company Portal and Single App Mode", seeds "Install Company Portal", "Run Company Portal
 * in Single App Mode until authentication", "Supervised", "Await final configuration"):
 * <ul>
 * <li>a profile with authentication COMPANY_PORTAL or installCompanyPortal gets InstallApplication of Company Portal
 * (App Store ID 719171358, ManagementFlags 1, Configuration ServiceURL = {@code <base>/companyportal/signin}, Options
 * PurchaseMethod 1 only with a VPP token); it never holds DeviceConfigured;</li>
 * <li>singleAppModeUntilAuth on a supervised device with iOS 11.3.1 or later gets InstallProfile
 * {@value #SINGLE_APP_MODE_PROFILE} with one com.apple.app.lock payload for Company Portal, removed again when the user
 * signs in ({@link #signedIn});</li>
 * <li>critical apps are sent as device-licensed VPP apps ({@link CriticalApps}).</li>
 * </ul>
 * Supervision is {@link Supervision}'s, the admin view {@link PortalView}. Every method runs under the lock of the
 * device's record (its callers hold it).
 */
public final class CompanyPortalService {

    private static final System.Logger LOG = System.getLogger(CompanyPortalService.class.getName());

    static final long STORE_ID = 719171358L;
    static final String BUNDLE_ID = "com.microsoft.CompanyPortal";
    public static final String SIGN_IN_PATH = "/companyportal/signin";
    static final String SINGLE_APP_MODE_PROFILE = "io.mdmsim.singleappmode";
    static final String APP_LOCK = "com.apple.app.lock";
    /** Single App Mode until authentication needs iOS 11.3.1 (seeds). */
    static final String SINGLE_APP_MODE_MIN_OS = "11.3.1";
    /** The app configuration key that lets Company Portal establish a primary user on a device without user affinity. */
    public static final String USERLESS_KEY = "IntuneUDAUserlessDevice";

    private final Supplier<URI> publicBase;
    private final EventLog events;
    private final Ids ids;
    private final CriticalApps criticalApps;

    public CompanyPortalService(Supplier<URI> publicBase, EventLog events, Ids ids) {
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.events = requireNonNull(events, "events");
        this.ids = requireNonNull(ids, "ids");
        this.criticalApps = new CriticalApps(events, ids);
    }

    /** Critical apps under await final configuration. */
    CriticalApps criticalApps() {
        return criticalApps;
    }

    /** The ServiceURL Company Portal registers sign-ins at. */
    String serviceUrl() {
        return publicBase.get() + SIGN_IN_PATH;
    }

    // ---- setup flow ----------------------------------------------------------------------------------------------

    /** First TokenUpdate: records supervision; a device that does not await configuration gets the additions now. */
    void enrolled(DeviceRecord d, EnrollmentProfile p, boolean awaitingConfiguration, Instant now) {
        Supervision.record(d, p);
        if (!awaitingConfiguration) {
            notHeld(d, AwaitSupport.unsupported(p, d.osVersion)); // e.g. Company Portal authentication
            setupAdditions(d, p, now);
        }
    }

    /**
     * After the setup DeviceInformation (or at the first TokenUpdate of a device that does not await configuration):
     * Company Portal and Single App Mode as the profile asks. Runs once per enrollment.
     */
    void setupAdditions(DeviceRecord d, EnrollmentProfile p, Instant now) {
        PortalState s = d.portal;
        Supervision.record(d, p);
        if (s.additionsQueued || p == null) {
            return;
        }
        s.additionsQueued = true;
        if (wantsCompanyPortal(p)) {
            String uuid = ids.uuid();
            enqueue(d, installCompanyPortal(uuid, serviceUrl(), hasVpp(p),
                    Boolean.TRUE.equals(p.companyPortalPrimaryUser())), now);
            s.companyPortalCommandUuid = uuid;
            s.companyPortal = PortalState.AppState.QUEUED;
            if (p.criticalApps() != null && p.criticalApps().contains(BUNDLE_ID)
                    && d.setupFlow == DeviceRecord.SetupFlow.INFORMATION_QUEUED) {
                // a critical Company Portal holds DeviceConfigured, if the device can install it while it waits
                if (hasVpp(p) && CriticalApps.appsHoldConfigured(d) && AwaitSupport.unsupported(p, d.osVersion) == null) {
                    d.pendingCritical.put(uuid, "app " + BUNDLE_ID);
                } else {
                    String unsupported = AwaitSupport.unsupported(p, d.osVersion);
                    s.companyPortalNote = "critical, but not holding DeviceConfigured: " + (unsupported != null
                            ? unsupported : !hasVpp(p)
                            ? "without a VPP token it is not a device-licensed app, which iOS answers NotNow while"
                            + " it awaits configuration" : "iOS " + d.osVersion + " installs no app before"
                            + " DeviceConfigured");
                }
            }
            events.emit("company-portal", d.id, "action", "install-queued", "commandUuid", uuid, "serviceUrl",
                    serviceUrl(), "deviceLicense", hasVpp(p), "authentication",
                    p.authentication() == null ? null : p.authentication().name());
        }
        if (Boolean.TRUE.equals(p.singleAppModeUntilAuth())) {
            String refusal = singleAppModeRefusal(d);
            if (refusal != null) {
                s.singleAppModeNote = refusal;
                events.emit("single-app-mode", d.id, "action", "skipped", "reason", refusal);
                LOG.log(INFO, "{0}: no Single App Mode: {1}", d.id, refusal);
            } else {
                String uuid = ids.uuid();
                enqueue(d, Commands.installProfile(uuid, singleAppModeProfile(ids.uuid(), ids.uuid())), now);
                s.lockCommandUuid = uuid;
                s.singleAppMode = PortalState.SingleAppMode.LOCKING;
                events.emit("single-app-mode", d.id, "action", "lock-queued", "commandUuid", uuid, "app", BUNDLE_ID);
            }
        }
    }

    /**
     * The device awaits configuration but is not held (outside the seeds' supported cases, {@link AwaitSupport}):
     * recorded for the admin view and as an event.
     */
    void notHeld(DeviceRecord d, String reason) {
        if (reason == null) {
            return;
        }
        d.portal.awaitNote = reason;
        events.emit("await-configuration", d.id, "action", "not-held", "reason", reason);
    }

    /** Whether the device enrolled without user affinity (its enrollment profile's snapshot). */
    public static boolean userless(DeviceRecord d) {
        EnrollmentProfile p = DeviceLifecycle.snapshot(d);
        return p != null && p.affinity() == EnrollmentProfile.UserAffinity.WITHOUT_USER;
    }

    /**
     * Why Company Portal cannot sign a user in on this device, null when it can: on a device without user affinity it
     * works only with {@value #USERLESS_KEY} in its configuration (2020 page: "Apps like the Company Portal app don't
     * work"; the 2023 page adds the key).
     */
    public static String userlessRefusal(DeviceRecord d) {
        EnrollmentProfile p = DeviceLifecycle.snapshot(d);
        if (!userless(d) || Boolean.TRUE.equals(p.companyPortalPrimaryUser())) {
            return null;
        }
        return "device " + d.id + " enrolled without user affinity: Company Portal does not work on it (expected: an"
                + " enrollment profile with companyPortalPrimaryUser: true, which sends " + USERLESS_KEY
                + " to Company Portal so that its first user becomes the primary user)";
    }

    /** Whether the device enrolled through automated device enrollment (it has an ADE enrollment profile). */
    public static boolean automatedEnrollment(DeviceRecord d) {
        return DeviceLifecycle.snapshot(d) != null;
    }

    static boolean wantsCompanyPortal(EnrollmentProfile p) {
        return p != null && p.installsCompanyPortal();
    }

    private static boolean hasVpp(EnrollmentProfile p) {
        return p.vppToken() != null && !p.vppToken().isBlank();
    }

    /** Why Single App Mode cannot be set on this device, null when it can. */
    private static String singleAppModeRefusal(DeviceRecord d) {
        if (d.osVersion == null) {
            return "the device's OS version is unknown (Single App Mode until authentication needs iOS "
                    + SINGLE_APP_MODE_MIN_OS + " or later)";
        }
        if (!atLeast(d.osVersion, SINGLE_APP_MODE_MIN_OS)) {
            return "OS " + d.osVersion + " is older than " + SINGLE_APP_MODE_MIN_OS
                    + " (Single App Mode until authentication needs iOS " + SINGLE_APP_MODE_MIN_OS + " or later)";
        }
        if (!Boolean.TRUE.equals(Supervision.supervised(d))) {
            return "the device is not supervised (" + Supervision.why(d) + "); com.apple.app.lock needs a supervised"
                    + " device";
        }
        return null;
    }

    /**
     * InstallApplication of Company Portal as docs/mdm-endpoint.md "Company Portal and Single App Mode" gives it; {@code userlessPrimaryUser} adds
     * {@value #USERLESS_KEY} to its configuration (seeds: "send the IntuneUDAUserlessDevice key to the Company Portal
     * app in an app configuration policy").
     */
    static Command installCompanyPortal(String uuid, String serviceUrl, boolean deviceLicense,
            boolean userlessPrimaryUser) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("ServiceURL", serviceUrl);
        if (userlessPrimaryUser) {
            configuration.put(USERLESS_KEY, true);
        }
        Commands.AppInstall app = Commands.AppInstall.storeApp(STORE_ID).withManagementFlags(1)
                .withConfiguration(configuration);
        if (deviceLicense) {
            app = app.withPurchaseMethod(1);
        }
        return Commands.installApplication(uuid, app);
    }

    /** The Single App Mode profile: one com.apple.app.lock payload locking the device to Company Portal. */
    static byte[] singleAppModeProfile(String profileUuid, String payloadUuid) {
        Map<String, Object> lock = io.mdmsim.mdm.management.ConfigurationProfiles.payload(APP_LOCK,
                SINGLE_APP_MODE_PROFILE + ".applock", payloadUuid, "Company Portal until sign-in");
        lock.put("App", Map.of("Identifier", BUNDLE_ID));
        return io.mdmsim.mdm.management.ConfigurationProfiles.xml(SINGLE_APP_MODE_PROFILE, profileUuid,
                "Single App Mode until Company Portal sign-in", List.of(lock));
    }

    // ---- command results -----------------------------------------------------------------------------------------

    /** A command reached its terminal state: Company Portal, the lock and its removal move on. */
    void completed(DeviceRecord d, CommandQueue.Entry e, CommandResult result, Instant now) {
        PortalState s = d.portal;
        boolean ok = e.state() == CommandState.ACKNOWLEDGED;
        String uuid = e.commandUuid();
        if (uuid.equals(s.companyPortalCommandUuid)) {
            s.companyPortal = ok ? PortalState.AppState.INSTALLED : PortalState.AppState.FAILED;
            s.companyPortalNote = ok ? null : e.state() + describe(result);
            events.emit("company-portal", d.id, "action", ok ? "installed" : "install-failed", "commandUuid", uuid,
                    "status", e.state().name(), "reason", s.companyPortalNote);
        } else if (uuid.equals(s.lockCommandUuid)) {
            if (!ok) {
                s.singleAppMode = PortalState.SingleAppMode.REFUSED;
                s.singleAppModeNote = "the device answered the Single App Mode profile with " + e.state()
                        + describe(result);
            } else if (s.singleAppMode == PortalState.SingleAppMode.LOCKING) {
                s.singleAppMode = PortalState.SingleAppMode.LOCKED;
                s.lockedAt = now;
            }
            events.emit("single-app-mode", d.id, "action", ok ? "locked" : "lock-refused", "commandUuid", uuid,
                    "reason", ok ? null : s.singleAppModeNote);
        } else if (uuid.equals(s.liftCommandUuid)) {
            if (ok) {
                s.singleAppMode = PortalState.SingleAppMode.LIFTED;
                s.liftedAt = now;
            } else {
                s.singleAppMode = PortalState.SingleAppMode.LOCKED;
                s.singleAppModeNote = "RemoveProfile " + SINGLE_APP_MODE_PROFILE + " answered " + e.state()
                        + describe(result) + "; the next sign-in tries again";
                s.liftCommandUuid = null;
            }
            events.emit("single-app-mode", d.id, "action", ok ? "lifted" : "lift-failed", "commandUuid", uuid,
                    "reason", ok ? null : s.singleAppModeNote);
        }
    }

    private static String describe(CommandResult r) {
        List<ErrorChainItem> chain = r == null ? null : r.errorChain();
        if (chain == null || chain.isEmpty()) {
            return "";
        }
        ErrorChainItem first = chain.getFirst();
        return " (" + first.errorDomain() + " " + first.errorCode()
                + (first.usEnglishDescription() != null ? ": " + first.usEnglishDescription()
                : first.localizedDescription() != null ? ": " + first.localizedDescription() : "") + ")";
    }

    // ---- sign-in -------------------------------------------------------------------------------------------------

    /**
     * The user signed in to Company Portal (the licence was granted): records the user; a device in Single App Mode
     * gets RemoveProfile {@value #SINGLE_APP_MODE_PROFILE}. Returns whether Single App Mode is being lifted (true too
     * for a repeated sign-in while the removal is on its way).
     */
    public boolean signedIn(DeviceRecord d, String userName, Instant now) {
        PortalState s = d.portal;
        s.companyPortalUser = userName;
        s.signedInAt = now;
        if (userless(d) && s.primaryUser == null) {
            // seeds: "The first user that signs in to the Company Portal app is established as the primary user. If
            // the first user signs out and a second user signs in, the first user remains the primary user"
            s.primaryUser = userName;
            events.emit("company-portal-primary-user", d.id, "user", userName);
        }
        boolean lifted = false;
        if (s.singleAppMode == PortalState.SingleAppMode.LOCKING || s.singleAppMode == PortalState.SingleAppMode.LOCKED) {
            String uuid = ids.uuid();
            enqueue(d, Commands.removeProfile(uuid, SINGLE_APP_MODE_PROFILE), now);
            s.liftCommandUuid = uuid;
            s.singleAppMode = PortalState.SingleAppMode.LIFTING;
            lifted = true;
        } else if (s.singleAppMode == PortalState.SingleAppMode.LIFTING) {
            lifted = true;
        }
        events.emit("company-portal-signin", d.id, "user", userName, "singleAppModeLifted", lifted,
                "liftCommandUuid", lifted ? s.liftCommandUuid : null);
        return lifted;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static void enqueue(DeviceRecord d, Command c, Instant now) {
        d.commands.enqueue(c.commandUuid(), c.requestType(), c.toXml(), now);
    }

    static boolean atLeast(String version, String required) {
        try {
            return EnrollmentService.compareVersions(version, required) >= 0;
        } catch (RuntimeException e) {
            return false; // not a dotted version: treated as too old
        }
    }
}
