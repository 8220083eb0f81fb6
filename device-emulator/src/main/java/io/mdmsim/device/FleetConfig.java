package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a fleet of virtual devices needs. Built once with {@link #builder()} and immutable afterwards. The only
 * server it names is Apple's cloud-configuration URL: every other URL comes from the answers the devices get.
 *
 * @param cloudConfigUrl   where devices fetch their cloud configuration (fake ABM {@code <base>/cloudconfig})
 * @param appleDeviceCa    the "factory": issues each device the identity certificate it signs MachineInfo with
 * @param devices          the devices, at least one: explicit {@link DeviceSpec}s, {@link Population}s, or both
 * @param seed             all randomness of the run (UDIDs, IMEIs, push tokens, nonces) derives from it
 * @param clock            simulated time for every delay and duration
 * @param concurrency      how many devices run at the same time, 1..100000
 * @param listener         live progress, called from device threads
 * @param httpTimeout      real-time limit of one HTTP exchange
 * @param idlePollInterval simulated time a device awaiting configuration waits before polling ServerURL again after a
 *                         zero-length reply
 * @param maxIdlePolls     how many zero-length replies in a row a device awaiting configuration accepts before it fails
 * @param maxCommands      how many commands one device answers in its run before it fails (guards against a server
 *                         that never stops sending)
 * @param trustAnchors     extra TLS trust anchors (e.g. the simulator root CA) besides the JDK's; empty for plain
 *                         HTTP or publicly trusted servers
 * @param keySource        RSA keys for factory identities and SCEP
 * @param language         the MachineInfo LANGUAGE, e.g. "en"
 * @param behaviours       the knobs of each device, same order and size as {@code devices}: a population's devices
 *                         get the population's {@link Behaviour}, explicit devices the builder's
 * @param apnsUrl          base URL of the fake APNs device channel (docs/fake-abm.md "Fake APNs", FakeAbmServer.apnsUri()); each
 *                         device then gets its push token from it and holds one shared push stream; null: random
 *                         tokens and no push channel
 * @param lifetime         simulated time each device lives on after enrollment (push-driven and periodic check-ins,
 *                         token updates) before its run ends; zero: the run ends at enrollment
 * @param checkinInterval  during its lifetime a device checks in (Idle to ServerURL) this often on its own; zero: only
 *                         when pushed
 * @param tokenUpdateInterval during its lifetime a device repeats its TokenUpdate this often; zero: never
 * @param traces           per-device traces; null: none
 * @param maxConnections   HTTP exchanges the whole fleet runs at once (and so the most connections it opens),
 *                         1..20000; devices beyond it wait their turn
 * @param enrollmentProfile over-the-air enrollment: an http(s) URL each device GETs its enrollment profile from, or a
 *                         file: URI read once; then no cloud configuration and no MachineInfo (cloudConfigUrl may be
 *                         null); null: automated device enrollment through cloudConfigUrl
 * @param arrivals         when each device powers on, from the start of the run, one per device; empty: as soon
 *                         as the concurrency lets it
 * @param timeouts         the overall deadline of each device's run and the timeout of each stage, on the clock
 *                         ({@link Timeouts#DEFAULT}: a timeout per stage, no deadline), so that every run ends
 */
public record FleetConfig(URI cloudConfigUrl, Identity appleDeviceCa, List<DeviceSpec> devices, long seed,
                          SimClock clock, int concurrency, FleetListener listener, Duration httpTimeout,
                          Duration idlePollInterval, int maxIdlePolls, int maxCommands,
                          List<X509Certificate> trustAnchors, KeySource keySource, String language,
                          List<Behaviour> behaviours, URI apnsUrl, Duration lifetime, Duration checkinInterval,
                          Duration tokenUpdateInterval, TraceOptions traces, int maxConnections,
                          URI enrollmentProfile, List<Duration> arrivals, Timeouts timeouts) {

    public static final int MAX_CONCURRENCY = 100_000;

    public FleetConfig {
        if (enrollmentProfile != null) {
            String ps = enrollmentProfile.getScheme();
            boolean web = ("http".equalsIgnoreCase(ps) || "https".equalsIgnoreCase(ps)) && enrollmentProfile.getHost() != null;
            if (!web && !"file".equalsIgnoreCase(ps)) {
                throw new IllegalArgumentException("enrollmentProfile: " + enrollmentProfile
                        + " (expected: an http(s) URL or a file: URI of a .mobileconfig)");
            }
        } else {
            requireNonNull(cloudConfigUrl, "cloudConfigUrl");
        }
        requireNonNull(appleDeviceCa, "appleDeviceCa");
        requireNonNull(devices, "devices");
        requireNonNull(clock, "clock");
        requireNonNull(listener, "listener");
        requireNonNull(httpTimeout, "httpTimeout");
        requireNonNull(idlePollInterval, "idlePollInterval");
        requireNonNull(trustAnchors, "trustAnchors");
        requireNonNull(keySource, "keySource");
        requireNonNull(language, "language");
        String scheme = cloudConfigUrl == null ? "http" : cloudConfigUrl.getScheme();
        if (cloudConfigUrl != null && (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
                || cloudConfigUrl.getHost() == null)) {
            throw new IllegalArgumentException("cloudConfigUrl: " + cloudConfigUrl
                    + " (expected: an absolute http or https URL such as http://127.0.0.1:8080/cloudconfig)");
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("devices: empty (expected: at least one DeviceSpec or a Population)");
        }
        devices = List.copyOf(devices);
        long distinct = devices.stream().map(DeviceSpec::serialNumber).distinct().count();
        if (distinct != devices.size()) {
            throw new IllegalArgumentException("devices: " + (devices.size() - distinct)
                    + " duplicate serial numbers (expected: every serial once)");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: 1.." + MAX_CONCURRENCY + ")");
        }
        if (httpTimeout.isNegative() || httpTimeout.isZero()) {
            throw new IllegalArgumentException("httpTimeout: " + httpTimeout + " (expected: > 0)");
        }
        if (idlePollInterval.isNegative()) {
            throw new IllegalArgumentException("idlePollInterval: " + idlePollInterval + " (expected: >= 0)");
        }
        if (maxIdlePolls < 1) {
            throw new IllegalArgumentException("maxIdlePolls: " + maxIdlePolls + " (expected: >= 1)");
        }
        if (maxCommands < 1) {
            throw new IllegalArgumentException("maxCommands: " + maxCommands + " (expected: >= 1)");
        }
        trustAnchors = List.copyOf(trustAnchors);
        if (language.isBlank()) {
            throw new IllegalArgumentException("language: blank (expected: a language code such as en)");
        }
        requireNonNull(lifetime, "lifetime");
        requireNonNull(checkinInterval, "checkinInterval");
        requireNonNull(tokenUpdateInterval, "tokenUpdateInterval");
        if (apnsUrl != null && (apnsUrl.getHost() == null || !("http".equalsIgnoreCase(apnsUrl.getScheme())
                || "https".equalsIgnoreCase(apnsUrl.getScheme())))) {
            throw new IllegalArgumentException("apnsUrl: " + apnsUrl
                    + " (expected: the fake APNs base URL, e.g. https://127.0.0.1:8443)");
        }
        if (lifetime.isNegative()) {
            throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: >= 0)");
        }
        if (maxConnections < 1 || maxConnections > 20_000) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: 1..20000)");
        }
        if (checkinInterval.isNegative() || tokenUpdateInterval.isNegative()) {
            throw new IllegalArgumentException("checkinInterval: " + checkinInterval + ", tokenUpdateInterval: "
                    + tokenUpdateInterval + " (expected: >= 0; 0 = never)");
        }
        requireNonNull(timeouts, "timeouts");
        requireNonNull(behaviours, "behaviours");
        behaviours = List.copyOf(behaviours);
        requireNonNull(arrivals, "arrivals");
        arrivals = List.copyOf(arrivals);
        if (!arrivals.isEmpty() && arrivals.size() != devices.size()) {
            throw new IllegalArgumentException("arrivals: " + arrivals.size() + " entries (expected: none, or one per"
                    + " device, " + devices.size() + ")");
        }
        for (Duration a : arrivals) {
            if (a.isNegative()) {
                throw new IllegalArgumentException("arrivals: " + a + " (expected: >= 0)");
            }
        }
        if (behaviours.size() != devices.size()) {
            throw new IllegalArgumentException("behaviours: " + behaviours.size() + " entries (expected: one per"
                    + " device, " + devices.size() + ")");
        }
    }

    /** The knobs of device {@code index} (its position in {@link #devices()}). */
    public Behaviour behaviour(int index) {
        return behaviours.get(index);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().cloudConfigUrl(cloudConfigUrl).appleDeviceCa(appleDeviceCa).seed(seed)
                .clock(clock).concurrency(concurrency).listener(listener).httpTimeout(httpTimeout)
                .idlePollInterval(idlePollInterval).maxIdlePolls(maxIdlePolls).maxCommands(maxCommands)
                .trustAnchors(trustAnchors).keySource(keySource).language(language).apnsUrl(apnsUrl)
                .lifetime(lifetime).checkinInterval(checkinInterval).tokenUpdateInterval(tokenUpdateInterval)
                .traces(traces).maxConnections(maxConnections).enrollmentProfile(enrollmentProfile)
                .arrivals(arrivals).timeouts(timeouts);
        for (int i = 0; i < devices.size(); i++) {
            b.addDevice(devices.get(i), behaviours.get(i));
        }
        return b;
    }

    public static final class Builder {
        private URI cloudConfigUrl;
        private Identity appleDeviceCa;
        private final List<DeviceSpec> devices = new ArrayList<>();
        private final List<Behaviour> deviceBehaviours = new ArrayList<>(); // null: the builder's behaviour
        private final List<Population> populations = new ArrayList<>();
        private Behaviour behaviour = Behaviour.DEFAULT;
        private long seed = 1;
        private SimClock clock = SimClock.system();
        private int concurrency = 100;
        private FleetListener listener = FleetListener.NONE;
        private Duration httpTimeout = Duration.ofSeconds(30);
        private Duration idlePollInterval = Duration.ofSeconds(30);
        private int maxIdlePolls = 20;
        private int maxCommands = 1_000;
        private List<X509Certificate> trustAnchors = List.of();
        private KeySource keySource = KeySource.fresh();
        private String language = "en";
        private URI apnsUrl;
        private Duration lifetime = Duration.ZERO;
        private Duration checkinInterval = Duration.ZERO;
        private Duration tokenUpdateInterval = Duration.ZERO;
        private TraceOptions traces;
        private int maxConnections = 256;
        private URI enrollmentProfile;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private List<Duration> arrivals = List.of();

        private Builder() {
        }

        /** Every timeout at once (default {@link Timeouts#DEFAULT}). */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** The longest each device's run may take from power-on, on the clock; null (the default): none. */
        public Builder deadline(Duration deadline) {
            this.timeouts = timeouts.withDeadline(deadline);
            return this;
        }

        /** The timeout of one stage, on the clock (defaults: {@link Timeouts#DEFAULT}). */
        public Builder stageTimeout(Stage stage, Duration timeout) {
            this.timeouts = timeouts.withStage(stage, timeout);
            return this;
        }

        /**
         * When each device powers on, as simulated time from the start of the run, one entry per device in device
         * order; empty (the default): every device as soon as the concurrency lets it.
         */
        public Builder arrivals(List<Duration> arrivals) {
            this.arrivals = requireNonNull(arrivals, "arrivals");
            return this;
        }

        /**
         * Over-the-air enrollment from this profile (http(s) URL or file: URI) instead of automated device enrollment;
         * null (the default): automated device enrollment.
         */
        public Builder enrollmentProfile(URI enrollmentProfile) {
            this.enrollmentProfile = enrollmentProfile;
            return this;
        }

        /** At most this many HTTP exchanges at once, fleet-wide (default 256). */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** The fake APNs device channel; null (the default) for random tokens and no push channel. */
        public Builder apnsUrl(URI apnsUrl) {
            this.apnsUrl = apnsUrl;
            return this;
        }

        public Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public Builder checkinInterval(Duration checkinInterval) {
            this.checkinInterval = checkinInterval;
            return this;
        }

        public Builder tokenUpdateInterval(Duration tokenUpdateInterval) {
            this.tokenUpdateInterval = tokenUpdateInterval;
            return this;
        }

        /** Per-device traces; null (the default) for none. */
        public Builder traces(TraceOptions traces) {
            this.traces = traces;
            return this;
        }

        public Builder cloudConfigUrl(URI cloudConfigUrl) {
            this.cloudConfigUrl = cloudConfigUrl;
            return this;
        }

        public Builder appleDeviceCa(Identity appleDeviceCa) {
            this.appleDeviceCa = appleDeviceCa;
            return this;
        }

        /** Replaces the explicit device list (populations stay). */
        public Builder devices(List<DeviceSpec> devices) {
            requireNonNull(devices, "devices");
            this.devices.clear();
            this.deviceBehaviours.clear();
            devices.forEach(this::addDevice);
            return this;
        }

        public Builder addDevice(DeviceSpec device) {
            return addDevice(device, null);
        }

        /** An explicit device with its own knobs ({@code null}: the builder's {@link #behaviour(Behaviour)}). */
        public Builder addDevice(DeviceSpec device, Behaviour behaviour) {
            this.devices.add(requireNonNull(device, "device"));
            this.deviceBehaviours.add(behaviour);
            return this;
        }

        /** The knobs of the explicit devices that have none of their own (default {@link Behaviour#DEFAULT}). */
        public Builder behaviour(Behaviour behaviour) {
            this.behaviour = requireNonNull(behaviour, "behaviour");
            return this;
        }

        /**
         * Adds a population: its devices (made from the fleet seed at {@link #build()}) follow the explicit devices
         * and earlier populations, with the population's knobs.
         */
        public Builder population(Population population) {
            this.populations.add(requireNonNull(population, "population"));
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder clock(SimClock clock) {
            this.clock = clock;
            return this;
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder listener(FleetListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder httpTimeout(Duration httpTimeout) {
            this.httpTimeout = httpTimeout;
            return this;
        }

        public Builder idlePollInterval(Duration idlePollInterval) {
            this.idlePollInterval = idlePollInterval;
            return this;
        }

        public Builder maxIdlePolls(int maxIdlePolls) {
            this.maxIdlePolls = maxIdlePolls;
            return this;
        }

        public Builder maxCommands(int maxCommands) {
            this.maxCommands = maxCommands;
            return this;
        }

        public Builder trustAnchors(List<X509Certificate> trustAnchors) {
            this.trustAnchors = trustAnchors;
            return this;
        }

        public Builder keySource(KeySource keySource) {
            this.keySource = keySource;
            return this;
        }

        public Builder language(String language) {
            this.language = language;
            return this;
        }

        public FleetConfig build() {
            List<DeviceSpec> all = new ArrayList<>(devices);
            List<Behaviour> knobs = new ArrayList<>();
            deviceBehaviours.forEach(b -> knobs.add(b == null ? behaviour : b));
            for (int k = 0; k < populations.size(); k++) {
                Population p = populations.get(k);
                // the first population uses the fleet seed itself; later ones a seed of their own, so serials differ
                List<DeviceSpec> made = p.devices(k == 0 ? seed : Population.mix(seed, "cohort/" + k));
                all.addAll(made);
                made.forEach(d -> knobs.add(p.behaviour()));
            }
            return new FleetConfig(cloudConfigUrl, appleDeviceCa, all, seed, clock, concurrency, listener,
                    httpTimeout, idlePollInterval, maxIdlePolls, maxCommands, trustAnchors, keySource, language,
                    knobs, apnsUrl, lifetime, checkinInterval, tokenUpdateInterval, traces, maxConnections,
                    enrollmentProfile, arrivals, timeouts);
        }
    }
}
