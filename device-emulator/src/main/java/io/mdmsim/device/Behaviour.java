package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the users and the network of a population behave: the behaviour knobs (docs/devices.md). Every knob that picks devices is a
 * share (0..1): whether a device is picked is fixed by the fleet seed and the device's serial number alone, so a device
 * behaves the same in every run, shard and position. The defaults are a perfect world: users click through instantly,
 * the network never fails, every command succeeds.
 *
 * @param dwellScale          time users spend on Setup Assistant panes, as a multiple of a realistic median per pane
 *                            (0 = instant, 1 = realistic, 2 = slow users)
 * @param scepDelayShare      share of users who wait {@code scepDelay} after the enrollment profile arrives, before
 *                            the device runs SCEP (the seeds' user who waits 16 minutes)
 * @param scepDelay           how long they wait
 * @param scepRetryShare      share of users who, after "The SCEP server returned an invalid response", download the
 *                            management profile again
 * @param scepRetryAfter      how long they take to retry; within {@link #SCEP_RETRY_WINDOW} the retry runs, later the
 *                            device needs a factory reset (seeds)
 * @param commandFaults       NotNow and Error probabilities per RequestType; the key "*" applies to every other type
 * @param latency             simulated round-trip time added to every HTTP exchange
 * @param dropRate            probability that an exchange's answer is lost after the server handled it; the device
 *                            waits {@code dropTimeout} and retries
 * @param resetRate           probability that the connection is reset before the request reaches the server
 * @param dropTimeout         how long a device waits for a lost answer
 * @param networkRetries      how many times a device repeats a dropped or reset exchange before the stage fails
 * @param rebootShare         share of devices that reboot once during Setup Assistant (at a stage fixed by the seed)
 * @param rebootDuration      how long a reboot takes
 * @param activatedShare      share of devices that were set up (activated) before they were assigned: they must be
 *                            wiped before they enroll (seeds)
 * @param wipeWhenNeeded      whether users erase a device that needs a wipe and start Setup Assistant again
 * @param mfaShare            share of users registered for a second factor (default all): they answer a sign-in
 *                            page that asks for one, and Company Portal asks them; the others fail where a second
 *                            factor is required. Legacy Setup Assistant authentication has none (seeds)
 * @param companyPortalShare  share of devices whose user signs in to Company Portal after the home screen (a device
 *                            locked in Single App Mode always does: it can use nothing else)
 * @param companyPortalDelay  how long after Company Portal was installed the user signs in; over 24 hours enrollment
 *                            fails and needs a factory reset (seeds)
 * @param userDomain          the simulated users' domain: user names are "user-&lt;serial&gt;@domain"
 * @param userPassword        the simulated users' password
 * @param mfaCode             the one-time code simulated users type when asked for a second factor
 * @param maxPasses           how many times one device may start Setup Assistant over (wipe, reboot) before it fails
 * @param configuratorShare   share of devices not purchased through ABM but added later with Apple Configurator: with
 *                            locked enrollment their users may still remove management for the first
 *                            {@link #PROVISIONAL_PERIOD} after activation (seeds), then not
 * @param removeManagementShare share of users who try to remove management (Settings &gt; VPN &amp; Device Management)
 *                            {@code removeManagementAfter} after their device enrolled (simulated clock)
 * @param removeManagementAfter when they try; the device lives at least that long after enrollment
 * @param reenrollAfterRetire whether users erase a device the MDM retired (RemoveProfile of the enrollment profile) and
 *                            run Setup Assistant again, enrolling anew (seeds: "Re-enroll a device")
 * @param secondFactorElsewhereShare share of users with a second factor whose second factor is on another device
 *                            (an authenticator on their phone): only they can complete a multifactor Company Portal
 *                            sign-in on a device locked in Single App Mode (seeds); default all
 * @param restoreShare        share of users who restore an iCloud backup on the Apps &amp; Data pane: they then see
 *                            Restore Completed (iOS 14+), which the others never do (seeds)
 * @param softwareUpdateShare share of users who install the update the Software Update pane offers: they then see
 *                            Software Update Completed (iOS 14+), which the others never do (seeds); the simulated
 *                            device keeps its OS version (the population has no newer release to move to)
 */
public record Behaviour(double dwellScale, double scepDelayShare, Duration scepDelay, double scepRetryShare,
                        Duration scepRetryAfter, Map<String, CommandFault> commandFaults, Duration latency,
                        double dropRate, double resetRate, Duration dropTimeout, int networkRetries,
                        double rebootShare, Duration rebootDuration, double activatedShare, boolean wipeWhenNeeded,
                        double mfaShare, double companyPortalShare, Duration companyPortalDelay, String userDomain,
                        String userPassword, String mfaCode, int maxPasses, double configuratorShare,
                        double removeManagementShare, Duration removeManagementAfter, boolean reenrollAfterRetire,
                        double secondFactorElsewhereShare, double restoreShare, double softwareUpdateShare) {

    /** Devices added to ABM with Apple Configurator may remove management for 30 days after activation (seeds). */
    public static final Duration PROVISIONAL_PERIOD = Duration.ofDays(30);

    /** A SCEP challenge lives 15 minutes; a retry later than that needs a factory reset (seeds). */
    public static final Duration SCEP_RETRY_WINDOW = Duration.ofMinutes(15);
    /** Company Portal sign-in must happen within 24 hours of its download (seeds). */
    public static final Duration COMPANY_PORTAL_WINDOW = Duration.ofHours(24);
    /** Every RequestType not named in {@link #commandFaults()}. */
    public static final String ANY_COMMAND = "*";

    /** The perfect world: see the class comment. */
    public static final Behaviour DEFAULT = builder().build();

    /**
     * How a device answers one RequestType besides running it.
     *
     * @param notNow probability of answering NotNow
     * @param error  probability of answering Error (with a simulated ErrorChain)
     */
    public record CommandFault(double notNow, double error) {
        public CommandFault {
            share("notNow", notNow);
            share("error", error);
            if (notNow + error > 1.0) {
                throw new IllegalArgumentException("notNow + error: " + (notNow + error) + " (expected: <= 1)");
            }
        }
    }

    public Behaviour {
        if (dwellScale < 0 || dwellScale > 100 || Double.isNaN(dwellScale)) {
            throw new IllegalArgumentException("dwellScale: " + dwellScale + " (expected: 0..100)");
        }
        share("scepDelayShare", scepDelayShare);
        nonNegative("scepDelay", scepDelay);
        share("scepRetryShare", scepRetryShare);
        nonNegative("scepRetryAfter", scepRetryAfter);
        requireNonNull(commandFaults, "commandFaults");
        commandFaults.forEach((type, fault) -> {
            requireNonNull(fault, "commandFaults[" + type + "]");
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException("commandFaults: blank RequestType (expected: e.g. InstallApplication"
                        + " or " + ANY_COMMAND + ")");
            }
        });
        commandFaults = Map.copyOf(commandFaults);
        nonNegative("latency", latency);
        share("dropRate", dropRate);
        share("resetRate", resetRate);
        if (dropRate + resetRate >= 1.0) {
            throw new IllegalArgumentException("dropRate + resetRate: " + (dropRate + resetRate)
                    + " (expected: < 1, or no exchange would ever get through)");
        }
        nonNegative("dropTimeout", dropTimeout);
        if (networkRetries < 0 || networkRetries > 100) {
            throw new IllegalArgumentException("networkRetries: " + networkRetries + " (expected: 0..100)");
        }
        share("rebootShare", rebootShare);
        nonNegative("rebootDuration", rebootDuration);
        share("activatedShare", activatedShare);
        share("mfaShare", mfaShare);
        share("companyPortalShare", companyPortalShare);
        nonNegative("companyPortalDelay", companyPortalDelay);
        requireNonNull(userDomain, "userDomain");
        requireNonNull(userPassword, "userPassword");
        requireNonNull(mfaCode, "mfaCode");
        if (!userDomain.matches("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
            throw new IllegalArgumentException("userDomain: " + userDomain + " (expected: a domain such as example.com)");
        }
        if (maxPasses < 1 || maxPasses > 100) {
            throw new IllegalArgumentException("maxPasses: " + maxPasses + " (expected: 1..100)");
        }
        share("configuratorShare", configuratorShare);
        share("removeManagementShare", removeManagementShare);
        nonNegative("removeManagementAfter", removeManagementAfter);
        share("secondFactorElsewhereShare", secondFactorElsewhereShare);
        share("restoreShare", restoreShare);
        share("softwareUpdateShare", softwareUpdateShare);
    }

    /** The fault of a RequestType: its own entry, else the "*" entry, else none. */
    public CommandFault faultFor(String requestType) {
        CommandFault f = commandFaults.get(requestType);
        if (f == null) {
            f = commandFaults.get(ANY_COMMAND);
        }
        return f == null ? new CommandFault(0, 0) : f;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.dwellScale = dwellScale;
        b.scepDelayShare = scepDelayShare;
        b.scepDelay = scepDelay;
        b.scepRetryShare = scepRetryShare;
        b.scepRetryAfter = scepRetryAfter;
        b.commandFaults.putAll(commandFaults);
        b.latency = latency;
        b.dropRate = dropRate;
        b.resetRate = resetRate;
        b.dropTimeout = dropTimeout;
        b.networkRetries = networkRetries;
        b.rebootShare = rebootShare;
        b.rebootDuration = rebootDuration;
        b.activatedShare = activatedShare;
        b.wipeWhenNeeded = wipeWhenNeeded;
        b.mfaShare = mfaShare;
        b.companyPortalShare = companyPortalShare;
        b.companyPortalDelay = companyPortalDelay;
        b.userDomain = userDomain;
        b.userPassword = userPassword;
        b.mfaCode = mfaCode;
        b.maxPasses = maxPasses;
        b.configuratorShare = configuratorShare;
        b.removeManagementShare = removeManagementShare;
        b.removeManagementAfter = removeManagementAfter;
        b.reenrollAfterRetire = reenrollAfterRetire;
        b.secondFactorElsewhereShare = secondFactorElsewhereShare;
        b.restoreShare = restoreShare;
        b.softwareUpdateShare = softwareUpdateShare;
        return b;
    }

    public static final class Builder {
        private double dwellScale;
        private double scepDelayShare;
        private Duration scepDelay = Duration.ofMinutes(16);
        private double scepRetryShare;
        private Duration scepRetryAfter = Duration.ofMinutes(2);
        private final Map<String, CommandFault> commandFaults = new LinkedHashMap<>();
        private Duration latency = Duration.ZERO;
        private double dropRate;
        private double resetRate;
        private Duration dropTimeout = Duration.ofSeconds(30);
        private int networkRetries = 3;
        private double rebootShare;
        private Duration rebootDuration = Duration.ofSeconds(45);
        private double activatedShare;
        private boolean wipeWhenNeeded;
        private double mfaShare = 1.0;
        private double companyPortalShare;
        private Duration companyPortalDelay = Duration.ofMinutes(5);
        private String userDomain = "example.com";
        private String userPassword = "mdmsim-password";
        private String mfaCode = "123456";
        private int maxPasses = 5;
        private double configuratorShare;
        private double removeManagementShare;
        private Duration removeManagementAfter = Duration.ofDays(1);
        private boolean reenrollAfterRetire;
        private double secondFactorElsewhereShare = 1.0;
        private double restoreShare;
        private double softwareUpdateShare;

        private Builder() {
        }

        public Builder dwellScale(double v) {
            this.dwellScale = v;
            return this;
        }

        /** The seeds' user: {@code share} of users wait {@code delay} before SCEP. */
        public Builder scepDelay(double share, Duration delay) {
            this.scepDelayShare = share;
            this.scepDelay = delay;
            return this;
        }

        public Builder scepRetry(double share, Duration after) {
            this.scepRetryShare = share;
            this.scepRetryAfter = after;
            return this;
        }

        public Builder commandFault(String requestType, double notNow, double error) {
            commandFaults.put(requestType, new CommandFault(notNow, error));
            return this;
        }

        public Builder commandFaults(Map<String, CommandFault> faults) {
            commandFaults.clear();
            commandFaults.putAll(faults);
            return this;
        }

        public Builder latency(Duration v) {
            this.latency = v;
            return this;
        }

        public Builder dropRate(double v) {
            this.dropRate = v;
            return this;
        }

        public Builder resetRate(double v) {
            this.resetRate = v;
            return this;
        }

        public Builder dropTimeout(Duration v) {
            this.dropTimeout = v;
            return this;
        }

        public Builder networkRetries(int v) {
            this.networkRetries = v;
            return this;
        }

        public Builder reboot(double share, Duration duration) {
            this.rebootShare = share;
            this.rebootDuration = duration;
            return this;
        }

        public Builder activatedShare(double v) {
            this.activatedShare = v;
            return this;
        }

        public Builder wipeWhenNeeded(boolean v) {
            this.wipeWhenNeeded = v;
            return this;
        }

        public Builder mfaShare(double v) {
            this.mfaShare = v;
            return this;
        }

        public Builder companyPortal(double share, Duration delay) {
            this.companyPortalShare = share;
            this.companyPortalDelay = delay;
            return this;
        }

        public Builder userDomain(String v) {
            this.userDomain = v;
            return this;
        }

        public Builder userPassword(String v) {
            this.userPassword = v;
            return this;
        }

        public Builder mfaCode(String v) {
            this.mfaCode = v;
            return this;
        }

        public Builder maxPasses(int v) {
            this.maxPasses = v;
            return this;
        }

        /** Share of devices added to ABM later with Apple Configurator (the 30-day provisional window). */
        public Builder configuratorShare(double v) {
            this.configuratorShare = v;
            return this;
        }

        /** {@code share} of users try to remove management {@code after} their device enrolled. */
        public Builder removeManagement(double share, Duration after) {
            this.removeManagementShare = share;
            this.removeManagementAfter = after;
            return this;
        }

        public Builder reenrollAfterRetire(boolean v) {
            this.reenrollAfterRetire = v;
            return this;
        }

        public Builder restoreShare(double v) {
            this.restoreShare = v;
            return this;
        }

        public Builder softwareUpdateShare(double v) {
            this.softwareUpdateShare = v;
            return this;
        }

        public Builder secondFactorElsewhereShare(double v) {
            this.secondFactorElsewhereShare = v;
            return this;
        }

        public Behaviour build() {
            return new Behaviour(dwellScale, scepDelayShare, scepDelay, scepRetryShare, scepRetryAfter,
                    commandFaults, latency, dropRate, resetRate, dropTimeout, networkRetries, rebootShare,
                    rebootDuration, activatedShare, wipeWhenNeeded, mfaShare, companyPortalShare, companyPortalDelay,
                    userDomain, userPassword, mfaCode, maxPasses, configuratorShare, removeManagementShare,
                    removeManagementAfter, reenrollAfterRetire, secondFactorElsewhereShare, restoreShare,
                    softwareUpdateShare);
        }
    }

    private static void share(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: a share 0..1)");
        }
    }

    private static void nonNegative(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
    }
}
