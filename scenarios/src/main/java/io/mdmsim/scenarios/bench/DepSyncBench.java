package io.mdmsim.scenarios.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mdmsim bench dep-sync}: the MDM's DEP sync of a server token for N devices from the fake ABM: its first full
 * fetch, the delta syncs that bring what the fake ABM's pace held back, and the enrollment profile assigned to every
 * device. The warm-up is a first token with its own devices.
 */
@Command(name = "dep-sync", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The MDM syncs a server token for N devices from the fake ABM: session, full fetch page by page,"
                + " delta syncs for devices the fake ABM's pace releases later, and the enrollment profile assigned"
                + " to each device (POST /profile/devices in batches). Measured from the token upload until every"
                + " device is assigned. With --devices-per-minute the fake ABM keeps Apple's pace and --clock-scale"
                + " speeds up the simulated clock of both servers."})
final class DepSyncBench implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofHours(2);

    @Option(names = "--devices", paramLabel = "N", defaultValue = "20000",
            description = "Devices on the measured token (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2000",
            description = "Devices on a first token synced before, not measured (default ${DEFAULT-VALUE}; 0: none).")
    int warmup;

    @Option(names = "--devices-per-minute", paramLabel = "R", defaultValue = "0",
            description = "The fake ABM's pace for newly assigned devices, simulated time (default ${DEFAULT-VALUE}:"
                    + " unlimited; Apple's is about 3000).")
    int devicesPerMinute;

    @Option(names = "--clock-scale", paramLabel = "F", defaultValue = "1",
            description = "Simulated seconds per real second of both servers' clock (default ${DEFAULT-VALUE}; needs"
                    + " one JVM when not 1).")
    double clockScale;

    @Option(names = "--delta-seconds", paramLabel = "S", defaultValue = "60",
            description = "Simulated seconds between the MDM's delta syncs (default ${DEFAULT-VALUE}).")
    int deltaSeconds;

    @Option(names = "--split", description = "Run the fake ABM and the MDM as processes of their own.")
    boolean split;

    @Option(names = "--server-jvm-args", paramLabel = "ARGS", split = " ",
            description = "JVM options of the server processes with --split.")
    List<String> serverJvmArgs = new ArrayList<>();

    @Mixin
    BenchOptions common;

    @Override
    public Integer call() throws Exception {
        common.range("--devices", devices, 1, 1_000_000);
        common.range("--warmup", warmup, 0, 1_000_000);
        common.range("--devices-per-minute", devicesPerMinute, 0, 10_000_000);
        common.range("--delta-seconds", deltaSeconds, 1, 86_400);
        if (!(clockScale > 0) || clockScale > 100_000) {
            throw common.usage("--clock-scale: " + clockScale + " (expected: > 0 and <= 100000)");
        }
        if (split && clockScale != 1) {
            throw common.usage("--clock-scale needs one JVM (the server processes run on the wall clock)");
        }
        PrintWriter out = common.spec.commandLine().getOut();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("devices", devices);
        options.put("warmup", warmup);
        options.put("devicesPerMinute", devicesPerMinute);
        options.put("clockScale", clockScale);
        options.put("deltaSeconds", deltaSeconds);
        options.put("split", split);
        options.put("seed", common.seed);
        List<String> variant = List.of(split ? "three processes (fake ABM, MDM, driver)" : "one JVM",
                devicesPerMinute == 0 ? "pace off" : "pace " + devicesPerMinute + " devices a minute",
                clockScale == 1 ? "wall clock" : "clock ×" + clockScale);
        Report report = new Report("dep-sync", "device", common.args(), options, variant);
        out.printf(Locale.ROOT, "mdmsim bench dep-sync: %,d devices (+%,d warm-up), %s%n", devices, warmup,
                String.join(", ", variant));
        out.flush();
        World.Spec spec = new World.Spec().abm(warmup + devices).split(split, serverJvmArgs).seed(common.seed);
        spec.abmDevicesPerMinute = devicesPerMinute;
        spec.clockScale = clockScale;
        spec.depSyncInterval = Duration.ofSeconds(deltaSeconds);
        try (CpuSampler sampler = new CpuSampler(); World world = World.start(spec, sampler)) {
            AdminClient abm = new AdminClient("fake ABM", world.abm());
            AdminClient mdm = new AdminClient("MDM", world.mdm());
            sampler.claimNewClients(CpuSampler.DRIVER);
            List<String> serials = Dep.inventory(abm).stream().map(DeviceSpec::serialNumber).toList();
            int tokenIndex = 0;
            if (warmup > 0) {
                long t = System.nanoTime();
                Dep.addToken(mdm, Dep.mdmServer(abm, mdm, "warmup", serials.subList(0, warmup)), world.abm());
                Dep.awaitSync(mdm, tokenIndex++, warmup);
                out.printf(Locale.ROOT, "  warm-up token: %,d devices synced in %.1f s%n", warmup,
                        (System.nanoTime() - t) / 1e9);
            }
            byte[] p7m = Dep.mdmServer(abm, mdm, "bench", serials.subList(warmup, serials.size()));
            Proc.heapUsedAfterGc();
            Instant simStart = world.clock.now();
            Window window = Window.open(world, sampler);
            Dep.addToken(mdm, p7m, world.abm());
            JsonNode t = Dep.awaitSync(mdm, tokenIndex, devices);
            window.close();
            double simMinutes = Duration.between(simStart, world.clock.now()).toMillis() / 60_000.0;
            int synced = t.path("assigned").asInt();
            report.throughput(synced, Math.max(0, devices - synced), window.seconds());
            report.figure("syncs", t.path("syncs").asInt(), t.path("syncs").asInt() + " syncs (1 full + deltas)");
            report.figure("simulatedMinutes", Report.round(simMinutes, 2), String.format(Locale.ROOT,
                    "%.1f simulated minutes: %,.0f devices a simulated minute", simMinutes, synced / simMinutes));
            window.report(report, synced);
            report.memory("heap after GC (this JVM)", Proc.heapUsedAfterGc());
            window.memory(report);
            common.finish(report, out);
            return synced >= devices ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
        }
    }
}
