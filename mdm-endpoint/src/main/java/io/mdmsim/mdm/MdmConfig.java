package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Everything {@link MdmServer#start(MdmConfig)} needs, frozen. Build with {@link #builder()}.
 *
 * @param host where to listen (loopback by default)
 * @param port 0 picks a free port; {@link MdmServer#baseUri()} reports it
 * @param clock every protocol time rule reads it (challenge lifetime, certificate validity, DEP OAuth timestamps)
 * @param scepCa the CA that issues device identities over SCEP and that Mdm-Signature signers must chain to;
 *     null creates a fresh self-signed one at start
 * @param trustedDeviceCas the CAs a MachineInfo signer must chain to (the fake Apple device CA); empty refuses every
 *     ADE enrollment (OTA enrollment with GET /mdm/enroll still works)
 * @param publicBaseUrl the base URL written into profiles (ServerURL, CheckInURL, SCEP URL, DEP profile url);
 *     null means the bound listener's URI
 * @param depBaseUrl where uploaded DEP tokens sync from unless the upload names another
 * @param topic the APNs topic of the MDM payload; must start with "com.apple.mgmt."
 * @param seed seeds every random choice (challenges, UUIDs, OAuth nonces)
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param organization PayloadOrganization and DEP profile department
 * @param challengeTtl how long a SCEP challenge stays valid (15 minutes, DESIGN.md "Time")
 * @param identityValidity validity of certificates issued over SCEP
 * @param depSyncInterval simulated time between delta syncs of each DEP token after its first full fetch (devices
 *     assigned in ABM appear at Apple's pace, so they arrive over several syncs)
 */
public record MdmConfig(String host, int port, SimClock clock, Identity scepCa, List<X509Certificate> trustedDeviceCas,
        URI publicBaseUrl, URI depBaseUrl, String topic, long seed, int maxBodyBytes, String organization,
        Duration challengeTtl, Duration identityValidity, Duration depSyncInterval) {

    public static final URI APPLE_DEP_URL = URI.create("https://mdmenrollment.apple.com");
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

    public MdmConfig {
        requireNonNull(host, "host");
        requireNonNull(clock, "clock");
        trustedDeviceCas = List.copyOf(requireNonNull(trustedDeviceCas, "trustedDeviceCas"));
        requireNonNull(depBaseUrl, "depBaseUrl");
        requireNonNull(topic, "topic");
        requireNonNull(organization, "organization");
        requireNonNull(challengeTtl, "challengeTtl");
        requireNonNull(identityValidity, "identityValidity");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (!topic.startsWith("com.apple.mgmt.")) {
            throw new IllegalArgumentException("topic: " + topic + " (expected: to start with com.apple.mgmt.)");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1024)");
        }
        if (challengeTtl.isNegative() || challengeTtl.isZero()) {
            throw new IllegalArgumentException("challengeTtl: " + challengeTtl + " (expected: > 0)");
        }
        requireNonNull(depSyncInterval, "depSyncInterval");
        if (depSyncInterval.isNegative() || depSyncInterval.isZero()) {
            throw new IllegalArgumentException("depSyncInterval: " + depSyncInterval + " (expected: > 0)");
        }
        if (identityValidity.isNegative() || identityValidity.isZero()) {
            throw new IllegalArgumentException("identityValidity: " + identityValidity + " (expected: > 0)");
        }
        if (publicBaseUrl != null && publicBaseUrl.getPath() != null && publicBaseUrl.getPath().endsWith("/")) {
            String s = publicBaseUrl.toString();
            publicBaseUrl = URI.create(s.substring(0, s.length() - 1));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private SimClock clock = SimClock.system();
        private Identity scepCa;
        private List<X509Certificate> trustedDeviceCas = List.of();
        private URI publicBaseUrl;
        private URI depBaseUrl = APPLE_DEP_URL;
        private String topic;
        private long seed = 1;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private String organization = "mdmsim";
        private Duration challengeTtl = Duration.ofMinutes(15);
        private Duration identityValidity = Duration.ofDays(365);
        private Duration depSyncInterval = Duration.ofSeconds(15);

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

        public MdmConfig build() {
            String t = topic;
            if (t == null) {
                Random r = new Random(seed);
                t = "com.apple.mgmt.External." + new UUID(r.nextLong(), r.nextLong());
            }
            return new MdmConfig(host, port, clock, scepCa, trustedDeviceCas, publicBaseUrl, depBaseUrl, t, seed,
                    maxBodyBytes, organization, challengeTtl, identityValidity, depSyncInterval);
        }
    }
}
