package io.mdmsim.scenarios.bench;

import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Population;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mdmsim bench idle-fleet}: N devices enroll and stay in their managed life, each holding its push channel;
 * then, idle, the heap they hold (after GC) and the RSS, and the CPU an idle fleet costs.
 */
@Command(name = "idle-fleet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"N devices enroll (ADE through the fake ABM, or over the air with --ota) and stay enrolled,"
                + " idle, each holding its push channel (one stream to the fake APNs for the fleet). Then: heap per"
                + " live device (heap with every device alive minus heap after the fleet ended, both after GC), the"
                + " servers' state per device, RSS of each process, and the CPU of --hold seconds of idling."
                + " Throughput is the enrollment rate while the fleet fills. Exits 1 if a device did not enroll."})
final class IdleFleetBench implements Callable<Integer> {

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1000",
            description = "Devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds the enrolled fleet idles while its CPU is measured (default ${DEFAULT-VALUE}).")
    int hold;

    @Option(names = "--ota", description = "Enroll over the air (no DEP sync first); default: ADE.")
    boolean ota;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "256",
            description = "Devices enrolling at the same time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-connections", paramLabel = "M", defaultValue = "256",
            description = "HTTP exchanges the fleet runs at once (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--key-pool", paramLabel = "K", defaultValue = "64",
            description = "RSA keys of the devices from a pool of K (default ${DEFAULT-VALUE}; 0: fresh keys).")
    int keyPool;

    @Option(names = "--split", description = "Run the fake ABM and the MDM as processes of their own: this JVM's"
            + " heap is then the devices' alone.")
    boolean split;

    @Option(names = "--server-jvm-args", paramLabel = "ARGS", split = " ",
            description = "JVM options of the server processes with --split.")
    List<String> serverJvmArgs = new ArrayList<>();

    @Mixin
    BenchOptions common;

    @Override
    public Integer call() throws Exception {
        common.range("--devices", devices, 1, FleetConfig.MAX_CONCURRENCY);
        common.range("--hold", hold, 0, 3600);
        common.range("--concurrency", concurrency, 1, FleetConfig.MAX_CONCURRENCY);
        common.range("--max-connections", maxConnections, 1, 20_000);
        common.range("--key-pool", keyPool, 0, 10_000);
        PrintWriter out = common.spec.commandLine().getOut();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("devices", devices);
        options.put("hold", hold);
        options.put("ota", ota);
        options.put("concurrency", concurrency);
        options.put("maxConnections", maxConnections);
        options.put("keyPool", keyPool);
        options.put("split", split);
        options.put("seed", common.seed);
        List<String> variant = List.of(split ? "three processes (fake ABM + APNs, MDM, devices)" : "one JVM",
                ota ? "over-the-air enrollment" : "ADE enrollment",
                keyPool == 0 ? "fresh RSA-2048 key per identity" : "key pool " + keyPool + " (devices share keys)");
        Report report = new Report("idle-fleet", "enrollment", common.args(), options, variant);
        out.printf(Locale.ROOT, "mdmsim bench idle-fleet: %,d devices, %s%n", devices, String.join(", ", variant));
        out.flush();
        KeySource keys = keyPool == 0 ? KeySource.fresh() : KeySource.pregenerated(keyPool, 2048);
        World.Spec spec = new World.Spec().abm(ota ? 0 : devices).split(split, serverJvmArgs).seed(common.seed);
        spec.apns = true;
        try (CpuSampler sampler = new CpuSampler(); World world = World.start(spec, sampler)) {
            new AdminClient("bench", world.mdm());
            sampler.claimNewClients(CpuSampler.DRIVER);
            List<DeviceSpec> specs = ota ? Population.of(devices).devices(common.seed) : Dep.provisionAll(world);
            long heapBefore = Proc.heapUsedAfterGc();
            Fleets.Timing timing = new Fleets.Timing(devices);
            FleetConfig config = Fleets.config(world, specs, ota, true, keys, concurrency, maxConnections, common.seed)
                    .lifetime(Duration.ofDays(365)).listener(timing).build();
            Window fill = Window.open(world, sampler);
            Thread fleet = Thread.ofPlatform().name("bench-fleet").start(() -> DeviceFleet.run(config));
            try {
                timing.await(out, devices);
                fill.close();
                int enrolled = timing.enrolled.get();
                report.throughput(enrolled, timing.failed.get(), fill.seconds());
                report.stages(timing.latencies);
                fill.report(report, enrolled);
                long heapAlive = Proc.heapUsedAfterGc();
                report.memory("heap after GC, every device alive (this JVM)", heapAlive);
                fill.memory(report);
                if (hold > 0) {
                    Window idle = Window.open(world, sampler);
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(hold));
                    idle.close();
                    double cpu = idle.cpuByPart().values().stream().mapToDouble(Double::doubleValue).sum();
                    report.figure("idleCpuMsPerDeviceMinute", Report.round(cpu * 1000 / enrolled / (hold / 60.0), 4),
                            String.format(Locale.ROOT, "idle: %.3f ms CPU per device-minute (all parts, %d s)",
                                    cpu * 1000 / enrolled / (hold / 60.0), hold));
                }
                fleet.interrupt(); // ends every device's managed life
                fleet.join(TimeUnit.MINUTES.toMillis(10));
                long heapAfter = Proc.heapUsedAfterGc();
                report.memory("heap after GC, fleet ended (this JVM)", heapAfter);
                report.figure("heapPerLiveDeviceKiB", Report.round((heapAlive - heapAfter) / 1024.0 / enrolled, 2),
                        String.format(Locale.ROOT, "%.1f KiB of heap per live device", (heapAlive - heapAfter)
                                / 1024.0 / enrolled));
                if (!split) {
                    report.figure("serverStatePerDeviceKiB", Report.round((heapAfter - heapBefore) / 1024.0 / enrolled,
                            2), String.format(Locale.ROOT, "%.1f KiB of server state per device (fake ABM + MDM)",
                            (heapAfter - heapBefore) / 1024.0 / enrolled));
                }
                timing.failures.forEach(f -> out.println("  failed: " + f));
                common.finish(report, out);
                return timing.failed.get() == 0 ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
            } finally {
                fleet.interrupt();
                fleet.join(TimeUnit.MINUTES.toMillis(2));
            }
        }
    }
}
