package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.AdminSettings;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything {@link MdmServer#start(MdmConfig)} needs, frozen. Build with {@link #builder()}.
 *
 * @param host where to listen (loopback by default)
 * @param port the HTTP listener; 0 picks a free port; {@link MdmServer#baseUri()} reports it
 * @param clock every protocol time rule reads it (challenge lifetime, certificate validity, DEP OAuth timestamps,
 *     push retries)
 * @param scepCa the CA that issues device identities over SCEP and that Mdm-Signature signers must chain to;
 *     null creates a fresh self-signed one at start
 * @param trustedDeviceCas the CAs a MachineInfo signer must chain to (the fake Apple device CA); empty refuses every
 *     ADE enrollment (OTA enrollment with GET /mdm/enroll still works)
 * @param publicBaseUrl the base URL written into profiles (ServerURL, CheckInURL, SCEP URL, DEP profile url);
 *     null means the HTTPS listener's URI when there is one, else the HTTP listener's
 * @param depBaseUrl where uploaded DEP tokens sync from unless the upload names another; null (the default) means
 *     every upload must name its DEP API, so nothing is sent off the machine to an address nobody named
 * @param topic the APNs topic of the MDM payload; must start with "com.apple.mgmt."
 * @param seed seeds every random choice (challenges, UUIDs, OAuth nonces)
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param organization PayloadOrganization and DEP profile department
 * @param challengeTtl how long a SCEP challenge stays valid (15 minutes, docs/mdm-endpoint.md "Device endpoints")
 * @param identityValidity validity of certificates issued over SCEP
 * @param depSyncInterval simulated time between delta syncs of each DEP token after its first full fetch (default
 *     12 hours, the seeds')
 * @param tlsIdentity the certificate of a second, HTTPS listener (null: HTTP only); the enrollment profile then
 *     carries https URLs and a trust payload with the root this certificate chains to
 * @param httpsPort the HTTPS listener's port (0 picks a free one)
 * @param requestClientCertificates ask TLS clients for a certificate: a device identity presented there identifies
 *     a request that has no Mdm-Signature
 * @param signMessage the MDM payload's SignMessage (devices then sign every request with Mdm-Signature)
 * @param profileSigner signs the enrollment profile (CMS SignedData) when set; null serves it unsigned
 * @param minimumOsVersion enrollment of a device with an older OS_VERSION is refused (403
 *     com.apple.softwareupdate.required when its MachineInfo says it can update); null accepts any
 * @param minimumBuildVersion the BuildVersion named in that refusal (optional)
 * @param errorBodyFormat JSON or XML plist for the 403 bodies of ADM mdm/errors
 * @param scepRa GetCACert answers CA and RA (a degenerate PKCS#7, application/x-x509-ca-ra-cert) and the RA
 *     decrypts requests and signs replies
 * @param scepPendingRounds fault option: a good PKCSReq is answered PENDING this many times (the request and then
 *     CertPolls) before the certificate is issued; 0 issues at once
 * @param userAuthentication how a UserAuthenticate (macOS user channel) is answered
 * @param apnsUrl the APNs provider API base URL; null (the default) turns pushes off. Apple's APNs
 *     ({@link #APPLE_APNS_URL}, or its sandbox) needs {@code apnsClientIdentity}, the MDM push certificate
 * @param apnsTrustAnchors the roots an https APNs URL must chain to; empty means the JDK's default trust store
 * @param apnsClientIdentity the push certificate presented to APNs over TLS (the real APNs requires it); optional
 * @param apnsMaxAttempts how often a push is tried when APNs answers 429 or 5xx or cannot be reached
 * @param apnsRetryDelay the first retry delay (simulated time); it doubles on each retry, capped at 5 minutes
 * @param webhookUrl every event is also POSTed there as JSON when set
 * @param eventBufferSize how many recent events GET /admin/events keeps (a reader that falls further behind gets a
 *     "gap" event saying how many it missed)
 * @param admin how the admin API is protected: bearer token, extra Host names, token file
 * @param eventsIncludeSecrets keep PushMagic, push tokens and UnlockTokens in the events' raw payloads (default:
 *     they are left out, so that whoever reads the events cannot push to or unlock the devices)
 * @param allowedDepHosts hosts an uploaded token's DEP URL may name besides loopback ones and depBaseUrl's host
 * @param dataDir where the server keeps its state across restarts (SQLite {@code mdm.db}, a private directory); null
 *     keeps it in memory only
 */
public record MdmConfig(String host, int port, SimClock clock, Identity scepCa, List<X509Certificate> trustedDeviceCas,
        URI publicBaseUrl, URI depBaseUrl, String topic, long seed, int maxBodyBytes, String organization,
        Duration challengeTtl, Duration identityValidity, Duration depSyncInterval, Identity tlsIdentity,
        int httpsPort, boolean requestClientCertificates, boolean signMessage, Identity profileSigner,
        String minimumOsVersion, String minimumBuildVersion, ErrorBodyFormat errorBodyFormat, boolean scepRa,
        int scepPendingRounds, UserAuthentication userAuthentication, URI apnsUrl,
        List<X509Certificate> apnsTrustAnchors, Identity apnsClientIdentity, int apnsMaxAttempts,
        Duration apnsRetryDelay, URI webhookUrl, int eventBufferSize, Path dataDir, AdminSettings admin,
        boolean eventsIncludeSecrets, List<String> allowedDepHosts) {

    public static final URI APPLE_DEP_URL = URI.create("https://mdmenrollment.apple.com");
    public static final URI APPLE_APNS_URL = URI.create("https://api.push.apple.com");
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
    /** The most events kept (about 1 KiB each: a gigabyte). */
    public static final int MAX_EVENT_BUFFER = 1_000_000;
    /** The seeds: a delta sync every 12 hours. */
    public static final Duration DEFAULT_DEP_SYNC_INTERVAL = Duration.ofHours(12);
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    /** The Content-Type of the 403 bodies of ADM mdm/errors: Apple allows JSON or an XML plist. */
    public enum ErrorBodyFormat { JSON, PLIST }

    /** Answer to UserAuthenticate (nanomdm service/nanomdm/ua.go): decline the user channel, or run the digest exchange. */
    public enum UserAuthentication { DECLINE, DIGEST }

    public MdmConfig {
        requireNonNull(host, "host");
        requireNonNull(clock, "clock");
        trustedDeviceCas = List.copyOf(requireNonNull(trustedDeviceCas, "trustedDeviceCas"));
        requireNonNull(topic, "topic");
        requireNonNull(organization, "organization");
        requireNonNull(challengeTtl, "challengeTtl");
        requireNonNull(identityValidity, "identityValidity");
        requireNonNull(errorBodyFormat, "errorBodyFormat");
        requireNonNull(userAuthentication, "userAuthentication");
        apnsTrustAnchors = List.copyOf(requireNonNull(apnsTrustAnchors, "apnsTrustAnchors"));
        requireNonNull(apnsRetryDelay, "apnsRetryDelay");
        port("port", port);
        port("httpsPort", httpsPort);
        if (!topic.startsWith("com.apple.mgmt.")) {
            throw new IllegalArgumentException("topic: " + topic + " (expected: to start with com.apple.mgmt.)");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1024)");
        }
        positive("challengeTtl", challengeTtl);
        requireNonNull(depSyncInterval, "depSyncInterval");
        positive("depSyncInterval", depSyncInterval);
        positive("identityValidity", identityValidity);
        positive("apnsRetryDelay", apnsRetryDelay);
        if (requestClientCertificates && tlsIdentity == null) {
            throw new IllegalArgumentException("requestClientCertificates: true without tlsIdentity (expected: an"
                    + " HTTPS listener, client certificates travel over TLS)");
        }
        if (minimumOsVersion != null && !VERSION.matcher(minimumOsVersion).matches()) {
            throw new IllegalArgumentException("minimumOsVersion: " + minimumOsVersion + " (expected: a version such as 17.2)");
        }
        if (minimumBuildVersion != null && minimumOsVersion == null) {
            throw new IllegalArgumentException("minimumBuildVersion: " + minimumBuildVersion
                    + " without minimumOsVersion (expected: both, the build belongs to the OS version)");
        }
        if (scepPendingRounds < 0 || scepPendingRounds > 100) {
            throw new IllegalArgumentException("scepPendingRounds: " + scepPendingRounds + " (expected: 0..100)");
        }
        if (apnsMaxAttempts < 1 || apnsMaxAttempts > 20) {
            throw new IllegalArgumentException("apnsMaxAttempts: " + apnsMaxAttempts + " (expected: 1..20)");
        }
        if (eventBufferSize < 1 || eventBufferSize > MAX_EVENT_BUFFER) {
            throw new IllegalArgumentException("eventBufferSize: " + eventBufferSize + " (expected: 1.."
                    + MAX_EVENT_BUFFER + ")");
        }
        requireNonNull(admin, "admin");
        allowedDepHosts = List.copyOf(requireNonNull(allowedDepHosts, "allowedDepHosts"));
        apnsUrl = absoluteHttp("apnsUrl", apnsUrl);
        depBaseUrl = absoluteHttp("depBaseUrl", depBaseUrl);
        if (apnsUrl != null && isApple(apnsUrl) && apnsClientIdentity == null) {
            throw new IllegalArgumentException("apnsUrl: " + apnsUrl + " is Apple's APNs, which accepts only the MDM"
                    + " push certificate (expected: apnsClientIdentity, or the fake APNs' URL)");
        }
        webhookUrl = absoluteHttp("webhookUrl", webhookUrl);
        publicBaseUrl = absoluteHttp("publicBaseUrl", publicBaseUrl);
    }

    /** Whether {@code url} is Apple's host (api.push.apple.com, mdmenrollment.apple.com, ...). */
    public static boolean isApple(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(java.util.Locale.ROOT);
        return host.equals("apple.com") || host.endsWith(".apple.com");
    }

    /** Whether the server has an HTTPS listener. */
    public boolean https() {
        return tlsIdentity != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void port(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    /** Null stays null; a trailing slash is dropped; anything but an absolute http(s) URL is refused. */
    private static URI absoluteHttp(String name, URI uri) {
        if (uri == null) {
            return null;
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + ": " + uri + " (expected: an absolute http or https URL)");
        }
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private SimClock clock = SimClock.system();
        private Identity scepCa;
        private List<X509Certificate> trustedDeviceCas = List.of();
        private URI publicBaseUrl;
        private URI depBaseUrl;
        private String topic;
        private long seed = 1;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private String organization = "mdmsim";
        private Duration challengeTtl = Duration.ofMinutes(15);
        private Duration identityValidity = Duration.ofDays(365);
        private Duration depSyncInterval = DEFAULT_DEP_SYNC_INTERVAL;
        private Identity tlsIdentity;
        private int httpsPort;
        private boolean requestClientCertificates;
        private boolean signMessage = true;
        private Identity profileSigner;
        private String minimumOsVersion;
        private String minimumBuildVersion;
        private ErrorBodyFormat errorBodyFormat = ErrorBodyFormat.JSON;
        private boolean scepRa;
        private int scepPendingRounds;
        private UserAuthentication userAuthentication = UserAuthentication.DECLINE;
        private URI apnsUrl;
        private List<X509Certificate> apnsTrustAnchors = List.of();
        private Identity apnsClientIdentity;
        private int apnsMaxAttempts = 5;
        private Duration apnsRetryDelay = Duration.ofSeconds(1);
        private URI webhookUrl;
        private int eventBufferSize = 10_000;
        private Path dataDir;
        private AdminSettings admin = AdminSettings.DEFAULT;
        private boolean eventsIncludeSecrets;
        private List<String> allowedDepHosts = List.of();

        private Builder() {}

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder clock(SimClock clock) { this.clock = clock; return this; }
        public Builder scepCa(Identity scepCa) { this.scepCa = scepCa; return this; }
        public Builder trustedDeviceCas(List<X509Certificate> cas) { this.trustedDeviceCas = cas; return this; }
        public Builder trustedDeviceCa(X509Certificate ca) { this.trustedDeviceCas = List.of(ca); return this; }
        public Builder publicBaseUrl(URI url) { this.publicBaseUrl = url; return this; }
        public Builder depBaseUrl(URI url) { this.depBaseUrl = url; return this; }
        public Builder topic(String topic) { this.topic = topic; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder maxBodyBytes(int bytes) { this.maxBodyBytes = bytes; return this; }
        public Builder organization(String organization) { this.organization = organization; return this; }
        public Builder challengeTtl(Duration ttl) { this.challengeTtl = ttl; return this; }
        public Builder identityValidity(Duration validity) { this.identityValidity = validity; return this; }
        public Builder depSyncInterval(Duration interval) { this.depSyncInterval = interval; return this; }
        /** Adds an HTTPS listener with this certificate (e.g. {@code SimPki.tlsServer()}). */
        public Builder tls(Identity identity) { this.tlsIdentity = identity; return this; }
        public Builder httpsPort(int port) { this.httpsPort = port; return this; }
        public Builder requestClientCertificates(boolean request) { this.requestClientCertificates = request; return this; }
        public Builder signMessage(boolean sign) { this.signMessage = sign; return this; }
        public Builder profileSigner(Identity signer) { this.profileSigner = signer; return this; }
        public Builder minimumOsVersion(String version) { this.minimumOsVersion = version; return this; }
        public Builder minimumBuildVersion(String build) { this.minimumBuildVersion = build; return this; }
        public Builder errorBodyFormat(ErrorBodyFormat format) { this.errorBodyFormat = format; return this; }
        public Builder scepRa(boolean ra) { this.scepRa = ra; return this; }
        public Builder scepPendingRounds(int rounds) { this.scepPendingRounds = rounds; return this; }
        public Builder userAuthentication(UserAuthentication mode) { this.userAuthentication = mode; return this; }
        /** The APNs provider base URL; null turns pushes off. */
        public Builder apnsUrl(URI url) { this.apnsUrl = url; return this; }
        public Builder apnsTrustAnchors(List<X509Certificate> anchors) { this.apnsTrustAnchors = anchors; return this; }
        public Builder apnsClientIdentity(Identity identity) { this.apnsClientIdentity = identity; return this; }
        public Builder apnsMaxAttempts(int attempts) { this.apnsMaxAttempts = attempts; return this; }
        public Builder apnsRetryDelay(Duration delay) { this.apnsRetryDelay = delay; return this; }
        public Builder webhookUrl(URI url) { this.webhookUrl = url; return this; }
        public Builder eventBufferSize(int size) { this.eventBufferSize = size; return this; }
        /** Keeps the server's state in this directory (SQLite) across restarts; null: memory only. */
        public Builder dataDir(Path dir) { this.dataDir = dir; return this; }
        /** The admin API's bearer token (at least 16 characters); by default a new random one at each start. */
        public Builder adminToken(String token) { this.admin = admin.withToken(token); return this; }
        /** Host names the admin API accepts besides the loopback ones (default: none). */
        public Builder adminAllowedHosts(List<String> hosts) { this.admin = admin.withAllowedHosts(hosts); return this; }
        /** Writes the admin token there (0600) at start; default: no file. */
        public Builder adminTokenFile(java.nio.file.Path file) { this.admin = admin.withTokenFile(file); return this; }
        /** Keep PushMagic, push tokens and UnlockTokens in the events (default false). */
        public Builder eventsIncludeSecrets(boolean include) { this.eventsIncludeSecrets = include; return this; }
        /** Hosts an uploaded token's DEP URL may name besides loopback ones and the default DEP URL's host. */
        public Builder allowedDepHosts(List<String> hosts) { this.allowedDepHosts = hosts; return this; }

        public MdmConfig build() {
            String t = topic;
            if (t == null) {
                Random r = new Random(seed);
                t = "com.apple.mgmt.External." + new UUID(r.nextLong(), r.nextLong());
            }
            return new MdmConfig(host, port, clock, scepCa, trustedDeviceCas, publicBaseUrl, depBaseUrl, t, seed,
                    maxBodyBytes, organization, challengeTtl, identityValidity, depSyncInterval, tlsIdentity, httpsPort,
                    requestClientCertificates, signMessage, profileSigner, minimumOsVersion, minimumBuildVersion,
                    errorBodyFormat, scepRa, scepPendingRounds, userAuthentication, apnsUrl, apnsTrustAnchors,
                    apnsClientIdentity, apnsMaxAttempts, apnsRetryDelay, webhookUrl, eventBufferSize, dataDir, admin,
                    eventsIncludeSecrets, allowedDepHosts);
        }
    }
}
