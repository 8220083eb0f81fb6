package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.AdminAccess;
import io.mdmsim.core.http.ErrorMapper;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.security.Secrets;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.declarative.DeclarationStore;
import io.mdmsim.mdm.dep.DepTokenService;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.enroll.ChallengeStore;
import io.mdmsim.mdm.enroll.EnrollmentService;
import io.mdmsim.mdm.enroll.IdentityBindings;
import io.mdmsim.mdm.enroll.ScepService;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.events.Webhook;
import io.mdmsim.mdm.http.AdminApi;
import io.mdmsim.mdm.http.CompanyPortalSignIn;
import io.mdmsim.mdm.http.LifecycleApi;
import io.mdmsim.mdm.http.MdmHttp;
import io.mdmsim.mdm.http.MdmIdentityVerifier;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.policy.LicenseGate;
import io.mdmsim.mdm.push.PushService;
import io.mdmsim.mdm.reference.CompanyPortalService;
import io.mdmsim.mdm.reference.DeviceLifecycle;
import io.mdmsim.mdm.reference.ReferenceMdmService;
import io.mdmsim.mdm.service.CertAuthMdmService;
import io.mdmsim.mdm.service.EventingMdmService;
import io.mdmsim.mdm.service.MdmService;
import io.mdmsim.mdm.service.PolicyMdmService;
import io.mdmsim.mdm.service.UnrecognizedDeviceException;
import io.mdmsim.mdm.store.MdmStore;
import io.mdmsim.mdm.store.StoredIdentities;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference MDM server: ADE enrollment, SCEP, check-in, commands, push, DEP token sync and a JSON admin API, on
 * an HTTP listener and optionally an HTTPS one serving the same routes (docs/DESIGN.md "Wire contracts between the parts"). {@code
 * MdmServer.start(config)}; {@link #close()} stops it.
 */
public final class MdmServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MdmServer.class.getName());
    /** Meta key: how often a server started on this state. */
    private static final String STARTS = "starts";
    /** Meta key: the highest event number reserved; a restarted server numbers its events after it. */
    private static final String EVENTS_RESERVED = "events_reserved";
    private static final long EVENT_SEQ_BLOCK = 100_000;

    private final MdmConfig config;
    private final HttpServer http;
    private final HttpServer https;
    private final List<AutoCloseable> services;
    private final X509Certificate scepCaCertificate;
    private final URI publicBaseUrl;
    private final String stateLocation;
    private final String adminToken;

    private MdmServer(MdmConfig config, HttpServer http, HttpServer https, List<AutoCloseable> services,
            X509Certificate scepCaCertificate, URI publicBaseUrl, String stateLocation, String adminToken) {
        this.stateLocation = stateLocation;
        this.config = config;
        this.http = http;
        this.https = https;
        this.services = services;
        this.scepCaCertificate = scepCaCertificate;
        this.publicBaseUrl = publicBaseUrl;
        this.adminToken = adminToken;
    }

    public static MdmServer start(MdmConfig config) {
        requireNonNull(config, "config");
        MdmStore store = config.dataDir() == null ? MdmStore.inMemory() : MdmStore.open(config.dataDir());
        try {
            return start(config, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static MdmServer start(MdmConfig config, MdmStore store) {
        SimClock clock = config.clock();
        Instant now = clock.now();
        // each start on the same data draws its own identifiers: same seed and same restarts, same identifiers
        long starts = store.meta().get(STARTS).map(Long::parseLong).orElse(0L);
        store.meta().put(STARTS, Long.toString(starts + 1));
        Ids ids = new Ids(config.seed() + starts * 0x9E3779B97F4A7C15L);

        CertificateAuthority scepCa = CertificateAuthority.of(config.scepCa() != null ? config.scepCa()
                : StoredIdentities.getOrCreate(store.meta(), "scep_ca", () -> CertificateAuthority.selfSignedRoot(
                        "mdmsim SCEP CA", now.minus(Duration.ofHours(1)), Duration.ofDays(3650)).identity()));
        Identity scepRa = config.scepRa()
                ? scepCa.issueClientIdentity("CN=" + config.organization() + " SCEP RA", now.minus(Duration.ofHours(1)),
                        Duration.ofDays(2 * 365))
                : null;
        // The key pair whose certificate an ABM admin uploads; tokens come back encrypted to it. Kept: a restarted
        // server decrypts the tokens of its MDM server in ABM with the same key.
        Identity depKey = StoredIdentities.getOrCreate(store.meta(), "dep_key", () -> {
            KeyPair depKeys = KeyPairs.rsa2048();
            return new Identity(Certificates.selfSigned(depKeys, "CN=" + config.organization() + " MDM DEP token",
                    now.minus(Duration.ofHours(1)), Duration.ofDays(3 * 365)), depKeys.getPrivate());
        });

        BaseUrl base = new BaseUrl(config.publicBaseUrl());
        EventLog events = new EventLog(clock, config.eventBufferSize());
        // event numbers go on after a restart: reserved in blocks, the highest kept for the next start
        events.continueAfter(store.meta().get(EVENTS_RESERVED).map(Long::parseLong).orElse(0L), EVENT_SEQ_BLOCK,
                upTo -> store.meta().put(EVENTS_RESERVED, Long.toString(upTo)));
        ChallengeStore challenges = new ChallengeStore(clock::now, Secrets.random(), config.challengeTtl(),
                store.challenges());
        IdentityBindings bindings = new IdentityBindings(store.bindings(), clock::now);
        DeviceRegistry registry = new DeviceRegistry(store.devices());
        ReferenceMdmService reference = new ReferenceMdmService(registry, clock, ids, config.userAuthentication(),
                new DeclarationStore(clock, store.declarations()));
        // Decorators, outermost first: every request is an event; identities are bound to enrollments.
        io.mdmsim.mdm.policy.PolicyService policy = new io.mdmsim.mdm.policy.PolicyService(clock, events::emit,
                Duration.ofSeconds(1), store.policy());
        MdmService service = new EventingMdmService(new CertAuthMdmService(new PolicyMdmService(reference, policy,
                config.errorBodyFormat()), bindings, registry, udid -> DeviceLifecycle.management(registry, udid)), events,
                registry,
                config.eventsIncludeSecrets());
        EnrollmentService enrollment = new EnrollmentService(config, root(scepCa.identity()), root(config.tlsIdentity()),
                challenges, ids, base, events);
        ScepService scep = new ScepService(scepCa, scepRa, config.scepPendingRounds(), challenges, bindings, clock,
                config.identityValidity(), events);
        MdmIdentityVerifier identities = new MdmIdentityVerifier(scepCa.certificate(), clock);
        List<AutoCloseable> services = new ArrayList<>();
        services.add(store); // closed last: the services' last writes reach it
        DepTokenService dep = new DepTokenService(depKey, clock, ids, config.depBaseUrl(), base, config.organization(),
                config.depSyncInterval(), events, store.dep());
        services.add(dep);
        reference.profileLookup(dep::profileFor);
        services.add(policy);
        policy.profileLookup(dep::profileFor);
        policy.allProfiles(dep::allProfiles);
        io.mdmsim.mdm.policy.JitRegistrationPolicy jit = new io.mdmsim.mdm.policy.JitRegistrationPolicy(clock);
        jit.allProfiles(dep::allProfiles);
        dep.profileRules(p -> {
            List<String> v = new ArrayList<>(policy.profileViolations(p));
            v.addAll(jit.profileViolations(p));
            return v;
        });
        enrollment.policy(policy);
        reference.onCheckedOut(policy::releaseDevice); // a retired device's licences are free again
        PushService pushes = new PushService(config, registry, events);
        services.add(pushes);
        // lifecycle: profile snapshots, wipe, retire, enrollment settings
        reference.profileRefLookup(dep::profileRefFor);
        reference.lifecycleEvents(events);
        DeviceLifecycle lifecycle = new DeviceLifecycle(registry, reference, pushes, events, clock)
                .profiles(dep::profileRefFor);
        CompanyPortalService portal = new CompanyPortalService(base, events, ids);
        reference.companyPortal(portal);
        LicenseGate licenses = policy; // docs/mdm-endpoint.md "Company Portal sign-in": the policy's user licences (LicenseGate.ALWAYS: none)
        if (config.webhookUrl() != null) {
            services.add(new Webhook(config.webhookUrl(), events));
        }

        Router.Builder routes = Router.builder();
        io.mdmsim.mdm.signin.SetupAssistantSignIn signIn = new io.mdmsim.mdm.signin.SetupAssistantSignIn(
                dep::profileFor, licenses, clock, config.organization());
        new MdmHttp(enrollment, scep, service, identities, config.errorBodyFormat(), events).signIn(signIn)
                .addRoutes(routes);
        List<String> depHosts = new ArrayList<>(config.allowedDepHosts());
        if (config.depBaseUrl() != null) {
            depHosts.add(config.depBaseUrl().getHost());
        }
        new AdminApi(dep, reference, registry, clock, pushes, events).signIn(signIn).allowDepHosts(depHosts)
                .addRoutes(routes);
        new io.mdmsim.mdm.http.PolicyAdminApi(new io.mdmsim.mdm.policy.PolicyAdmin(policy),
                new io.mdmsim.mdm.policy.VppTokenAdmin(policy)).addRoutes(routes);
        new LifecycleApi(dep, lifecycle).addRoutes(routes);
        new io.mdmsim.mdm.http.JitRegistrationApi(jit).addRoutes(routes);
        new CompanyPortalSignIn(registry, identities, bindings, portal, pushes, licenses, config.errorBodyFormat(),
                events, clock).lifecycle(lifecycle).addRoutes(routes);
        AdminAccess access = config.admin().access();
        Handler router = access.protect(routes.build());
        ErrorMapper errors = ErrorMapper.defaults().toBuilder()
                .map(UnrecognizedDeviceException.class,
                        e -> MdmHttp.unrecognized(e.getMessage(), null, config.errorBodyFormat()))
                .build();

        HttpServer http = null;
        HttpServer https = null;
        try {
            http = HttpServer.builder().name("mdm").host(config.host()).port(config.port())
                    .maxBodyBytes(config.maxBodyBytes()).errorMapper(errors).handler(router).build().start();
            if (config.https()) {
                https = HttpServer.builder().name("mdm-tls").host(config.host()).port(config.httpsPort())
                        .tls(config.tlsIdentity()).requestClientCertificates(config.requestClientCertificates())
                        .maxBodyBytes(config.maxBodyBytes()).errorMapper(errors).handler(router).build().start();
            }
            access.writeTokenFile(config.admin());
        } catch (RuntimeException e) {
            if (https != null) {
                https.close();
            }
            if (http != null) {
                http.close();
            }
            closeAll(services);
            throw e;
        }
        URI publicBase = base.bind(https != null ? https.baseUri() : http.baseUri());
        dep.resumeSyncs(); // tokens from the store sync again, now that profiles can carry the public URL
        if (config.trustedDeviceCas().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no trusted device CA configured: every ADE enrollment (POST /mdm/enroll)"
                    + " will be refused");
        }
        LOG.log(System.Logger.Level.INFO, "MDM server on {0}{1} (public {2}, topic {3}, clock {4}, APNs {5}, state"
                + " {6}, start {7})", http.baseUri(), https == null ? "" : " and " + https.baseUri(), publicBase,
                config.topic(), clock.describe(), config.apnsUrl() == null ? "off" : config.apnsUrl(),
                store.location(), starts + 1);
        return new MdmServer(config, http, https, services, scepCa.certificate(), publicBase, store.location(), access.token());
    }

    /** The root an identity chains to (the last certificate of its chain; itself when self-signed), null for none. */
    private static X509Certificate root(Identity identity) {
        if (identity == null) {
            return null;
        }
        return identity.certificateAndChain().getLast();
    }

    /**
     * The bearer token of the admin API ({@code Authorization: Bearer <token>} on every {@code /admin} request):
     * {@link MdmConfig#admin()}'s, or the one generated at start.
     */
    public String adminToken() {
        return adminToken;
    }

    /** The HTTP listener, e.g. {@code http://127.0.0.1:54321}. */
    public URI baseUri() {
        return http.baseUri();
    }

    /** The HTTPS listener, or null when the server has none. */
    public URI httpsUri() {
        return https == null ? null : https.baseUri();
    }

    /**
     * The base URL written into profiles: {@link MdmConfig#publicBaseUrl()}, else {@link #httpsUri()} when HTTPS is on,
     * else {@link #baseUri()}.
     */
    public URI publicBaseUrl() {
        return publicBaseUrl;
    }

    /** The CA certificate device identities chain to. */
    public X509Certificate scepCaCertificate() {
        return scepCaCertificate;
    }

    /** Where the state is kept: {@code memory}, or the database file in {@link MdmConfig#dataDir()}. */
    public String stateLocation() {
        return stateLocation;
    }

    public MdmConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            if (https != null) {
                https.close();
            }
            http.close();
        } finally {
            closeAll(services);
        }
    }

    private static void closeAll(List<AutoCloseable> services) {
        for (AutoCloseable s : services.reversed()) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + s + ": " + e.getMessage());
            }
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
