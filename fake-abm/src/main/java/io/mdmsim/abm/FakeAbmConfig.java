package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.inventory.InventoryGenerator;
import io.mdmsim.abm.settings.AbmSettings;
import io.mdmsim.core.http.AdminSettings;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;

/**
 * Everything a fake ABM needs, fixed at start. Build with {@link #builder()}; only {@code appleDeviceCa} has no
 * default.
 *
 * @param host              interface to bind; loopback by default
 * @param port              0 picks a free port ({@link FakeAbmServer#baseUri()} tells which)
 * @param tls               the listener's TLS identity, or null for plain HTTP
 * @param seed              inventory, token keys, UUIDs and session tokens are drawn from it
 * @param deviceCount       devices in the organization's inventory
 * @param inventoryAsOf     the inventory's "today": purchase dates and OS versions are no later than this
 * @param clock             all protocol time (token expiry, OAuth timestamps, sessions, cursors, pace)
 * @param appleDeviceCa     the fake Apple device CA; cloud-configuration requests must be signed by a device
 *                          certificate chaining to it
 * @param organization      the ABM organization (account details and the cloud configuration's Organization* keys)
 * @param devicesPerMinute  pace at which assigned devices become visible to fetch and sync; 0 = at once
 * @param sessionTtl        lifetime of a DEP auth session token
 * @param oauthWindow       how far an OAuth timestamp may be from the clock
 * @param cursorTtl         age after which a DEP cursor is EXPIRED_CURSOR
 * @param fetchLimitDefault {@code limit} of fetch and sync when the request has none (also advertised in /account)
 * @param fetchLimitMax     larger requested limits are clamped to this (also advertised in /account)
 * @param errorBodyStyle    how DEP error codes are written
 * @param dataDir           where state is kept across restarts (an SQLite database {@code abm.db}); null = memory only
 * @param sessionRotateEvery every n-th call of a DEP session answers with a new {@code X-ADM-Auth-Session} and
 *                          retires the old one; 0 = never
 * @param requestsPerSecond DEP requests a second per MDM server before 429 + Retry-After; 0 = no limit
 * @param assignCooldown    a serial whose profile was assigned less than this ago is THROTTLED (protocol 9+); 0 = never
 * @param maxDepBodyBytes   larger DEP request bodies are refused with 413
 * @param apns              the fake APNs listener started next to the ABM one ({@link FakeAbmServer#apnsUri()})
 * @param admin             how the admin API is protected: bearer token, extra Host names, token file
 */
