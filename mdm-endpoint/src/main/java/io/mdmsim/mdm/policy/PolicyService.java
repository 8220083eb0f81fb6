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
 * answered, and read back at start; alerts are not kept, they are evaluated again.
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

    /** The platform a request comes from (docs/mdm-endpoint.md "Enrollment policy"). */
    public enum Platform {
        IOS("iOS (iPhone)"), IPADOS("iPadOS (iPad)"), UNKNOWN("an unknown platform");

        private final String label;

        Platform(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** MachineInfo PRODUCT or Authenticate ProductName: iPhone* is iOS, iPad* iPadOS. */
        public static Platform ofProduct(String product) {
            if (product == null) {
                return UNKNOWN;
            }
            if (product.startsWith("iPhone")) {
                return IOS;
            }
            return product.startsWith("iPad") ? IPADOS : UNKNOWN;
        }

        /** The User-Agent of an over-the-air request (docs/DESIGN.md "Device identity before MachineInfo"): "(iPhone;" or "(iPad;". */
        public static Platform ofUserAgent(String userAgent) {
            if (userAgent == null) {
                return UNKNOWN;
            }
            if (userAgent.contains("(iPhone;")) {
                return IOS;
            }
            return userAgent.contains("(iPad;") ? IPADOS : UNKNOWN;
        }
    }

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

    /** An active alert. */
    public record Alert(String id, String kind, String severity, String vppToken, String message, Instant since) {
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("kind", kind);
            m.put("severity", severity);
            m.put("vppToken", vppToken);
            m.put("message", message);
            m.put("since", since.toString());
            return m;
        }
    }

    /** A licence pool: {@code total} null is unlimited. */
    public static final class Licenses {
        public Integer total;
        public final Set<String> holders;

        Licenses(java.util.function.Consumer<String> changed) {
            this.holders = new TrackedSet<>(changed);
        }

        public Integer available() {
            return total == null ? null : Math.max(0, total - holders.size());
        }

        boolean exhausted() {
            return total != null && holders.size() >= total;
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("total", total == null ? "unlimited" : total);
            m.put("used", holders.size());
            m.put("available", total == null ? "unlimited" : available());
            m.put("holders", List.copyOf(holders));
            return m;
        }
    }

    /** A VPP (apps and books) location token with its Company Portal licences. */
    public static final class VppToken {
        public final String name;
        public String organization;
        public Instant expiry;
        public int companyPortalLicenses;
        /** The devices (serial, else UDID) holding a Company Portal licence of this token. */
        public final Set<String> holders;
        /** Holders added or removed since the policy was last stored. */
        final Set<String> changedHolders = new LinkedHashSet<>();

        public VppToken(String name, String organization, Instant expiry, int companyPortalLicenses) {
            this.name = name;
            this.organization = organization;
            this.expiry = expiry;
            this.companyPortalLicenses = companyPortalLicenses;
            this.holders = new TrackedSet<>(changedHolders::add);
        }

        public int available() {
            return Math.max(0, companyPortalLicenses - holders.size());
        }

        public boolean expired(Instant now) {
            return !now.isBefore(expiry);
        }
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
    private final Map<String, Alert> alerts = new LinkedHashMap<>();

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
            return List.copyOf(alerts.values());
        }
    }

    /** Recomputes the alerts on the SimClock; each one raised or cleared is an "alert" event. */
    public void evaluateAlerts() {
        List<Map<String, Object>> emitted = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.now();
            Map<String, Alert> next = new LinkedHashMap<>();
            for (VppToken t : vppTokens.values()) {
                if (t.expired(now)) {
                    put(next, "vpp.token-expired", "critical", t, "VPP token " + t.name + " expired at " + t.expiry
                            + ": devices whose enrollment profile installs Company Portal with it cannot enroll", now);
                } else if (!now.plus(EXPIRY_WARNING).isBefore(t.expiry)) {
                    long days = Duration.between(now, t.expiry).toDays();
                    put(next, "vpp.token-expiring", "warning", t, "VPP token " + t.name + " expires at " + t.expiry
                            + " (in " + days + (days == 1 ? " day" : " days") + "; warning from "
                            + EXPIRY_WARNING.toDays() + " days before): renew it", now);
                }
                int available = t.available();
                if (available == 0) {
                    put(next, "vpp.licenses-exhausted", "critical", t, "VPP token " + t.name + " has no Company Portal"
                            + " license left (" + t.holders.size() + " of " + t.companyPortalLicenses + " in use)", now);
                } else if (lowLicenses(available, t.companyPortalLicenses)) {
                    put(next, "vpp.licenses-low", "warning", t, "VPP token " + t.name + " has " + available
                            + " Company Portal license" + (available == 1 ? "" : "s") + " left of "
                            + t.companyPortalLicenses + " (low: fewer than " + LOW_LICENSES_COUNT + " or under "
                            + LOW_LICENSES_PERCENT + "%)", now);
                }
            }
            for (Alert a : next.values()) {
                if (!alerts.containsKey(a.id())) {
                    Map<String, Object> e = a.json();
                    e.put("state", "raised");
                    emitted.add(e);
                }
            }
            for (Alert a : alerts.values()) {
                if (!next.containsKey(a.id())) {
                    Map<String, Object> e = a.json();
                    e.put("state", "cleared");
                    emitted.add(e);
                }
            }
            alerts.clear();
            alerts.putAll(next);
            for (Map<String, Object> e : emitted) {
                events.emit("alert", null, e);
            }
        }
    }

    /** Fewer than {@link #LOW_LICENSES_COUNT} left, or under {@link #LOW_LICENSES_PERCENT} % of the total. */
    static boolean lowLicenses(int available, int total) {
        return available < LOW_LICENSES_COUNT || (long) available * 100 < (long) total * LOW_LICENSES_PERCENT;
    }

    private void put(Map<String, Alert> next, String kind, String severity, VppToken t, String message, Instant now) {
        String id = kind + ":" + t.name;
        Alert old = alerts.get(id);
        next.put(id, new Alert(id, kind, severity, t.name, message, old == null ? now : old.since()));
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
