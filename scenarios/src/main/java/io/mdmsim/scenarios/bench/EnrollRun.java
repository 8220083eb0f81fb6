package io.mdmsim.scenarios.bench;

import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Population;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * An enrollment benchmark, ADE ({@code enroll}) or over the air ({@code enroll-ota}): the servers start, the warm-up
 * devices enroll, then the measured devices enroll; CPU, GC and latencies count only the measured window, from the
 * first power-on to the last device done. The options are a picocli mixin.
 */
final class EnrollRun {

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1000",
            description = "Devices enrolled in the measured window (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2000",
            description = "Devices enrolled first, not measured (default ${DEFAULT-VALUE}; 0: none): the JIT compilers"
                    + " take a few thousand enrollments to finish, and their work would count against the measured"
                    + " ones.")
    int warmup;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "256",
            description = "Devices enrolling at the same time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-connections", paramLabel = "M", defaultValue = "256",
            description = "HTTP exchanges the fleet runs at once (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--key-pool", paramLabel = "K", defaultValue = "64",
            description = "RSA keys of the devices (factory identity, SCEP key) from a pool of K made before the run,"
                    + " shared round-robin (default ${DEFAULT-VALUE}); 0: a fresh RSA-2048 key per identity, as a"
                    + " real device makes it.")
    int keyPool;

    @Option(names = "--split",
            description = "Run the servers as processes of their own ('mdmsim abm', 'mdmsim mdm'); this process plays"
                    + " the devices. CPU per part is then each process's own CPU time.")
    boolean split;

    @Option(names = "--server-jvm-args", paramLabel = "ARGS", split = " ",
            description = "JVM options of the server processes with --split, e.g. '-Xmx1g'.")
    List<String> serverJvmArgs = new ArrayList<>();

    /** Runs it; true when every measured device enrolled. */
    boolean run(BenchOptions common, boolean ota, PrintWriter out) throws Exception {
        common.range("--devices", devices, 1, 1_000_000);
        common.range("--warmup", warmup, 0, 1_000_000);
        common.range("--concurrency", concurrency, 1, FleetConfig.MAX_CONCURRENCY);
        common.range("--max-connections", maxConnections, 1, 20_000);
        common.range("--key-pool", keyPool, 0, 10_000);
        String name = ota ? "enroll-ota" : "enroll";
        List<String> variant = new ArrayList<>();
        variant.add(split ? "three processes (fake ABM, MDM, devices)" : "one JVM");
        if (ota) {
            variant.set(0, split ? "two processes (MDM, devices)" : "one JVM");
        }
        variant.add(keyPool == 0 ? "fresh RSA-2048 key per identity" : "key pool " + keyPool + " (devices share keys)");
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("devices", devices);
        options.put("warmup", warmup);
        options.put("concurrency", concurrency);
        options.put("maxConnections", maxConnections);
        options.put("keyPool", keyPool);
        options.put("split", split);
        options.put("seed", common.seed);
        Report report = new Report(name, "enrollment", common.args(), options, variant);

        out.printf(Locale.ROOT, "mdmsim bench %s: %,d devices (+%,d warm-up), %s%n", name, devices, warmup,
                String.join(", ", variant));
        out.flush();
        long t = System.nanoTime();
        KeySource keys = keyPool == 0 ? KeySource.fresh() : KeySource.pregenerated(keyPool, 2048);
        if (keyPool > 0) {
            out.printf(Locale.ROOT, "  key pool of %d made in %.1f s (not measured)%n", keyPool,
                    (System.nanoTime() - t) / 1e9);
        }
        try (CpuSampler sampler = new CpuSampler();
             World world = World.start(new World.Spec().abm(ota ? -1 : warmup + devices).split(split, serverJvmArgs)
                     .seed(common.seed), sampler)) {
            new AdminClient("bench", world.mdm(), world.adminToken()); // the driver's HTTP client, made before the claim
            sampler.claimNewClients(CpuSampler.DRIVER);
            t = System.nanoTime();
            List<DeviceSpec> specs = ota ? Population.of(warmup + devices).devices(common.seed)
                    : Dep.provisionAll(world);
            if (!ota) {
                out.printf(Locale.ROOT, "  DEP: %,d devices assigned, token uploaded, synced in %.1f s (not measured)%n",
                        specs.size(), (System.nanoTime() - t) / 1e9);
            }
            if (warmup > 0) {
                t = System.nanoTime();
                Fleets.Timing w = new Fleets.Timing(warmup);
                DeviceFleet.run(Fleets.config(world, specs.subList(0, warmup), ota, false, keys, concurrency,
                        maxConnections, common.seed).listener(w).build());
                double s = (System.nanoTime() - t) / 1e9;
                report.warmup(w.enrolled.get(), s);
                out.printf(Locale.ROOT, "  warm-up: %,d enrolled in %.1f s%n", w.enrolled.get(), s);
            }
            List<DeviceSpec> measured = specs.subList(warmup, specs.size());
            Fleets.Timing timing = new Fleets.Timing(measured.size());
            FleetConfig config = Fleets.config(world, measured, ota, false, keys, concurrency, maxConnections,
                    common.seed).listener(timing).build();
            Proc.heapUsedAfterGc();
            Window window = Window.open(world, sampler);
            DeviceFleet.run(config);
            window.close();

            int enrolled = timing.enrolled.get();
            report.throughput(enrolled, timing.failed.get(), window.seconds());
            report.stages(timing.latencies);
            window.report(report, enrolled);
            report.memory("heap after GC (this JVM)", Proc.heapUsedAfterGc());
            window.memory(report);
            timing.failures.forEach(f -> out.println("  failed: " + f));
            common.finish(report, out);
            return timing.failed.get() == 0;
        }
    }
}
