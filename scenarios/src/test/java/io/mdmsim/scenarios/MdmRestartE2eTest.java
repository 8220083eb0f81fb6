package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mdmsim mdm --data-dir} killed with SIGKILL (kill -9) in the middle of a run and started again on the same
 * directory and port: the virtual devices enrolled before go on checking in and answering commands, the commands
 * queued before the kill are delivered exactly once, the DEP token needs no new upload and goes on syncing, the DEP key
 * is the same; the data directory is private. The MDM is a separate {@code mdmsim mdm} process; the fake ABM (with its
 * fake APNs) and the virtual devices run in this JVM and outlive it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MdmRestartE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES = 3;

    @TempDir
    Path tmp;

    @Test
    void anMdmKilledMidRunCarriesOnFromItsDataDirectory() throws Exception {
        SimClock clock = SimClock.system();
        Path pkiDir = tmp.resolve("pki");
        Path dataDir = tmp.resolve("mdm-data");
        SimPki pki = SimPki.loadOrCreate(pkiDir, clock.now());
        int port = freePort();
        URI mdmUri = URI.create("http://127.0.0.1:" + port);
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(31).deviceCount(DEVICES).clock(clock)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).apnsTls(pki.tlsServer())
                .build())) {
            List<String> args = List.of("mdm", "--port", Integer.toString(port), "--seed", "31",
                    "--pki-dir", pkiDir.toString(), "--data-dir", dataDir.toString(),
                    "--dep-url", abm.baseUri().toString(), "--apns-url", abm.apnsUri().toString(),
                    "--dep-sync-interval", "2s");
            AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri());
            AdminClient mdmAdmin = new AdminClient("MDM", mdmUri);

            MdmProcess first = MdmProcess.start(args, tmp.resolve("mdm-1.log"), mdmUri);
            String depKey;
            String tokenName;
            Set<String> managed = ConcurrentHashMap.newKeySet();
            Thread fleet;
            CompletableFuture<FleetResult> run = new CompletableFuture<>();
            Map<String, String> queuedBeforeKill = new LinkedHashMap<>();
            try {
                depKey = mdmAdmin.getText("/admin/dep/public-key");
                tokenName = ManagedFleet.provision(abm, abmAdmin, mdmAdmin, "restart", DEVICES);

                FleetConfig config = ManagedFleet.config(abm, abmAdmin, pki, clock, 31, managed);
                fleet = Thread.ofVirtual().start(() -> run.complete(DeviceFleet.run(config)));
                await().atMost(Duration.ofSeconds(90)).until(() -> managed.size() == DEVICES);
                await().atMost(Duration.ofSeconds(30)).until(() -> states(mdmAdmin).values().stream()
                        .allMatch("CONFIGURED"::equals));
                // queued without a push: still waiting when the server dies
                for (String udid : managed) {
                    queuedBeforeKill.put(udid, mdmAdmin.postJson("/admin/devices/" + udid + "/commands?push=false",
                            Map.of("requestType", "DeviceInformation", "Queries", List.of("DeviceName", "OSVersion")))
                            .path("commandUuid").asText());
                }
            } finally {
                first.kill9();
            }

            assertEquals("rwx------", mode(dataDir));
            assertEquals("rw-------", mode(dataDir.resolve("mdm.db")));
            MdmProcess second = MdmProcess.start(args, tmp.resolve("mdm-2.log"), mdmUri);
            try {
                assertEquals(depKey, mdmAdmin.getText("/admin/dep/public-key"), "the same DEP key");
                JsonNode token = mdmAdmin.getJson("/admin/dep/tokens").path(0);
                assertEquals(tokenName, token.path("name").asText(), "the token is there without a new upload");
                assertEquals(DEVICES, token.path("assigned").asInt());
                int syncsBefore = token.path("syncs").asInt();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
                    return t.path("syncs").asInt() > syncsBefore && t.path("syncState").asText().equals("SYNCED");
                }); // and goes on syncing with the fake ABM
                assertEquals(managed, states(mdmAdmin).keySet(), "every enrolled device is known");

                // the commands queued before the kill are delivered once each, woken by a push
                for (String udid : managed) {
                    mdmAdmin.postJson("/admin/devices/" + udid + "/push", Map.of());
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> queuedBeforeKill.entrySet().stream()
                        .allMatch(e -> command(mdmAdmin, e.getKey(), e.getValue()).path("state").asText()
                                .equals("ACKNOWLEDGED")));
                for (Map.Entry<String, String> e : queuedBeforeKill.entrySet()) {
                    JsonNode c = command(mdmAdmin, e.getKey(), e.getValue());
                    assertEquals(1, c.path("timesSent").asInt(), "sent once: " + c);
                    assertTrue(c.path("result").path("QueryResponses").has("DeviceName"), c.toString());
                }
                assertEquals(DEVICES, acknowledgedReports(mdmUri, Set.copyOf(queuedBeforeKill.values())),
                        "one Acknowledged report per command, none repeated");

                // and they go on answering new commands
                String udid = managed.iterator().next();
                String lock = mdmAdmin.postJson("/admin/devices/" + udid + "/commands",
                        Map.of("requestType", "DeviceInformation", "Queries", List.of("SerialNumber")))
                        .path("commandUuid").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> command(mdmAdmin, udid, lock).path("state").asText()
                        .equals("ACKNOWLEDGED"));
                assertTrue(!queuedBeforeKill.containsValue(lock), "a new command UUID after the restart");
            } finally {
                fleet.interrupt();
                run.get(60, TimeUnit.SECONDS);
                second.stop();
            }
            FleetResult result = run.get();
            assertTrue(result.allEnrolled(), result.summary());
            Path sqlite3 = io.mdmsim.core.testing.ExternalTools.require("sqlite3", "sqlite3");
            String check = io.mdmsim.core.testing.ExternalTools.run(null, sqlite3, dataDir.resolve("mdm.db"),
                    "PRAGMA integrity_check; SELECT count(*) FROM devices; SELECT count(*) FROM dep_tokens;")
                    .stdoutText();
            assertEquals("ok\n" + DEVICES + "\n1\n", check);
        }
    }

    private static Map<String, String> states(AdminClient mdm) {
        Map<String, String> out = new LinkedHashMap<>();
        mdm.getJson("/admin/devices").forEach(d -> out.put(d.path("udid").asText(),
                d.path("enrollmentState").asText()));
        return out;
    }

    private static JsonNode command(AdminClient mdm, String udid, String uuid) {
        return mdm.getJson("/admin/devices/" + udid + "/commands/" + uuid);
    }

    /** How many Acknowledged reports of these commands the restarted server's event log holds. */
    private static long acknowledgedReports(URI mdm, Set<String> uuids) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(mdm.resolve(
                "/admin/events?after=0&limit=10000")).GET().build(), HttpResponse.BodyHandlers.ofString());
        long n = 0;
        for (String line : r.body().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = JSON.readTree(line);
            if (e.path("type").asText().equals("report") && e.path("status").asText().equals("Acknowledged")
                    && uuids.contains(e.path("commandUuid").asText())) {
                n++;
            }
        }
        return n;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code mdmsim mdm} in its own JVM, its output in a log file. */
    private record MdmProcess(Process process, Path log) {

        static MdmProcess start(List<String> args, Path log, URI base) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "io.mdmsim.scenarios.cli.Main"));
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            MdmProcess mdm = new MdmProcess(p, log);
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("mdmsim mdm exited with " + p.exitValue() + ":\n" + mdm.output());
                    }
                    return mdm.output().contains("Running; press Ctrl-C to stop.");
                });
            } catch (RuntimeException | Error e) {
                p.destroyForcibly();
                throw e;
            }
            return mdm;
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        /** SIGKILL: no shutdown hook, no close, nothing flushed by the server. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed");
            assertEquals(137, process.exitValue(), "128 + SIGKILL");
        }

        /** SIGTERM: the shutdown hook closes the server (the JVM then exits with 128 + 15). */
        void stop() throws InterruptedException, IOException {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stopped");
            assertEquals(143, process.exitValue(), output());
            assertTrue(!output().contains("error while stopping"), output());
        }
    }
}
