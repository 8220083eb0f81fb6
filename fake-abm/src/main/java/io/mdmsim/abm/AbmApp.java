package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.admin.AdminService;
import io.mdmsim.abm.cloudconfig.CloudConfigService;
import io.mdmsim.abm.dep.CursorCodec;
import io.mdmsim.abm.dep.DepAuth;
import io.mdmsim.abm.dep.DepMetrics;
import io.mdmsim.abm.dep.DepService;
import io.mdmsim.abm.dep.RateLimiter;
import io.mdmsim.abm.http.AdminHandlers;
import io.mdmsim.abm.http.DepHandlers;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.inventory.InventoryGenerator;
import io.mdmsim.abm.settings.AbmSettings;
import io.mdmsim.abm.settings.Faults;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.SeededRandom;
import io.mdmsim.abm.state.AbmStore;
import io.mdmsim.abm.store.SqliteStore;
import io.mdmsim.core.http.Router;
import io.mdmsim.core.security.Secrets;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fake ABM's parts wired together from a {@link FakeAbmConfig}: state (fresh from the seed, or restored from the
 * data directory), DEP service, admin service, cloud configuration, settings and faults. {@link FakeAbmServer} puts
 * its routes on a listener.
 */
final class AbmApp implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AbmApp.class.getName());

    /** Admin uploads (inventory CSVs) may be large; DEP bodies have their own, smaller cap in the settings. */
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private final AbmStore store;
    private final AbmState state;
    private final DepService dep;
    private final DepMetrics metrics;
    private final DepAuth auth;
    private final AdminService admin;
    private final CloudConfigService cloudConfig;
    private final AbmSettings settings;
    private final Faults faults;
    private final RateLimiter limiter = new RateLimiter();
    private final FakeAbmConfig config;

    private AbmApp(FakeAbmConfig config, AbmStore store) {
        this.config = config;
        this.store = store;
        this.state = new AbmState(config.clock()::now, config.devicesPerMinute());
        Map<String, String> meta = store.meta();
        AbmStore.Snapshot snapshot = store.load();
        long boots = Long.parseLong(meta.getOrDefault("boots", "0")) + 1;
        long seed = Long.parseLong(meta.getOrDefault("seed", Long.toString(config.seed())));
        store.putMeta("boots", Long.toString(boots));
        store.putMeta("seed", Long.toString(seed));
        if (seed != config.seed()) {
            LOG.log(System.Logger.Level.WARNING, "data directory was created with seed {0}; keeping it (not {1})",
                    seed, config.seed());
        }
        // the first boot draws exactly as an in-memory fake does; later boots must not repeat its keys and UUIDs
        SeededRandom random = new SeededRandom(boots == 1 ? seed : seed ^ (boots * 0x9E37_79B9_7F4A_7C15L));
        byte[] secret = Secrets.bytes(32);
        if (meta.containsKey("cursor_secret")) {
            secret = HexFormat.of().parseHex(meta.get("cursor_secret"));
        } else {
            store.putMeta("cursor_secret", HexFormat.of().formatHex(secret));
        }
        if (snapshot.isEmpty()) {
            state.attach(store);
            state.addOrganization(config.organization());
            List<InventoryDevice> inventory = InventoryGenerator.generate(seed, config.deviceCount(), config.inventoryAsOf());
            state.addDevices(inventory, config.organization().orgId());
        } else {
            state.restore(snapshot);
            state.attach(store);
            LOG.log(System.Logger.Level.INFO, "restored {0} devices, {1} MDM servers from {2}", state.inventorySize(),
                    state.servers().size(), config.dataDir());
        }
        this.settings = new AbmSettings(config);
        this.faults = new Faults(seed);
        this.auth = new DepAuth(state, config.oauthWindow(), settings::get);
        this.metrics = new DepMetrics(state);
        this.dep = new DepService(config, state, auth, new CursorCodec(secret), random, settings::get, metrics);
        this.admin = new AdminService(config, state, random);
        this.cloudConfig = new CloudConfigService(config, state);
    }

    static AbmApp open(FakeAbmConfig config) {
        requireNonNull(config, "config");
        AbmStore store = config.dataDir() == null ? AbmStore.NONE : SqliteStore.open(config.dataDir());
        try {
            return new AbmApp(config, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    void addRoutes(Router.Builder router, Supplier<URI> baseUri) {
        new DepHandlers(dep, auth, settings::get, faults, limiter, config.clock(), baseUri).addRoutes(router);
        new AdminHandlers(admin, cloudConfig, settings, faults, auth, metrics).addRoutes(router);
    }

    int inventorySize() {
        return state.inventorySize();
    }

    @Override
    public void close() {
        store.close();
    }
}
