package io.mdmsim.scenarios.run;

import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.model.ClockSpec;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.model.World;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The running world of a scenario: the fake ABM (in this JVM), and the reference MDM (in this JVM or as a separate
 * {@code mdmsim mdm} process) or a system under test at a URL. Each part is started from its public configuration;
 * from then on the runner reaches it only over HTTP ({@link #abmAdmin()}, {@link #mdmAdmin()}).
 */
final class LiveWorld implements AutoCloseable {

    /** The scheduled delta sync of the reference MDM on wall and scaled clocks, unless the scenario says otherwise. */
    static final Duration QUICK_DELTA_SYNC = Duration.ofSeconds(15);
    /** On a manual clock the scheduled sync is kept out of the way: scenarios sync with actions. */
    static final Duration MANUAL_DELTA_SYNC = Duration.ofDays(3650);

    private final FakeAbmServer abm;
    private final MdmServer mdm;
    private final MdmProcess mdmProcess;
    private final URI mdmUri;
    private final AdminClient abmAdmin;
    private final AdminClient mdmAdmin;
    private final URI enrollBase;

    private LiveWorld(FakeAbmServer abm, MdmServer mdm, MdmProcess mdmProcess, URI mdmUri, URI enrollBase) {
        this.enrollBase = enrollBase;
        this.abm = abm;
        this.mdm = mdm;
        this.mdmProcess = mdmProcess;
        this.mdmUri = mdmUri;
        this.abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
        // our MDM process writes its token where AdminClient finds it (~/.mdmsim/admin-tokens/PORT)
        this.mdmAdmin = mdm != null ? new AdminClient("MDM", mdmUri, mdm.adminToken())
                : mdmProcess != null ? new AdminClient("MDM", mdmUri) : null;
    }

    /** Starts the parts the scenario names, on this clock and PKI; inventoryDevices is the fake ABM's generated size. */
    static LiveWorld start(Scenario scenario, SimClock clock, SimPki pki, java.nio.file.Path pkiDir,
                           int inventoryDevices) {
        World world = scenario.world();
        FakeAbmConfig.Builder ab = FakeAbmConfig.builder()
                .seed(scenario.seed())
                .deviceCount(inventoryDevices)
                .devicesPerMinute(world.abm().devicesPerMinute())
                .port(world.abm().port())
                .clock(clock)
                .appleDeviceCa(pki.appleDeviceCa().certificate())
                .apnsTls(pki.tlsServer());
        if (!world.abm().organizations().isEmpty()) {
            ab.orgName(world.abm().organizations().getFirst().name());
        }
        FakeAbmServer abm = FakeAbmServer.start(ab.build());
        try {
            World.Mdm m = world.mdm();
            if (m.url() != null) {
                return new LiveWorld(abm, null, null, m.url(), m.url());
            }
            if (m.process()) {
                MdmProcess process = MdmProcess.start(scenario, pkiDir);
                return new LiveWorld(abm, null, process, process.baseUri(), process.baseUri());
            }
            Duration interval = m.depSyncInterval() != null ? m.depSyncInterval()
                    : scenario.clock() instanceof ClockSpec.Manual ? MANUAL_DELTA_SYNC : QUICK_DELTA_SYNC;
            MdmConfig.Builder mb = MdmConfig.builder()
                    .clock(clock)
                    .seed(scenario.seed())
                    .scepCa(pki.scepCa().identity())
                    .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate()))
                    .depBaseUrl(abm.baseUri())
                    .apnsUrl(abm.apnsUri())
                    .apnsTrustAnchors(List.of(pki.root().certificate()))
                    .depSyncInterval(interval);
            if (m.https()) {
                mb.tls(pki.tlsServer());
            }
            MdmServer mdm = MdmServer.start(mb.build());
            URI enrollBase = m.https() && mdm.httpsUri() != null ? mdm.httpsUri() : mdm.baseUri();
            return new LiveWorld(abm, mdm, null, mdm.baseUri(), enrollBase);
        } catch (RuntimeException e) {
            abm.close();
            throw e;
        }
    }

    URI abmUri() {
        return abm.baseUri();
    }

    URI apnsUri() {
        return abm.apnsUri();
    }

    /** The MDM's base URL: ours, our process's, or the system under test's. */
    URI mdmUri() {
        return mdmUri;
    }

    /** Where devices get an over-the-air profile from the MDM by default. */
    URI otaProfileUrl() {
        return enrollBase.resolve("/mdm/enroll");
    }

    AdminClient abmAdmin() {
        return abmAdmin;
    }

    /** The reference MDM's admin API (in this JVM or our process); null for a system under test. */
    AdminClient mdmAdmin() {
        return mdmAdmin;
    }

    /** True when the MDM is ours and in this JVM (its admin API drives the shared clock). */
    boolean mdmInProcess() {
        return mdm != null;
    }

    @Override
    public void close() {
        try {
            if (mdm != null) {
                mdm.close();
            }
            if (mdmProcess != null) {
                mdmProcess.close();
            }
        } finally {
            abm.close();
        }
    }
}
