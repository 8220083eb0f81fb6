package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.ErrorMapper;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The reference MDM server: ADE enrollment, SCEP, check-in, commands, DEP token sync and a JSON admin API on one
 * listener (CONTRACT.md B). {@code MdmServer.start(config)}; {@link #close()} stops it.
 */
public final class MdmServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MdmServer.class.getName());

    private final MdmConfig config;
    private final HttpServer http;
    private final DepTokenService dep;
    private final X509Certificate scepCaCertificate;
    private final URI publicBaseUrl;

    private MdmServer(MdmConfig config, HttpServer http, DepTokenService dep, X509Certificate scepCaCertificate,
            URI publicBaseUrl) {
        this.config = config;
        this.http = http;
        this.dep = dep;
        this.scepCaCertificate = scepCaCertificate;
        this.publicBaseUrl = publicBaseUrl;
    }

    public static MdmServer start(MdmConfig config) {
        requireNonNull(config, "config");
        SimClock clock = config.clock();
        Instant now = clock.now();
        Ids ids = new Ids(config.seed());

        CertificateAuthority scepCa = config.scepCa() != null
                ? CertificateAuthority.of(config.scepCa())
                : CertificateAuthority.selfSignedRoot("mdmsim SCEP CA", now.minus(Duration.ofHours(1)),
                        Duration.ofDays(3650));
        // The key pair whose certificate an ABM admin uploads; tokens come back encrypted to it.
        KeyPair depKeys = KeyPairs.rsa2048();
        Identity depKey = new Identity(Certificates.selfSigned(depKeys, "CN=" + config.organization() + " MDM DEP token",
                now.minus(Duration.ofHours(1)), Duration.ofDays(3 * 365)), depKeys.getPrivate());

        BaseUrl base = new BaseUrl(config.publicBaseUrl());
        ChallengeStore challenges = new ChallengeStore(clock::now, ids.fork(), config.challengeTtl());
        IdentityBindings bindings = new IdentityBindings();
        DeviceRegistry registry = new DeviceRegistry();
        ReferenceMdmService reference = new ReferenceMdmService(registry, clock, ids);
        MdmService service = new CertAuthMdmService(reference, bindings);
        EnrollmentService enrollment = new EnrollmentService(clock, config.trustedDeviceCas(), scepCa.certificate(),
                challenges, ids, base, config.topic(), config.organization());
        ScepService scep = new ScepService(scepCa, challenges, bindings, clock, config.identityValidity());
        MdmIdentityVerifier identities = new MdmIdentityVerifier(scepCa.certificate(), clock);
        DepTokenService dep = new DepTokenService(depKey, clock, ids, config.depBaseUrl(), base, config.organization(),
                config.depSyncInterval());

        Router.Builder routes = Router.builder();
        new MdmHttp(enrollment, scep, service, identities).addRoutes(routes);
        new AdminApi(dep, reference, registry, clock).addRoutes(routes);
        ErrorMapper errors = ErrorMapper.defaults().toBuilder()
                .badRequest(BadInputException.class)
                .map(UnrecognizedDeviceException.class, e -> MdmHttp.unrecognized(e.getMessage(), null))
                .build();

        HttpServer http = HttpServer.builder()
                .name("mdm")
                .host(config.host())
                .port(config.port())
                .maxBodyBytes(config.maxBodyBytes())
                .errorMapper(errors)
                .router(routes.build())
                .build();
        try {
            http.start();
        } catch (RuntimeException e) {
            dep.close();
            throw e;
        }
        URI publicBase = base.bind(http.baseUri());
        if (config.trustedDeviceCas().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no trusted device CA configured: every ADE enrollment (POST /mdm/enroll)"
                    + " will be refused");
        }
        LOG.log(System.Logger.Level.INFO, "MDM server on {0} (public {1}, topic {2}, clock {3})", http.baseUri(),
                publicBase, config.topic(), clock.describe());
        return new MdmServer(config, http, dep, scepCa.certificate(), publicBase);
    }

    /** The listener, e.g. {@code http://127.0.0.1:54321}. */
    public URI baseUri() {
        return http.baseUri();
    }

    /** The base URL written into profiles: {@link MdmConfig#publicBaseUrl()} or {@link #baseUri()}. */
    public URI publicBaseUrl() {
        return publicBaseUrl;
    }

    /** The CA certificate device identities chain to (what GetCACert serves). */
    public X509Certificate scepCaCertificate() {
        return scepCaCertificate;
    }

    public MdmConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            http.close();
        } finally {
            dep.close();
        }
    }

    /** The public base URL, known once the listener is bound when the configuration does not fix it. */
    private static final class BaseUrl implements java.util.function.Supplier<URI> {
        private volatile URI uri;

        BaseUrl(URI configured) {
            this.uri = configured;
        }

        URI bind(URI listener) {
            if (uri == null) {
                uri = listener;
            }
            return uri;
        }

        @Override
        public URI get() {
            URI u = uri;
            if (u == null) {
                throw new IllegalStateException("public base URL not known before the listener is bound");
            }
            return u;
        }
    }
}
