package io.mdmsim.abm;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.inventory.InventoryGenerator;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.EventKey;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark, not a test: a full DEP fetch of N devices (default 200,000) at 1,000 a page with pacing
 * off, over loopback HTTP as an MDM does it; plus the state's heap cost per device, and with {@code --data-dir} the
 * cost of writing the assignment to SQLite and of loading it back. Command and figures: BENCHMARKS.md "Fake ABM: full
 * DEP fetch of 200,000 devices".
 *
 * <pre>java -Xmx2g -cp … io.mdmsim.abm.FetchBenchmark [devices] [--data-dir DIR] [--rounds N] [--state-devices N]</pre>
 */
public final class FetchBenchmark {

    private FetchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = 200_000;
        int rounds = 5;
        int stateDevices = -1;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--state-devices" -> stateDevices = Integer.parseInt(args[++i]);
                default -> devices = Integer.parseInt(args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "java %s, %d cores, max heap %d MB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        Instant t0 = Instant.parse("2025-06-02T09:00:00Z");
        SimPki pki = SimPki.create(t0.minus(Duration.ofDays(1)));
        Identity mdm = CertificateAuthority.selfSignedRoot("bench MDM", t0.minus(Duration.ofDays(1)), Duration.ofDays(3650)).identity();

        stateOnly(stateDevices > 0 ? stateDevices : devices);
        long before = usedAfterGc();
        long start = System.nanoTime();
        double cpuStart = cpuMs();
        FakeAbmConfig.Builder cfg = FakeAbmConfig.builder().seed(1).deviceCount(devices).devicesPerMinute(0)
                .clock(SimClock.system()).appleDeviceCa(pki.appleDeviceCa().certificate())
                .sessionTtl(Duration.ofHours(2));
        if (dataDir != null) {
            cfg.dataDir(dataDir);
        }
        try (FakeAbmServer abm = FakeAbmServer.start(cfg.build())) {
            io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
            double startMs = ms(start);
            double startCpu = cpuMs() - cpuStart;
            URI base = abm.baseUri();
            HttpClient http = HttpClient.newHttpClient();
            post(http, base, "/admin/mdm-servers", Map.of("name", "bench", "certificatePem", Pem.encode(mdm.certificate())));
            start = System.nanoTime();
            double cpu0 = cpuMs();
            JsonNode assigned = post(http, base, "/admin/assignments", Map.of("mdmServer", "bench", "all", true));
            double assignMs = ms(start);
            double assignCpu = cpuMs() - cpu0;
            byte[] p7m = http.send(io.mdmsim.core.testing.AdminTokens.authorize(HttpRequest.newBuilder(
                    base.resolve("/admin/mdm-servers/bench/token")).POST(HttpRequest.BodyPublishers.noBody()).build()),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            ServerToken token = ServerToken.fromP7m(p7m, mdm.certificate(), mdm.privateKey());
            long state = usedAfterGc() - before;
            System.out.printf(Locale.ROOT, "inventory of %,d generated and listening in %.0f ms wall (%.0f ms CPU);"
                    + " assign all (%,d) in %.0f ms wall (%.0f ms CPU)%s%n", devices, startMs, startCpu,
                    assigned.get("assigned").asInt(), assignMs, assignCpu, dataDir == null ? "" : ", written to SQLite");
            System.out.printf(Locale.ROOT, "heap held by the fake ABM with everything assigned: %.1f MB = %.0f bytes a device%n",
                    state / 1e6, (double) state / devices);

            String session = session(http, base, token);
            List<Double> times = new ArrayList<>();
            long peak = 0;
            for (int r = 0; r < rounds; r++) {
                resetPeaks();
                double roundCpu = cpuMs();
                start = System.nanoTime();
                int n = fullFetch(http, base, session);
                double t = ms(start);
                double cpu = cpuMs() - roundCpu;
                peak = Math.max(peak, peakHeap());
                if (n != devices) {
                    throw new IllegalStateException("fetched " + n + " of " + devices);
                }
                times.add(t);
                System.out.printf(Locale.ROOT, "  round %d: %,d devices in %d pages, %.0f ms wall (%.0f devices/s), %.0f ms CPU%n",
                        r + 1, n, (n + 999) / 1000, t, n / t * 1000, cpu);
            }
            List<Double> sorted = new ArrayList<>(times.subList(1, times.size()));
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "full fetch of %,d at 1,000 a page: first %.0f ms, then median %.0f ms, best %.0f ms;"
                    + " peak heap during fetches %.0f MB, held after %.1f MB%n", devices, times.getFirst(),
                    sorted.get(sorted.size() / 2), sorted.getFirst(), peak / 1e6, (usedAfterGc() - before) / 1e6);
        }
        if (dataDir != null) {
            start = System.nanoTime();
            double cpu0 = cpuMs();
            try (FakeAbmServer abm = FakeAbmServer.start(cfg.build())) {
            io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
                System.out.printf(Locale.ROOT, "restart on %s: state of %,d devices loaded in %.0f ms wall, %.0f ms CPU;"
                        + " abm.db %.1f MB%n", dataDir, devices, ms(start), cpuMs() - cpu0,
                        Files.size(dataDir.resolve("abm.db")) / 1e6);
            }
        }
    }

