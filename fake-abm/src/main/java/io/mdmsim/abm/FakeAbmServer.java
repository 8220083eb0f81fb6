package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import java.net.URI;

/**
 * The fake Apple side of the walking skeleton on one listener: the DEP API (PROTOCOL.md §1), the device-facing cloud
 * configuration (§2) and the ABM admin API (CONTRACT.md B "fake-abm").
 *
 * <pre>{@code
 * try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().appleDeviceCa(ca).build())) {
 *     URI base = abm.baseUri();
 * }
 * }</pre>
 */
public final class FakeAbmServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FakeAbmServer.class.getName());

    private final FakeAbmConfig config;
    private final HttpServer http;
    private final AbmApp app;

    private FakeAbmServer(FakeAbmConfig config, HttpServer http, AbmApp app) {
        this.config = config;
        this.http = http;
        this.app = app;
    }

    /**
     * Generates the inventory from the seed (or, with a data directory that holds state, restores it) and starts
     * listening.
     */
    public static FakeAbmServer start(FakeAbmConfig config) {
        requireNonNull(config, "config");
        AbmApp app = AbmApp.open(config);
        try {
            URI[] base = new URI[1];
            Router.Builder router = Router.builder();
            app.addRoutes(router, () -> base[0]);
            HttpServer.Builder http = HttpServer.builder().name("fake-abm").host(config.host()).port(config.port())
                    .maxBodyBytes(AbmApp.MAX_BODY_BYTES).router(router.build());
            if (config.tls() != null) {
                http.tls(config.tls());
            }
            HttpServer server = http.start();
            base[0] = server.baseUri();
            LOG.log(System.Logger.Level.INFO, "fake ABM on {0}: {1} devices (seed {2}), clock {3}",
                    server.baseUri(), app.inventorySize(), config.seed(), config.clock().describe());
            return new FakeAbmServer(config, server, app);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:53124}; DEP paths, /cloudconfig and /admin hang off it. */
    public URI baseUri() {
        return http.baseUri();
    }

    public FakeAbmConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            http.close();
        } finally {
            app.close();
        }
    }
}
