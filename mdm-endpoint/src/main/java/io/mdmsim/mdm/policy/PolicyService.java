package io.mdmsim.mdm.policy;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.ClockTimer;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.management.EnrollmentProfile;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredPolicy;
import io.mdmsim.mdm.store.TrackedMap;
import io.mdmsim.mdm.store.TrackedSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The enrollment policy of the reference MDM (docs/mdm-endpoint.md "The seeds' rules, one by one", seeds "Enrollment
 * blockers"; docs/mdm-endpoint.md "Enrollment policy" and "Company Portal sign-in"): device type restrictions,
 * corporate device identifiers, user and device licences, and the VPP tokens Company Portal licences come from. {@link
 * #checkEnrollment} answers each enrollment request with nothing (allowed; licences it needs are then consumed) or the
 * refusal the device is given. {@link #alerts()} are the seeds' "Intune alerts you when a token is about to expire or
 * licenses are running low", on the {@link SimClock}.
 *
 * <p>Thread-safe: every rule and every change runs under this object's monitor. Every change is written to the store
 * by {@link #persist()} (its callers: the enrollment checks here, the admin API after each change) before it is
 * answered, and read back at start; alerts are not kept, they are evaluated again ({@link PolicyAlerts}).
 *
 * <p>It stays a little over 400 lines because the enrollment decision, the licences it consumes and the VPP tokens
 * they come from are one state under one monitor (an enrollment is checked and its licences taken in one step); the
 * vocabulary ({@link Platform}, {@link Licenses}, {@link VppToken}, {@link Alert}), the alerts and the store mapping
 * ({@link PolicyStorage}) are apart.
 */
public final class PolicyService implements LicenseGate, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PolicyService.class.getName());

    public static final String PLATFORM_BLOCKED = "io.mdmsim.enrollment.platform-blocked";
    public static final String PERSONAL_BLOCKED = "io.mdmsim.enrollment.personal-blocked";
    public static final String DEVICE_UNAVAILABLE = "io.mdmsim.license.device-unavailable";
    public static final String USER_UNLICENSED = "io.mdmsim.license.user-unlicensed";
    public static final String TOKEN_EXPIRED = "io.mdmsim.vpp.token-expired";
    public static final String LICENSES_EXHAUSTED = "io.mdmsim.vpp.licenses-exhausted";

    /** A VPP token expiring within this time raises an alert. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    /** Company Portal licences are "running low" below this many left ... */
    public static final int LOW_LICENSES_COUNT = 10;
    /** ... or below this share (percent) of the token's total. */
    public static final int LOW_LICENSES_PERCENT = 10;

    /** How a device asks to enroll. */
    public enum Channel {
        /** POST /mdm/enroll with a MachineInfo: automated device enrollment, always a corporate device. */
        ADE,
        /** GET /mdm/enroll with x-apple-aspen-deviceinfo. */
        WEB_VIEW,
        /** GET of the enrollment profile without MachineInfo (Safari, a link). */
        OTA,
        /** The Authenticate check-in of a device that enrolled without MachineInfo (its serial and IMEI show here). */
        AUTHENTICATE
    }

    /**
     * What the MDM knows of a device asking to enroll; any field but {@code channel} may be null.
     *
     * @param product MachineInfo PRODUCT or Authenticate ProductName (decides the platform before the User-Agent)
     */
    public record EnrollmentRequest(Channel channel, String udid, String serial, String imei, String product,
            String userAgent) {
        public EnrollmentRequest {
            requireNonNull(channel, "channel");
        }

        Platform platform() {
            return product != null ? Platform.ofProduct(product) : Platform.ofUserAgent(userAgent);
        }
    }

    /** Where events go (the server's EventLog). */
    @FunctionalInterface
    public interface EventSink {
        public void emit(String type, String udid, Map<String, ?> data);
    }

    private final SimClock clock;
    private final EventSink events;
    private volatile Function<String, EnrollmentProfile> profileLookup = serial -> null;
    private volatile Supplier<List<EnrollmentProfile>> allProfiles = List::of;

    // guarded by this
    boolean iosAllowed = true;
    boolean ipadosAllowed = true;
    boolean personalAllowed = true;
    final Set<String> corporateSerials = new TrackedSet<>(v -> changed(PolicyStorage.CORPORATE_SERIAL, v));
    final Set<String> corporateImeis = new TrackedSet<>(v -> changed(PolicyStorage.CORPORATE_IMEI, v));
    final Licenses userLicenses = new Licenses(v -> changed(PolicyStorage.USER_LICENSE, v));
    final Licenses deviceLicenses = new Licenses(v -> changed(PolicyStorage.DEVICE_LICENSE, v));
    final Map<String, VppToken> vppTokens = new TrackedMap<>(name -> vppTokenChanged(name));
    /** Devices whose MachineInfo was checked: their Authenticate needs no second check. */
    final Set<String> checkedUdids = new TrackedSet<>(v -> changed(PolicyStorage.CHECKED_UDID, v));

    private final PolicyStorage storage;
    private final PolicyAlerts alerts = new PolicyAlerts();

    private final ClockTimer alertTicker;

    /**
     * @param alertInterval real time between alert evaluations in the background (they are also evaluated on every
     *                      change and every read); null or zero: no background thread
     */
    public PolicyService(SimClock clock, EventSink events, Duration alertInterval) {
        this(clock, events, alertInterval, MdmStore.inMemory().policy());
    }

    /** The policy {@code store} holds; changes are written to it by {@link #persist()}. */
    public PolicyService(SimClock clock, EventSink events, Duration alertInterval, StoredPolicy store) {
        this.clock = requireNonNull(clock, "clock");
        this.events = requireNonNull(events, "events");
        this.storage = new PolicyStorage(requireNonNull(store, "store"));
        load();
        if (alertInterval != null && !alertInterval.isZero() && !alertInterval.isNegative()) {
            // a timer on the simulated clock: alerts every interval of simulated time, no thread until due
            this.alertTicker = clock.scheduleRepeatedly(alertInterval, alertInterval, this::evaluateAlerts);
        } else {
            this.alertTicker = null;
        }
    }

    /** Where a serial's enrollment profile comes from (the DEP tokens); a serial with one is an ADE device. */
    public void profileLookup(Function<String, EnrollmentProfile> lookup) {
        this.profileLookup = requireNonNull(lookup, "lookup");
    }

    /** Every enrollment profile (which VPP tokens are in use). */
    public void allProfiles(Supplier<List<EnrollmentProfile>> profiles) {
        this.allProfiles = requireNonNull(profiles, "profiles");
    }

    /** Called by the tracked sets, with the monitor held. */
    private void changed(String set, String value) {
        storage.changed(set, value);
    }

    private void vppTokenChanged(String name) {
        storage.vppTokenChanged(name);
    }

    private synchronized void load() {
        storage.load(this);
    }

    /**
     * Writes what changed since the last call ({@link PolicyStorage}): handed to the store under the monitor, waited
     * for after it, so enrollments never wait for each other's writes under the policy's lock.
     *
     * @throws io.mdmsim.mdm.store.StoreException if the store failed; what changed is written with the next call
     */
    public void persist() {
        storage.persist(this);
    }

    public SimClock clock() {
        return clock;
    }

    // ---- enrollment -------------------------------------------------------------------------------------------

    /**
     * The policy's answer to an enrollment request: empty when the device may enroll (the device and Company Portal
     * licences it needs are then taken, once per device), else the refusal (docs/mdm-endpoint.md "Enrollment policy"), in this order: device
     * type restriction, personally owned, device licence, VPP token expired, Company Portal licences exhausted.
     */
    public Optional<DeviceError> checkEnrollment(EnrollmentRequest r) {
        requireNonNull(r, "r");
        Optional<DeviceError> out;
        synchronized (this) {
            out = decide(r);
        }
        persist(); // licences taken, the device checked: kept before the device is answered
        out.ifPresent(e -> events.emit("policy.refused", r.udid(), data("code", e.code(), "channel", r.channel().name(),
                "serialNumber", r.serial(), "reason", e.description())));
        evaluateAlerts();
        return out;
    }

    private Optional<DeviceError> decide(EnrollmentRequest r) {
        if (r.channel() == Channel.AUTHENTICATE && r.udid() != null && checkedUdids.contains(r.udid())) {
            return Optional.empty();
        }
        Platform platform = r.platform();
        boolean blocked = switch (platform) {
            case IOS -> !iosAllowed;
            case IPADOS -> !ipadosAllowed;
            case UNKNOWN -> !iosAllowed && !ipadosAllowed;
        };
        if (blocked) {
            String what = platform == Platform.UNKNOWN ? "iOS and iPadOS" : platform.label();
            String from = r.product() != null ? "product " + r.product()
                    : "User-Agent " + (r.userAgent() == null ? "(none)" : "'" + r.userAgent() + "'");
            return refuse(PLATFORM_BLOCKED, "Device type restrictions block enrollment of " + what + " devices.",
                    "device type restrictions block " + what + " (" + from + ", " + describe(r) + ")",
                    data("platform", platform.name()));
        }
        EnrollmentProfile profile = r.serial() == null ? null : profileLookup.apply(r.serial());
        boolean identified = r.serial() != null || r.imei() != null;
        // an over-the-air download that names no device is checked at its Authenticate, where the serial shows
        if (!personalAllowed && r.channel() != Channel.ADE && profile == null && (identified || r.channel() != Channel.OTA)
                && !corporate(r.serial(), r.imei())) {
            return refuse(PERSONAL_BLOCKED, "Personally owned devices cannot enroll; this device is not a corporate"
                    + " device.", "personally owned devices are blocked and " + describe(r) + " is not in the"
                    + " corporate device identifiers nor an enrollment program device", null);
        }
        if (r.channel() == Channel.OTA || r.channel() == Channel.AUTHENTICATE) {
            return Optional.empty();
        }
        String key = r.serial() != null ? r.serial() : r.udid();
        boolean userless = profile != null && profile.affinity() != EnrollmentProfile.UserAffinity.WITH_USER;
        boolean needsDeviceLicense = userless && key != null && !deviceLicenses.holders.contains(key);
        if (needsDeviceLicense && deviceLicenses.exhausted()) {
            return refuse(DEVICE_UNAVAILABLE, "No device license is available for this device.",
                    "enrollment profile '" + profile.name() + "' has user affinity " + profile.affinity()
                            + " and all " + deviceLicenses.total + " device licenses are in use (" + describe(r) + ")",
                    data("deviceLicenses", deviceLicenses.total));
        }
        VppToken vpp = null;
        if (profile != null && profile.installsCompanyPortal() && profile.vppToken() != null
                && !profile.vppToken().isBlank()) {
            vpp = vppTokens.get(profile.vppToken());
            if (vpp == null) {
                LOG.log(System.Logger.Level.WARNING, "enrollment profile {0} names VPP token {1}, unknown to the"
                        + " policy: Company Portal comes without VPP", profile.name(), profile.vppToken());
            }
        }
        if (vpp != null) {
            Instant now = clock.now();
            if (vpp.expired(now)) {
                return refuse(TOKEN_EXPIRED, "The VPP token " + vpp.name + " has expired; Company Portal cannot be"
                        + " installed.", "VPP token '" + vpp.name + "' of enrollment profile '" + profile.name()
                        + "' expired at " + vpp.expiry + " (" + describe(r) + ")",
                        data("vppToken", vpp.name, "expiry", vpp.expiry.toString()));
            }
            if (key != null && !vpp.holders.contains(key) && vpp.available() == 0) {
                return refuse(LICENSES_EXHAUSTED, "The VPP token " + vpp.name + " has no Company Portal license left.",
                        "VPP token '" + vpp.name + "' has no Company Portal license left (" + vpp.holders.size()
                                + " of " + vpp.companyPortalLicenses + " in use; " + describe(r) + ")",
                        data("vppToken", vpp.name, "companyPortalLicenses", vpp.companyPortalLicenses));
            }
        }
        // allowed: take the licences
        if (needsDeviceLicense) {
            deviceLicenses.holders.add(key);
            events.emit("policy.license", r.udid(), data("license", "device", "holder", key,
                    "used", deviceLicenses.holders.size(), "total", deviceLicenses.total));
        }
        if (vpp != null && key != null && vpp.holders.add(key)) {
            events.emit("policy.license", r.udid(), data("license", "companyPortal", "vppToken", vpp.name,
                    "holder", key, "used", vpp.holders.size(), "total", vpp.companyPortalLicenses));
        }
        if (r.udid() != null) {
            checkedUdids.add(r.udid());
        }
        return Optional.empty();
    }

    private boolean corporate(String serial, String imei) {
        return serial != null && corporateSerials.contains(normalizeSerial(serial))
                || imei != null && corporateImeis.contains(normalizeImei(imei));
    }

    public static String normalizeSerial(String serial) {
        return serial.trim().toUpperCase(Locale.ROOT);
    }

    public static String normalizeImei(String imei) {
        return imei.replaceAll("[\\s-]", "");
    }

    private static String describe(EnrollmentRequest r) {
        List<String> parts = new ArrayList<>();
        if (r.serial() != null) {
            parts.add("serial " + r.serial());
        }
        if (r.imei() != null) {
            parts.add("IMEI " + r.imei());
        }
        if (parts.isEmpty() && r.udid() != null) {
            parts.add("UDID " + r.udid());
        }
        return parts.isEmpty() ? "a device that did not identify itself" : "device " + String.join(", ", parts);
    }

    private static Optional<DeviceError> refuse(String code, String message, String description,
            Map<String, Object> details) {
        return Optional.of(new DeviceError(code, description, message, details));
    }

    // ---- user licences (docs/mdm-endpoint.md "Company Portal sign-in") ----------------------------------------------------------------------

    @Override
    public Optional<DeviceError> claimUserLicense(String userName, String udid) {
        if (userName == null || userName.isBlank()) {
            return refuse(USER_UNLICENSED, "A user name is needed to check the user's license.",
                    "no user name given (" + (udid == null ? "no UDID" : "UDID " + udid) + ")", null);
        }
        Optional<DeviceError> out;
        synchronized (this) {
            if (userLicenses.holders.contains(userName)) {
                return Optional.empty();
            }
            if (userLicenses.exhausted()) {
                out = refuse(USER_UNLICENSED, "User " + userName + " has no license.", "user " + userName
                        + " has no user license and none is free (" + userLicenses.holders.size() + " of "
                        + userLicenses.total + " in use)", data("userName", userName));
            } else {
                userLicenses.holders.add(userName);
                out = Optional.empty();
                events.emit("policy.license", udid, data("license", "user", "holder", userName,
                        "used", userLicenses.holders.size(), "total", userLicenses.total));
            }
        }
        persist();
        out.ifPresent(e -> events.emit("policy.refused", udid, data("code", e.code(), "userName", userName,
                "reason", e.description())));
        return out;
    }

    /** Gives back the device licence of a device whose licensed user now uses it (seeds: no device licence needed). */
    @Override
    public void usedByLicensedUser(String deviceKey, String userName) {
        boolean released;
        synchronized (this) {
            released = userLicenses.holders.contains(userName) && deviceLicenses.holders.remove(deviceKey);
        }
        if (released) {
            persist();
            events.emit("policy.license", null, data("license", "device", "released", deviceKey, "reason",
                    "used by the licensed user " + userName + ": a device license isn't needed"));
        }
    }

    /**
     * Gives back what a device holds (its device licence and the Company Portal licences of every VPP token), e.g.
     * when it is wiped, retired or deleted; {@code key} is its serial number (or UDID when it had none). Returns
     * whether it held anything.
     */
    public boolean releaseDevice(String key) {
        boolean released;
        synchronized (this) {
            released = deviceLicenses.holders.remove(key);
            for (VppToken t : vppTokens.values()) {
                released |= t.holders.remove(key);
            }
        }
        persist();
        if (released) {
            events.emit("policy.license", null, data("license", "released", "holder", key));
            evaluateAlerts();
        }
        return released;
    }

    // ---- profiles ---------------------------------------------------------------------------------------------

    /** The policy's rules for an enrollment profile: a vppToken must be a token the policy knows. */
    public List<String> profileViolations(EnrollmentProfile p) {
        if (p == null || p.vppToken() == null) {
            return List.of();
        }
        synchronized (this) {
            if (!vppTokens.containsKey(p.vppToken())) {
                return List.of("vppToken: " + p.vppToken() + " is not a VPP token of this MDM (expected: one of "
                        + (vppTokens.isEmpty() ? "none yet" : String.join(", ", vppTokens.keySet()))
                        + "; add it with POST /admin/vpp-tokens or mdmsim mdm vpp add)");
            }
        }
        return List.of();
    }

    /** The names of the enrollment profiles that use a VPP token. */
    public List<String> profilesUsing(String vppToken) {
        List<String> out = new ArrayList<>();
        for (EnrollmentProfile p : allProfiles.get()) {
            if (vppToken.equals(p.vppToken())) {
                out.add(p.name());
            }
        }
        return out;
    }

    // ---- alerts -----------------------------------------------------------------------------------------------

    /** The active alerts, evaluated now. */
    public List<Alert> alerts() {
        evaluateAlerts();
        synchronized (this) {
            return alerts.active();
        }
    }

    /** Recomputes the alerts on the SimClock; each one raised or cleared is an "alert" event. */
    public void evaluateAlerts() {
        synchronized (this) {
            for (Map<String, Object> e : alerts.evaluate(vppTokens.values(), clock.now())) {
                events.emit("alert", null, e);
            }
        }
    }

    /** Fewer than {@link #LOW_LICENSES_COUNT} left, or under {@link #LOW_LICENSES_PERCENT} % of the total. */
    static boolean lowLicenses(int available, int total) {
        return PolicyAlerts.lowLicenses(available, total);
    }

    public static Map<String, Object> data(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    public void emit(String type, Map<String, ?> data) {
        events.emit(type, null, data);
    }

    @Override
    public void close() {
        if (alertTicker != null) {
            alertTicker.cancel();
        }
    }
}
