package io.mdmsim.scenarios.run;

import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Stage;
import io.mdmsim.device.Timeouts;
import io.mdmsim.device.TraceOptions;
import io.mdmsim.scenarios.model.FleetSpec;
import io.mdmsim.scenarios.model.LoadSpec;
import io.mdmsim.scenarios.model.Scenario;
import io.mdmsim.scenarios.report.ReportFolder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The device fleets of a scenario run: its devices grouped by how they enroll (automated enrollment through the fake
 * ABM, or over the air from a profile URL), each group a {@link FleetConfig} with the scenario's fleet settings, the
 * populations' knobs and the load model's arrival times.
 */
final class FleetPlan {

    private final Scenario scenario;

    FleetPlan(Scenario scenario) {
        this.scenario = scenario;
    }

    /** How many devices run at once: the fleet setting, constant-devices' count, or all. */
    int concurrency(int devices) {
        FleetSpec f = scenario.fleet();
        return f.concurrency() != null ? f.concurrency()
                : scenario.load() instanceof LoadSpec.ConstantDevices c ? c.devices()
                : Math.max(1, Math.min(FleetConfig.MAX_CONCURRENCY, devices));
    }

    /**
     * The devices' stage timeouts: the fleet's defaults, then the scenario's {@code default} for every stage, then each
     * stage it names. No per-device deadline: the scenario's deadline counts from the run's start, and the runner ends
     * the devices still running then as timed out.
     */
    Timeouts timeouts() {
        Timeouts t = Timeouts.DEFAULT;
        Duration all = scenario.stageTimeouts().get("default");
        if (all != null) {
            for (Stage stage : Stage.values()) {
                if (stage != Stage.MANAGED && stage != Stage.DONE) {
                    t = t.withStage(stage, all);
                }
            }
        }
        for (Map.Entry<String, Duration> e : scenario.stageTimeouts().entrySet()) {
            if (!e.getKey().equals("default")) {
                t = t.withStage(Stage.valueOf(e.getKey().toUpperCase(Locale.ROOT).replace('-', '_')), e.getValue());
            }
        }
        return t;
    }

    /** Populations grouped by how their devices enroll: null key for ADE, else the over-the-air profile URL. */
    static Map<URI, List<Integer>> groups(LiveWorld world, List<DevicePlan.Device> running) {
        Map<URI, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < running.size(); i++) {
            DevicePlan.Device d = running.get(i);
            URI key = !d.population().ota() ? null
                    : d.population().profileUrl() != null ? d.population().profileUrl() : world.otaProfileUrl();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    FleetConfig fleetConfig(LiveWorld world, SimPki pki, SimClock clock, FleetListener listener, Path outDir,
                                    String traces, List<DevicePlan.Device> running, List<Duration> arrivals,
                                    URI ota, List<Integer> indexes) {
        FleetSpec f = scenario.fleet();
        FleetConfig.Builder b = FleetConfig.builder()
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .trustAnchors(List.of(pki.root().certificate()))
                .seed(scenario.seed())
                .clock(clock)
                .listener(listener)
                .language(f.language() == null ? "en" : f.language());
        if (ota == null) {
            b.cloudConfigUrl(world.abmUri().resolve("/cloudconfig"));
        } else {
            b.enrollmentProfile(ota);
        }
        if (f.push() == null || f.push()) {
            b.apnsUrl(world.apnsUri());
        }
        b.concurrency(Math.min(concurrency(indexes.size()), Math.max(1, indexes.size())));
        if (f.maxConnections() != null) {
            b.maxConnections(f.maxConnections());
        }
        if (f.keyPool() != null) {
            b.keySource(f.keyPoolFile() != null ? KeySource.pool(f.keyPoolFile(), f.keyPool())
                    : KeySource.pregenerated(f.keyPool()));
        }
        if (f.lifetime() != null) {
            b.lifetime(f.lifetime());
        }
        if (f.checkinInterval() != null) {
            b.checkinInterval(f.checkinInterval());
        }
        if (f.tokenUpdateInterval() != null) {
            b.tokenUpdateInterval(f.tokenUpdateInterval());
        }
        if (f.idlePollInterval() != null) {
            b.idlePollInterval(f.idlePollInterval());
        }
        b.timeouts(timeouts());
        if (outDir != null && !traces.equals("none")) {
            Path dir = ReportFolder.traces(outDir);
            b.traces(traces.equals("all") ? TraceOptions.all(dir) : TraceOptions.failed(dir));
        }
        List<Duration> groupArrivals = new ArrayList<>();
        boolean anyLater = false;
        for (int i : indexes) {
            b.addDevice(running.get(i).spec(), running.get(i).population().behaviour());
            groupArrivals.add(arrivals.get(i));
            anyLater |= !arrivals.get(i).isZero();
        }
        if (anyLater) {
            b.arrivals(groupArrivals);
        }
        return b.build();
    }
}
