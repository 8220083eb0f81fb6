package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.http.HttpServer;
import io.mdmsim.core.http.Router;
import java.net.URI;
import java.util.List;

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

    private FakeAbmServer(FakeAbmConfig config, HttpServer http) {
        this.config = config;
        this.http = http;
    }

    /** Generates the inventory from the seed and starts listening. */
    public static FakeAbmServer start(FakeAbmConfig config) {
        requireNonNull(config, "config");
        List<InventoryDevice> inventory = InventoryGenerator.generate(config.seed(), config.deviceCount(), config.inventoryAsOf());
        AbmState state = new AbmState(inventory, config.clock()::now, config.devicesPerMinute());
        SeededRandom random = new SeededRandom(config.seed());
        CursorCodec cursors = new CursorCodec(random.bytes(32));
        DepAuth auth = new DepAuth(state, random, config.oauthWindow(), config.sessionTtl());
        DepService dep = new DepService(config, state, auth, cursors, random);
        AdminService admin = new AdminService(config, state, random);
        CloudConfigService cloudConfig = new CloudConfigService(config, state);

        URI[] base = new URI[1];
        Router.Builder router = Router.builder();
        new DepHandlers(dep, config.errorBodyStyle(), () -> base[0]).addRoutes(router);
        new AdminHandlers(admin, cloudConfig).addRoutes(router);
        HttpServer.Builder http = HttpServer.builder().name("fake-abm").host(config.host()).port(config.port())
                .router(router.build());
        if (config.tls() != null) {
            http.tls(config.tls());
        }
        HttpServer server = http.start();
        base[0] = server.baseUri();
        LOG.log(System.Logger.Level.INFO, "fake ABM on {0}: {1} devices (seed {2}), clock {3}",
                server.baseUri(), inventory.size(), config.seed(), config.clock().describe());
        return new FakeAbmServer(config, server);
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
        http.close();
    }
}
