package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.apns.ApnsService;
import io.mdmsim.abm.apns.ApnsTls;
import io.mdmsim.abm.apns.DeviceSignature;
import io.mdmsim.abm.http.ApnsHandlers;
import io.mdmsim.core.http.AdminAccess;
import io.mdmsim.core.http.Handler;
import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import java.net.URI;
import java.security.cert.X509Certificate;

/**
 * The fake Apple side: on one listener the DEP API (Apple's "Device assignment"), the device-facing cloud configuration
 * (docs/fake-abm.md) and the ABM admin API (docs/fake-abm.md); on a second one the fake APNs (docs/fake-abm.md
 * "Fake APNs").
 *
 * <pre>{@code
 * try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().appleDeviceCa(ca).build())) {
 *     URI base = abm.baseUri();
 *     URI push = abm.apnsUri();
 * }
 * }</pre>
 */
public final class FakeAbmServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FakeAbmServer.class.getName());

    /** Device-side requests carry token lists (10,000 tokens is about 700 KB); provider payloads stop at 4 KB. */
    private static final int APNS_MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final FakeAbmConfig config;
    private final HttpServer http;
    private final AbmApp app;
    private final Apns apns;
    private final String adminToken;

    /** The fake APNs part: its service, listener and TLS trust anchor (null for plain HTTP). */
    private record Apns(ApnsService service, HttpServer http, X509Certificate trustAnchor) {
    }

    private FakeAbmServer(FakeAbmConfig config, HttpServer http, AbmApp app, Apns apns, String adminToken) {
        this.config = config;
        this.adminToken = adminToken;
        this.http = http;
        this.app = app;
        this.apns = apns;
    }

    /**
     * Generates the inventory from the seed (or, with a data directory that holds state, restores it) and starts
     * listening, the fake APNs too.
     */
    public static FakeAbmServer start(FakeAbmConfig config) {
        requireNonNull(config, "config");
        AbmApp app = AbmApp.open(config);
        ApnsService apnsService = new ApnsService(config.apns(), config.clock(), config.seed());
        HttpServer server = null;
        Apns apns = null;
        AdminAccess access = config.admin().access();
        try {
            URI[] base = new URI[1];
            Router.Builder router = Router.builder();
            app.addRoutes(router, () -> base[0]);
            ApnsHandlers apnsHandlers = new ApnsHandlers(apnsService,
                    new DeviceSignature(config.appleDeviceCa(), config.clock()));
            apnsHandlers.addAdminRoutes(router);
            HttpServer.Builder http = HttpServer.builder().name("fake-abm").host(config.host()).port(config.port())
                    .maxBodyBytes(AbmApp.MAX_BODY_BYTES).handler(access.protect(router.build()));
            if (config.tls() != null) {
                http.tls(config.tls());
            }
            server = http.start();
            base[0] = server.baseUri();
            apns = startApns(config, apnsService, access.protect(apnsHandlers.handler()));
            access.writeTokenFile(config.admin());
            LOG.log(System.Logger.Level.INFO, "fake ABM on {0}: {1} devices (seed {2}), clock {3}; fake APNs on {4}",
                    server.baseUri(), app.inventorySize(), config.seed(), config.clock().describe(),
                    apns.http().baseUri());
            return new FakeAbmServer(config, server, app, apns, access.token());
        } catch (RuntimeException e) {
            if (apns != null) {
                apns.http().close();
            }
            if (server != null) {
                server.close();
            }
            apnsService.close();
            app.close();
            throw e;
        }
    }

    private static Apns startApns(FakeAbmConfig config, ApnsService service, Handler handler) {
        ApnsConfig ac = config.apns();
        HttpServer.Builder b = HttpServer.builder().name("fake-apns").host(config.host()).port(ac.port())
                .maxBodyBytes(APNS_MAX_BODY_BYTES).handler(handler);
        ApnsTls tls = null;
        if (!ac.plainHttp()) {
            tls = ac.tls() != null ? ApnsTls.of(ac.tls())
                    : config.tls() != null ? ApnsTls.of(config.tls()) : ApnsTls.ephemeral();
            b.tls(tls.identity()).requestClientCertificates(true);
        }
        try {
            return new Apns(service, b.start(), tls == null ? null : tls.trustAnchor());
        } catch (RuntimeException e) {
            throw new IllegalStateException("fake APNs: " + e.getMessage(), e);
        }
    }

    /**
     * The bearer token of the admin API on both listeners ({@code Authorization: Bearer <token>} on every
     * {@code /admin} request): {@link FakeAbmConfig#admin()}'s, or the one generated at start.
     */
    public String adminToken() {
        return adminToken;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:53124}; DEP paths, /cloudconfig and /admin hang off it. */
    public URI baseUri() {
        return http.baseUri();
    }

    /**
     * Where the fake APNs listens, e.g. {@code https://127.0.0.1:53125}: the provider API ({@code POST
     * /3/device/<token>}, HTTP/2 or HTTP/1.1), the device side ({@code /apns/v1/...}) and {@code /admin/apns/...}.
     */
    public URI apnsUri() {
        return apns.http().baseUri();
    }

    /** The certificate an APNs client must trust (the root of the APNs TLS identity), or null for plain HTTP. */
    public X509Certificate apnsTrustAnchor() {
        return apns.trustAnchor();
    }

    public FakeAbmConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            apns.http().close();
            apns.service().close();
            http.close();
        } finally {
            app.close();
        }
    }
}