    /** The state alone (no listener): heap per device with every device assigned, and a page built from it. */
    private static void stateOnly(int devices) {
        long before = usedAfterGc();
        AbmState state = new AbmState(Instant::now, 0);
        state.addOrganization(FakeAbmConfig.Organization.example());
        state.addDevices(InventoryGenerator.generate(2, devices, InventoryGenerator.DEFAULT_AS_OF),
                FakeAbmConfig.Organization.example().orgId());
        long facts = usedAfterGc() - before;
        state.addServer("s", "uuid", TestCerts.selfSigned("s"));
        state.assignAllUnassigned("s", "admin@example.com");
        long all = usedAfterGc() - before;
        long start = System.nanoTime();
        EventKey high = state.snapshot();
        EventKey last = EventKey.MIN;
        int n = 0;
        AbmState.FetchPage page;
        do {
            page = state.fetch("s", high, last, 1000);
            n += page.devices().size();
            last = page.last();
        } while (page.moreToFollow());
        System.out.printf(Locale.ROOT, "state alone: %.0f bytes a device for the inventory, %.0f with every device assigned;"
                + " %,d devices paged out of it in %.0f ms%n", (double) facts / devices, (double) all / devices, n, ms(start));
        if (state.inventorySize() < 0) {
            throw new AssertionError();
        }
    }

    private static int fullFetch(HttpClient http, URI base, String session) throws Exception {
        String cursor = null;
        int n = 0;
        boolean more;
        do {
            String body = cursor == null ? "{\"limit\":1000}" : "{\"limit\":1000,\"cursor\":\"" + cursor + "\"}";
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/server/devices"))
                    .header("User-Agent", "mdmsim-bench/1").header("X-Server-Protocol-Version", "10")
                    .header("X-ADM-Auth-Session", session).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(r.statusCode() + " " + new String(r.body()));
            }
            JsonNode page = Json.MAPPER.readTree(r.body());
            n += page.get("devices").size();
            cursor = page.get("cursor").asText();
            more = page.get("more_to_follow").asBoolean();
        } while (more);
        return n;
    }

    private static String session(HttpClient http, URI base, ServerToken token) throws Exception {
        String auth = OAuth1.authorizationHeader("GET", base.resolve("/session"), token, OAuth1.nonce(new Random()),
                Instant.now().getEpochSecond());
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/session")).header("User-Agent", "mdmsim-bench/1")
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
        return Json.MAPPER.readTree(r.body()).get("auth_session_token").asText();
    }

    private static JsonNode post(HttpClient http, URI base, String path, Object body) throws Exception {
        HttpResponse<byte[]> r = http.send(io.mdmsim.core.testing.AdminTokens.authorize(HttpRequest.newBuilder(
                base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build()), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + new String(r.body()));
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** CPU time of the whole process (all threads, client and server), in ms: steadier than wall time on a busy box. */
    private static double cpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e6;
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
