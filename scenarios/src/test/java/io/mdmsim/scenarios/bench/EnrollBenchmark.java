package io.mdmsim.scenarios.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Stage;
import io.mdmsim.device.StageStats;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark, not a test: N virtual devices enroll at once, in one JVM, into the real fake ABM and MDM endpoint (plain
 * HTTP on 127.0.0.1), then stay alive (managed life) until all have enrolled, so their heap can be measured. Prints
 * enrollments per minute (wall clock, from the first power-on to the last enrollment) and heap per device (heap with
 * every device alive minus heap after the fleet ended, both after GC, divided by N; the servers' own state is
 * reported apart). See /work/coord/bench-devops.md for the command.
 *
 * <pre>
 * args: --devices N (10000)  --concurrency C (N)  --max-connections M (256)  --key-pool K (64; 0 = a fresh key per
 *       identity)  --seed S (1)
 * </pre>
 */
public final class EnrollBenchmark {

    private EnrollBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int devices = Integer.parseInt(a.getOrDefault("--devices", "10000"));
        int concurrency = Integer.parseInt(a.getOrDefault("--concurrency", String.valueOf(devices)));
        int maxConnections = Integer.parseInt(a.getOrDefault("--max-connections", "256"));
        int keyPool = Integer.parseInt(a.getOrDefault("--key-pool", "64"));
        long seed = Long.parseLong(a.getOrDefault("--seed", "1"));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "EnrollBenchmark: %d devices, concurrency %d, max connections %d, key pool %s,"
                        + " %d CPUs, max heap %d MiB, %s %s%n", devices, concurrency, maxConnections,
                keyPool == 0 ? "off" : String.valueOf(keyPool), rt.availableProcessors(), rt.maxMemory() >> 20,
                System.getProperty("java.vm.name"), System.getProperty("java.version"));

        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now());
        long t0 = System.nanoTime();
        KeySource keys = keyPool == 0 ? KeySource.fresh() : KeySource.pregenerated(keyPool);
        System.out.printf(Locale.ROOT, "  key pool made in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(seed).deviceCount(devices)
                .devicesPerMinute(0) // every assigned device visible to the DEP sync at once: not what is measured
                .clock(clock).appleDeviceCa(pki.appleDeviceCa().certificate()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(seed)
                     .scepCa(pki.scepCa().identity()).trustedDeviceCas(List.of(pki.appleDeviceCa().certificate()))
                     .depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofSeconds(2)).build())) {
            t0 = System.nanoTime();
            List<DeviceSpec> specs = provision(abm, mdm, devices);
            System.out.printf(Locale.ROOT, "  ABM assignment, token and DEP sync of %d devices in %.1f s%n",
                    specs.size(), (System.nanoTime() - t0) / 1e9);

            long heapBefore = usedAfterGc(memory);
            AtomicInteger managed = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch allDone = new CountDownLatch(specs.size());
            FleetListener listener = new FleetListener() {
                @Override
                public void stageEntered(DeviceRef device, Stage stage) {
                    if (stage == Stage.MANAGED) {
                        managed.incrementAndGet();
                        allDone.countDown();
                    }
                }

                @Override
                public void deviceFinished(DeviceResult result) {
                    if (!result.enrolled()) {
                        failed.incrementAndGet();
                        allDone.countDown();
                    }
                }
            };
            FleetConfig config = FleetConfig.builder()
                    .cloudConfigUrl(abm.baseUri().resolve("/cloudconfig"))
                    .appleDeviceCa(pki.appleDeviceCa().identity())
                    .devices(specs)
                    .seed(seed)
                    .clock(clock)
                    .concurrency(concurrency)
                    .maxConnections(maxConnections)
                    .keySource(keys)
                    .lifetime(Duration.ofDays(1)) // stay alive until measured, then stopped
                    .listener(listener)
                    .build();
            CompletableFuture<FleetResult> run = new CompletableFuture<>();
            long start = System.nanoTime();
            Thread fleet = Thread.ofPlatform().name("fleet").start(() -> run.complete(DeviceFleet.run(config)));
            long lastReport = start;
            while (!allDone.await(1, TimeUnit.SECONDS)) {
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.out.printf(Locale.ROOT, "  ... %d enrolled, %d failed after %.0f s%n", managed.get(),
                            failed.get(), (lastReport - start) / 1e9);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long heapAlive = usedAfterGc(memory);
            fleet.interrupt(); // ends every device's managed life
            FleetResult result = run.get(10, TimeUnit.MINUTES);
            fleet.join();
            long heapAfter = usedAfterGc(memory);

            int enrolled = result.count(io.mdmsim.device.Outcome.ENROLLED);
            System.out.printf(Locale.ROOT, "  enrolled %d of %d (failed %d) in %.1f s wall: %.0f enrollments/minute%n",
                    enrolled, specs.size(), specs.size() - enrolled, seconds, enrolled / (seconds / 60));
            System.out.printf(Locale.ROOT, "  heap: %d MiB before, %d MiB with every device alive, %d MiB after the"
                            + " fleet ended%n", heapBefore >> 20, heapAlive >> 20, heapAfter >> 20);
            System.out.printf(Locale.ROOT, "  heap per live device: %.1f KiB; servers' state per device: %.1f KiB%n",
                    (heapAlive - heapAfter) / 1024.0 / specs.size(), (heapAfter - heapBefore) / 1024.0 / specs.size());
            for (Map.Entry<Stage, StageStats> e : result.stages().entrySet()) {
                StageStats s = e.getValue();
                if (e.getKey() != Stage.MANAGED) {
                    System.out.printf(Locale.ROOT, "  %-24s n=%-6d p50 %6d ms  p95 %6d ms  p99 %6d ms  max %6d ms%n",
                            e.getKey(), s.count(), s.p50().toMillis(), s.p95().toMillis(), s.p99().toMillis(),
                            s.max().toMillis());
                }
            }
            result.failures().stream().limit(5).forEach(f -> System.out.println("  failed: " + f));
            if (enrolled != specs.size()) {
                System.exit(1);
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // let the collector settle (benchmark, not protocol time)
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The quickstart's ABM admin work: MDM server, assign all, token to the MDM, wait for the DEP sync. */
    private static List<DeviceSpec> provision(FakeAbmServer abm, MdmServer mdm, int devices) throws InterruptedException {
        AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri());
        AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "bench", "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "bench", "all", true));
        byte[] token = abmAdmin.getBytes("/admin/mdm-servers/bench/token");
        mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + URLEncoder.encode("bench@example.com", StandardCharsets.UTF_8)
                + "&depUrl=" + URLEncoder.encode(abm.baseUri().toString(), StandardCharsets.UTF_8), token,
                "application/pkcs7-mime");
        while (true) {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            if (t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= devices) {
                break;
            }
            if (t.path("syncState").asText().equals("FAILED")) {
                throw new IllegalStateException("DEP sync failed: " + t.path("lastError").asText());
            }
            Thread.sleep(200);
        }
        List<DeviceSpec> specs = new ArrayList<>();
        for (JsonNode d : abmAdmin.getJson("/admin/devices")) {
            specs.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
        }
        return specs;
    }
}