public record FakeAbmConfig(String host, int port, Identity tls, long seed, int deviceCount, LocalDate inventoryAsOf,
        SimClock clock, X509Certificate appleDeviceCa, Organization organization, int devicesPerMinute,
        Duration sessionTtl, Duration oauthWindow, Duration cursorTtl, int fetchLimitDefault, int fetchLimitMax,
        ErrorBodyStyle errorBodyStyle, Path dataDir, int sessionRotateEvery, double requestsPerSecond,
        Duration assignCooldown, int maxDepBodyBytes, ApnsConfig apns, AdminSettings admin) {

    /**
     * How DEP errors are written (Apple does not document the body; docs/fake-abm.md "The Device Assignment (DEP)
     * API"); clients should substring-match.
     */
    public enum ErrorBodyStyle {
        /** {@code INVALID_CURSOR}, as Apple sends it. */
        BARE,
        /** {@code "INVALID_CURSOR"}, as depsim sends it. */
        JSON_STRING,
        /** {@code {"code":"INVALID_CURSOR"}}, as some mocks do. */
        JSON_OBJECT
    }

    /**
     * The ABM organization. {@code orgType} is "edu" or "org"; {@code orgVersion} "v1" (ABM) or "v2" (ASM).
     * {@code adminId} is the Apple Account shown as having generated the tokens.
     */
    public record Organization(String name, String email, String phone, String addressLine1, String city, String region,
            String zipCode, String country, String orgId, String orgType, String orgVersion, String adminId) {

        public Organization {
            requireNonNull(name, "name");
            requireNonNull(email, "email");
            requireNonNull(phone, "phone");
            requireNonNull(addressLine1, "addressLine1");
            requireNonNull(city, "city");
            requireNonNull(region, "region");
            requireNonNull(zipCode, "zipCode");
            requireNonNull(country, "country");
            requireNonNull(orgId, "orgId");
            requireNonNull(adminId, "adminId");
            if (!"org".equals(orgType) && !"edu".equals(orgType)) {
                throw new IllegalArgumentException("orgType: " + orgType + " (expected: org or edu)");
            }
            if (!"v1".equals(orgVersion) && !"v2".equals(orgVersion)) {
                throw new IllegalArgumentException("orgVersion: " + orgVersion + " (expected: v1 or v2)");
            }
        }

        public static Organization example() {
            return new Organization("Mdmsim Example Inc.", "it@mdmsim.example", "+1 408 555 0100", "100 Example Way",
                    "Springfield", "IL", "62701", "US", "1000001", "org", "v1", "admin@mdmsim.example");
        }

        public Organization withName(String newName) {
            return new Organization(newName, email, phone, addressLine1, city, region, zipCode, country, orgId, orgType,
                    orgVersion, adminId);
        }

        /** One line, as DEP's {@code org_address}. */
        public String address() {
            return addressLine1 + ", " + city + ", " + region + " " + zipCode + ", " + country;
        }
    }

    public FakeAbmConfig {
        requireNonNull(host, "host");
        requireNonNull(inventoryAsOf, "inventoryAsOf");
        requireNonNull(clock, "clock");
        requireNonNull(appleDeviceCa, "appleDeviceCa (the fake Apple device CA; cloud-configuration requests are verified against it)");
        requireNonNull(organization, "organization");
        requireNonNull(sessionTtl, "sessionTtl");
        requireNonNull(oauthWindow, "oauthWindow");
        requireNonNull(cursorTtl, "cursorTtl");
        requireNonNull(admin, "admin");
        requireNonNull(errorBodyStyle, "errorBodyStyle");
        requireNonNull(assignCooldown, "assignCooldown");
        checkDepSettings(errorBodyStyle, sessionTtl, sessionRotateEvery, requestsPerSecond, assignCooldown,
                maxDepBodyBytes);
        requireNonNull(apns, "apns");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (deviceCount < 0) {
            throw new IllegalArgumentException("deviceCount: " + deviceCount + " (expected: >= 0)");
        }
        if (devicesPerMinute < 0) {
            throw new IllegalArgumentException("devicesPerMinute: " + devicesPerMinute + " (expected: >= 0, 0 = unlimited)");
        }
        positive("sessionTtl", sessionTtl);
        positive("oauthWindow", oauthWindow);
        positive("cursorTtl", cursorTtl);
        if (fetchLimitMax < 1) {
            throw new IllegalArgumentException("fetchLimitMax: " + fetchLimitMax + " (expected: >= 1)");
        }
        if (fetchLimitDefault < 1 || fetchLimitDefault > fetchLimitMax) {
            throw new IllegalArgumentException("fetchLimitDefault: " + fetchLimitDefault + " (expected: 1.." + fetchLimitMax + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void positive(String name, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    /**
     * Checks the DEP settings a test may also change at run time ({@code PUT /admin/settings}); the message says
     * which value is wrong and what is expected.
     */
    public static void checkDepSettings(ErrorBodyStyle errorBodyStyle, Duration sessionTtl, int sessionRotateEvery,
            double requestsPerSecond, Duration assignCooldown, int maxDepBodyBytes) {
        requireNonNull(errorBodyStyle, "errorBodyStyle");
        requireNonNull(sessionTtl, "sessionTtl");
        requireNonNull(assignCooldown, "assignCooldown");
        if (sessionTtl.isZero() || sessionTtl.isNegative()) {
            throw new IllegalArgumentException("sessionTtl: " + sessionTtl + " (expected: > 0)");
        }
        if (sessionRotateEvery < 0) {
            throw new IllegalArgumentException("sessionRotateEvery: " + sessionRotateEvery + " (expected: >= 0, 0 = never)");
        }
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond: " + requestsPerSecond + " (expected: >= 0, 0 = no limit)");
        }
        if (assignCooldown.isNegative()) {
            throw new IllegalArgumentException("assignCooldown: " + assignCooldown + " (expected: >= 0, 0 = never THROTTLED)");
        }
        if (maxDepBodyBytes < 1) {
            throw new IllegalArgumentException("maxDepBodyBytes: " + maxDepBodyBytes + " (expected: >= 1)");
        }
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Identity tls;
        private long seed = 1;
        private int deviceCount = 100;
        private LocalDate inventoryAsOf = InventoryGenerator.DEFAULT_AS_OF;
        private SimClock clock = SimClock.system();
        private X509Certificate appleDeviceCa;
        private Organization organization = Organization.example();
        private int devicesPerMinute = 3000;
        private Duration sessionTtl = Duration.ofMinutes(30);
        private Duration oauthWindow = Duration.ofMinutes(5);
        private Duration cursorTtl = Duration.ofDays(7);
        private int fetchLimitDefault = 100;
        private int fetchLimitMax = 1000;
        private ErrorBodyStyle errorBodyStyle = ErrorBodyStyle.BARE;
        private Path dataDir;
        private int sessionRotateEvery;
        private double requestsPerSecond;
        private Duration assignCooldown = Duration.ZERO;
        private int maxDepBodyBytes = 1024 * 1024;
        private ApnsConfig apns = ApnsConfig.defaults();
        private AdminSettings admin = AdminSettings.DEFAULT;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tls(Identity tls) {
            this.tls = tls;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder deviceCount(int deviceCount) {
            this.deviceCount = deviceCount;
            return this;
        }

        public Builder inventoryAsOf(LocalDate inventoryAsOf) {
            this.inventoryAsOf = requireNonNull(inventoryAsOf, "inventoryAsOf");
            return this;
        }

        public Builder clock(SimClock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public Builder appleDeviceCa(X509Certificate appleDeviceCa) {
            this.appleDeviceCa = requireNonNull(appleDeviceCa, "appleDeviceCa");
            return this;
        }

        public Builder organization(Organization organization) {
            this.organization = requireNonNull(organization, "organization");
            return this;
        }

        /** Shortcut for an example organization with this name. */
        public Builder orgName(String orgName) {
            this.organization = organization.withName(requireNonNull(orgName, "orgName"));
            return this;
        }

        public Builder devicesPerMinute(int devicesPerMinute) {
            this.devicesPerMinute = devicesPerMinute;
            return this;
        }

        public Builder sessionTtl(Duration sessionTtl) {
            this.sessionTtl = requireNonNull(sessionTtl, "sessionTtl");
            return this;
        }

        public Builder oauthWindow(Duration oauthWindow) {
            this.oauthWindow = requireNonNull(oauthWindow, "oauthWindow");
            return this;
        }

        public Builder cursorTtl(Duration cursorTtl) {
            this.cursorTtl = requireNonNull(cursorTtl, "cursorTtl");
            return this;
        }

        public Builder fetchLimit(int defaultLimit, int maxLimit) {
            this.fetchLimitDefault = defaultLimit;
            this.fetchLimitMax = maxLimit;
            return this;
        }

        public Builder errorBodyStyle(ErrorBodyStyle errorBodyStyle) {
            this.errorBodyStyle = requireNonNull(errorBodyStyle, "errorBodyStyle");
            return this;
        }

        /** Keep state in an SQLite database in this directory (created if missing); null = memory only. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder sessionRotateEvery(int sessionRotateEvery) {
            this.sessionRotateEvery = sessionRotateEvery;
            return this;
        }

        public Builder requestsPerSecond(double requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        public Builder assignCooldown(Duration assignCooldown) {
            this.assignCooldown = requireNonNull(assignCooldown, "assignCooldown");
            return this;
        }

        public Builder maxDepBodyBytes(int maxDepBodyBytes) {
            this.maxDepBodyBytes = maxDepBodyBytes;
            return this;
        }

        /** The fake APNs listener's settings (default {@link ApnsConfig#defaults()}: TLS on a free port). */
        public Builder apns(ApnsConfig apns) {
            this.apns = requireNonNull(apns, "apns");
            return this;
        }

        /** TLS identity of the fake APNs listener (typically {@code SimPki.tlsServer()}, trusted through the root). */
        public Builder apnsTls(Identity apnsTls) {
            this.apns = apns.toBuilder().tls(apnsTls).build();
            return this;
        }

        /** Port of the fake APNs listener; 0 (the default) picks a free one. */
        public Builder apnsPort(int apnsPort) {
            this.apns = apns.withPort(apnsPort);
            return this;
        }

        public FakeAbmConfig build() {
            return new FakeAbmConfig(host, port, tls, seed, deviceCount, inventoryAsOf, clock, appleDeviceCa,
                    organization, devicesPerMinute, sessionTtl, oauthWindow, cursorTtl, fetchLimitDefault,
                    fetchLimitMax, errorBodyStyle, dataDir, sessionRotateEvery, requestsPerSecond, assignCooldown,
                    maxDepBodyBytes, apns, admin);
        }

        /** The admin API's bearer token (at least 16 characters); by default a new random one at each start. */
        public Builder adminToken(String token) {
            this.admin = admin.withToken(token);
            return this;
        }

        /** Host names the admin API accepts besides the loopback ones (default: none). */
        public Builder adminAllowedHosts(java.util.List<String> hosts) {
            this.admin = admin.withAllowedHosts(hosts);
            return this;
        }

        /** Writes the admin token there (0600) at start; default: no file. */
        public Builder adminTokenFile(Path file) {
            this.admin = admin.withTokenFile(file);
            return this;
        }
    }
}
