package io.mdmsim.scenarios.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.file.ScenariosJson;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
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
 * {@code mdmsim bench abm-fetch}: a full DEP fetch from the fake ABM as an MDM does it (OAuth 1.0a session, then
 * {@code POST /server/devices} page by page with the cursor until {@code more_to_follow} is false, each page parsed),
 * pacing off. The client is this benchmark: a DEP client's work, reported apart from the fake ABM's.
 */
@Command(name = "abm-fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A full DEP fetch of every device from the fake ABM: OAuth 1.0a GET /session, then POST"
                + " /server/devices with the cursor until more_to_follow is false, each page parsed (Jackson), the"
                + " fake ABM's pace off. Throughput is devices fetched a second; CPU per 1,000 devices."})
final class AbmFetchBench implements Callable<Integer> {

    private static final ObjectMapper JSON = ScenariosJson.MAPPER;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "200000",
            description = "Devices in the fake ABM, all assigned to the MDM server fetched (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--page", paramLabel = "L", defaultValue = "1000",
            description = "The fetch limit, devices per page, 1..1000 (default ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "5",
            description = "Measured full fetches (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", paramLabel = "R", defaultValue = "1",
            description = "Full fetches first, not measured (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--split", description = "Run the fake ABM as a process of its own.")
    boolean split;

    @Option(names = "--server-jvm-args", paramLabel = "ARGS", split = " ",
            description = "JVM options of the fake ABM process with --split.")
    List<String> serverJvmArgs = new ArrayList<>();

    @Mixin
    BenchOptions common;

    @Override
    public Integer call() throws Exception {
        common.range("--devices", devices, 1, 1_000_000);
        common.range("--page", page, 1, 1000);
        common.range("--rounds", rounds, 1, 1000);
        common.range("--warmup", warmup, 0, 1000);
        PrintWriter out = common.spec.commandLine().getOut();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("devices", devices);
        options.put("page", page);
        options.put("rounds", rounds);
        options.put("warmup", warmup);
        options.put("split", split);
        options.put("seed", common.seed);
        List<String> variant = List.of(split ? "two processes (fake ABM, DEP client)" : "one JVM",
                "pace off", page + " devices a page");
        Report report = new Report("abm-fetch", "device", common.args(), options, variant);
        out.printf(Locale.ROOT, "mdmsim bench abm-fetch: %,d devices × %d rounds (+%d warm-up), %s%n", devices,
                rounds, warmup, String.join(", ", variant));
        out.flush();
        World.Spec spec = new World.Spec().abm(devices).split(split, serverJvmArgs).seed(common.seed);
        spec.mdm = false;
        try (CpuSampler sampler = new CpuSampler(); World world = World.start(spec, sampler)) {
            AdminClient abm = new AdminClient("fake ABM", world.abm(), world.adminToken());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            sampler.claimNewClients(CpuSampler.DRIVER);
            Identity mdm = CertificateAuthority.selfSignedRoot("bench MDM", world.clock.now().minus(Duration.ofDays(1)),
                    Duration.ofDays(3650)).identity();
            abm.postJson("/admin/mdm-servers", Map.of("name", "bench", "certificatePem",
                    Pem.encode(mdm.certificate())));
            abm.postJson("/admin/assignments", Map.of("mdmServer", "bench", "all", true));
            ServerToken token = ServerToken.fromP7m(abm.postForBytes("/admin/mdm-servers/bench/token"),
                    mdm.certificate(), mdm.privateKey());
            String session = session(http, world.abm(), token);
            Latencies latencies = new Latencies().declare("page").declare("full fetch");
            for (int r = 0; r < warmup; r++) {
                long t = System.nanoTime();
                fullFetch(http, world.abm(), session, new Latencies());
                out.printf(Locale.ROOT, "  warm-up %d: %.2f s%n", r + 1, (System.nanoTime() - t) / 1e9);
            }
            Proc.heapUsedAfterGc();
            Window window = Window.open(world, sampler);
            long fetched = 0;
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                int n = fullFetch(http, world.abm(), session, latencies);
                latencies.record("full fetch", System.nanoTime() - t);
                fetched += n;
                out.printf(Locale.ROOT, "  round %d: %,d devices in %.2f s%n", r + 1, n, (System.nanoTime() - t) / 1e9);
                out.flush();
            }
            window.close();
            long expected = (long) devices * rounds;
            report.throughput(fetched, expected - fetched, window.seconds());
            report.stages(latencies);
            window.report(report, fetched);
            report.memory("heap after GC (this JVM)", Proc.heapUsedAfterGc());
            window.memory(report);
            common.finish(report, out);
            return fetched == expected ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
        }
    }

    private int fullFetch(HttpClient http, URI base, String session, Latencies latencies) throws Exception {
        String cursor = null;
        int n = 0;
        boolean more;
        do {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("limit", page);
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/server/devices"))
                    .header("User-Agent", "mdmsim-bench/1").header("X-Server-Protocol-Version", "10")
                    .header("Content-Type", "application/json").header("X-ADM-Auth-Session", session)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST /server/devices answered " + r.statusCode() + ": "
                        + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            JsonNode p = JSON.readTree(r.body());
            latencies.record("page", System.nanoTime() - t);
            n += p.path("devices").size();
            cursor = p.path("cursor").asText();
            more = p.path("more_to_follow").asBoolean();
        } while (more);
        return n;
    }

    private static String session(HttpClient http, URI base, ServerToken token) throws Exception {
        String auth = OAuth1.authorizationHeader("GET", base.resolve("/session"), token,
                OAuth1.nonce(new SecureRandom()), System.currentTimeMillis() / 1000);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/session"))
                .header("User-Agent", "mdmsim-bench/1").header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /session answered " + r.statusCode());
        }
        return JSON.readTree(r.body()).path("auth_session_token").asText();
    }
}
