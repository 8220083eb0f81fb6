package io.mdmsim.scenarios.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Population;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mdmsim bench commands}: command round trips over enrolled devices, pushed through the fake APNs. Each round
 * queues K DeviceInformation commands per device through the MDM's admin API (the last with a push); each device,
 * woken by its push, checks in and answers them one by one. A round trip ends when the MDM reports the command
 * Acknowledged (its event stream).
 */
@Command(name = "commands", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Command round trips (enqueue → push → check-in → answer) over enrolled devices, each device"
                + " holding its push channel to the fake APNs. The devices enroll over the air first (not measured)."
                + " A round queues --commands DeviceInformation commands per device through the admin API, the last"
                + " with a push; it ends when the MDM has every answer. Exits 1 if a command went unanswered."})
final class CommandsBench implements Callable<Integer> {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(10);

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1000",
            description = "Enrolled devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--commands", paramLabel = "K", defaultValue = "5",
            description = "Commands per device per round (default ${DEFAULT-VALUE}): one push wakes the device,"
                    + " it answers all K in one session.")
    int commands;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "Measured rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", paramLabel = "R", defaultValue = "1",
            description = "Rounds first, not measured (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--enqueuers", paramLabel = "E", defaultValue = "16",
            description = "Admin API requests in flight while queueing (default ${DEFAULT-VALUE}).")
    int enqueuers;

    @Option(names = "--key-pool", paramLabel = "K", defaultValue = "64",
            description = "RSA keys of the devices from a pool of K (default ${DEFAULT-VALUE}; 0: fresh keys).")
    int keyPool;

    @Option(names = "--split", description = "Run the fake ABM (APNs) and the MDM as processes of their own.")
    boolean split;

    @Option(names = "--unsigned", description = "The MDM's profile says SignMessage false: the devices sign nothing"
            + " and each talks to the MDM (HTTPS, asking for client certificates) on its own TLS connection that"
            + " presents its identity certificate, kept alive between exchanges.")
    boolean unsigned;

    @Option(names = "--server-jvm-args", paramLabel = "ARGS", split = " ",
            description = "JVM options of the server processes with --split.")
    List<String> serverJvmArgs = new ArrayList<>();

    @Mixin
    BenchOptions common;

    /** One half of a round trip: the enqueue (its start) or the acknowledgement (when it was seen), whichever first. */
    private record Half(boolean enqueued, long nanos) {
    }

    private final Map<String, Half> halves = new ConcurrentHashMap<>();
    private Latencies latencies;
    private Semaphore answered;

    @Override
    public Integer call() throws Exception {
        common.range("--devices", devices, 1, 100_000);
        common.range("--commands", commands, 1, 1000);
        common.range("--rounds", rounds, 1, 1000);
        common.range("--warmup", warmup, 0, 1000);
        common.range("--enqueuers", enqueuers, 1, 1000);
        common.range("--key-pool", keyPool, 0, 10_000);
        PrintWriter out = common.spec.commandLine().getOut();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("devices", devices);
        options.put("commands", commands);
        options.put("rounds", rounds);
        options.put("warmup", warmup);
        options.put("enqueuers", enqueuers);
        options.put("keyPool", keyPool);
        options.put("split", split);
        options.put("unsigned", unsigned);
        options.put("seed", common.seed);
        List<String> variant = List.of(split ? "three processes (fake ABM + APNs, MDM, devices)" : "one JVM",
                unsigned ? "no SignMessage: each device on its own TLS connection with its client certificate"
                        : "SignMessage (every check-in and answer signed)", "pushed through the fake APNs",
                commands + " commands per push");
        Report report = new Report("commands", "command round trip", common.args(), options, variant);
        out.printf(Locale.ROOT, "mdmsim bench commands: %,d devices × %d commands × %d rounds (+%d warm-up), %s%n",
                devices, commands, rounds, warmup, String.join(", ", variant));
        out.flush();
        KeySource keys = keyPool == 0 ? KeySource.fresh() : KeySource.pregenerated(keyPool, 2048);
        World.Spec spec = new World.Spec().abm(0).split(split, serverJvmArgs).seed(common.seed);
        spec.apns = true;
        spec.signMessage = !unsigned;
        try (CpuSampler sampler = new CpuSampler(); World world = World.start(spec, sampler)) {
            AdminClient admin = new AdminClient("MDM", world.mdm(), world.adminToken());
            HttpClient events = HttpClient.newHttpClient();
            sampler.claimNewClients(CpuSampler.DRIVER);
            Fleets.Timing timing = new Fleets.Timing(devices);
            Thread fleet = Thread.ofPlatform().name("bench-fleet").start(() -> DeviceFleet.run(
                    Fleets.config(world, Population.of(devices).devices(common.seed), true, true, keys, devices, 256,
                            common.seed).lifetime(Duration.ofDays(1)).listener(timing).build()));
            try {
                long t = System.nanoTime();
                timing.await(out, devices);
                if (timing.failed.get() > 0) {
                    timing.failures.forEach(f -> out.println("  failed: " + f));
                    throw new IllegalStateException(timing.failed.get() + " devices did not enroll");
                }
                out.printf(Locale.ROOT, "  %,d devices enrolled and holding their push channel in %.1f s (not"
                        + " measured)%n", devices, (System.nanoTime() - t) / 1e9);
                List<String> udids = List.copyOf(timing.managedUdids);
                Thread follower = follow(events, world.mdm(), world.adminToken());
                try {
                    latencies = new Latencies();
                    for (int r = 0; r < warmup; r++) {
                        round(admin, udids, out, "warm-up " + (r + 1));
                    }
                    latencies = new Latencies().declare("admin enqueue").declare("enqueue → Acknowledged");
                    Proc.heapUsedAfterGc();
                    Window window = Window.open(world, sampler);
                    long done = 0;
                    for (int r = 0; r < rounds; r++) {
                        done += round(admin, udids, out, "round " + (r + 1));
                    }
                    window.close();
                    long expected = (long) devices * commands * rounds;
                    report.throughput(done, expected - done, window.seconds());
                    report.stages(latencies);
                    window.report(report, done);
                    report.memory("heap after GC (this JVM)", Proc.heapUsedAfterGc());
                    window.memory(report);
                    common.finish(report, out);
                    return done == expected ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
                } finally {
                    follower.interrupt();
                }
            } finally {
                fleet.interrupt(); // ends the devices' managed life
                fleet.join(TimeUnit.MINUTES.toMillis(2));
                events.shutdownNow();
            }
        }
    }

    /** One round: K commands per device queued, the last with a push; returns how many were acknowledged in time. */
    private long round(AdminClient admin, List<String> udids, PrintWriter out, String name) throws Exception {
        long start = System.nanoTime();
        int total = udids.size() * commands;
        answered = new Semaphore(0);
        AtomicLong failedEnqueues = new AtomicLong();
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bench-enqueue-", 0)
                .factory())) {
            Semaphore inFlight = new Semaphore(enqueuers);
            for (String udid : udids) {
                inFlight.acquire();
                pool.submit(() -> {
                    try {
                        for (int k = 0; k < commands; k++) {
                            boolean push = k == commands - 1;
                            long t0 = System.nanoTime();
                            JsonNode r = admin.postJson("/admin/devices/" + udid + "/commands" + (push ? "" : "?push=false"),
                                    Map.of("requestType", "DeviceInformation",
                                            "Queries", List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName",
                                                    "SerialNumber", "IsSupervised")));
                            long t1 = System.nanoTime();
                            latencies.record("admin enqueue", t1 - t0);
                            meet(r.path("commandUuid").asText(), new Half(true, t0));
                        }
                    } catch (RuntimeException e) {
                        failedEnqueues.incrementAndGet();
                        out.println("  enqueue failed: " + e.getMessage());
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        boolean all = answered.tryAcquire(total, ROUND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long got = all ? total : answered.availablePermits();
        double s = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "  %s: %,d of %,d commands acknowledged in %.1f s (%,.0f a second)%s%n", name, got, total,
                s, got / s, failedEnqueues.get() == 0 ? "" : ", " + failedEnqueues.get() + " enqueue failures");
        out.flush();
        halves.clear();
        return got;
    }

    /**
     * The enqueue and the acknowledgement of a command meet here, in either order (a device may answer before the
     * admin API's reply is read): the second one completes the round trip.
     */
    private void meet(String commandUuid, Half half) {
        Half[] first = new Half[1];
        halves.compute(commandUuid, (k, v) -> {
            first[0] = v;
            return v == null ? half : null;
        });
        if (first[0] != null && first[0].enqueued() != half.enqueued()) {
            Half enq = half.enqueued() ? half : first[0];
            Half ack = half.enqueued() ? first[0] : half;
            latencies.record("enqueue → Acknowledged", ack.nanos() - enq.nanos());
            answered.release();
        }
    }

    /** Follows the MDM's event stream; each Acknowledged report of a pending command ends its round trip. */
    private Thread follow(HttpClient http, URI mdm, String adminToken) throws Exception {
        HttpResponse<Stream<String>> rsp = http.send(HttpRequest.newBuilder(mdm.resolve("/admin/events?follow=true"))
                .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofLines());
        if (rsp.statusCode() != 200) {
            throw new IllegalStateException("GET /admin/events?follow=true answered " + rsp.statusCode());
        }
        return Thread.ofPlatform().daemon().name("bench-events").start(() -> {
            try (Stream<String> lines = rsp.body()) {
                lines.forEach(line -> {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new IllegalStateException("stopped");
                    }
                    if (!line.contains("\"report\"") || !line.contains("Acknowledged")) {
                        return;
                    }
                    try {
                        JsonNode e = JSON.readTree(line);
                        if (e.path("status").asText().equals("Acknowledged")) {
                            meet(e.path("commandUuid").asText(), new Half(false, System.nanoTime()));
                        }
                    } catch (java.io.IOException ex) {
                        // not an event line
                    }
                });
            } catch (RuntimeException e) {
                // stopped, or the stream closed with the server
            }
        });
    }
}
