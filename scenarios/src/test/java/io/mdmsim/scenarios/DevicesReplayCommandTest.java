package io.mdmsim.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.DeviceTrace;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.TraceOptions;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.cli.DevicesOpsOptions;
import io.mdmsim.scenarios.cli.DevicesReplayCommand;
import io.mdmsim.scenarios.cli.Main;
import io.mdmsim.scenarios.quickstart.AdminClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mdmsim devices replay} and the fleet-life options, against a fake ABM and our MDM. Until the lead registers
 * them under {@code devices}, they run as their own command lines here.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevicesReplayCommandTest {

    @TempDir
    static Path pkiDir;
    private static SimPki pki;
    private static FakeAbmServer abm;
    private static MdmServer mdm;
    private static List<DeviceSpec> inventory;

    private static CliRun run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("mdmsim: " + ex.getMessage());
            return Main.EXIT_RUNTIME;
        });
        return CliRun.run(cl, args);
    }

    @BeforeAll
    static void startServersAndAssignEveryDevice() {
        SimClock clock = SimClock.system();
        pki = SimPki.loadOrCreate(pkiDir, clock.now());
        abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(9).deviceCount(6).clock(clock)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).build());
        mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(9).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri()).depSyncInterval(Duration.ofSeconds(2)).build());
        io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
        AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
        io.mdmsim.core.testing.AdminTokens.register(mdm.baseUri(), mdm.adminToken());
        AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri(), mdm.adminToken());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "replay", "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "replay", "all", true));
        byte[] token = abmAdmin.postForBytes("/admin/mdm-servers/replay/token");
        mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + URLEncoder.encode("a@example.com", StandardCharsets.UTF_8)
                + "&depUrl=" + URLEncoder.encode(abm.baseUri().toString(), StandardCharsets.UTF_8), token,
                "application/pkcs7-mime");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= 6;
        });
        inventory = new ArrayList<>();
        for (JsonNode d : abmAdmin.getJson("/admin/devices")) {
            inventory.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
        }
    }

    @AfterAll
    static void stopServers() {
        if (mdm != null) {
            mdm.close();
        }
        if (abm != null) {
            abm.close();
        }
    }

    private static Path record(Path dir, DeviceSpec device) {
        FleetResult r = DeviceFleet.run(FleetConfig.builder()
                .cloudConfigUrl(abm.baseUri().resolve("/cloudconfig"))
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .addDevice(device)
                .seed(9)
                .keySource(KeySource.reusing(1))
                .traces(TraceOptions.all(dir))
                .build());
        assertTrue(r.allEnrolled(), r.summary());
        return TraceOptions.all(dir).file(device.serialNumber());
    }

    @Test
    void aDeviceReplayedAgainstTheSameServersWalksTheSamePath(@TempDir Path dir) throws Exception {
        Path trace = record(dir, inventory.get(0));
        CliRun r = run(new DevicesReplayCommand(), trace.toString(), "--server", abm.baseUri().toString(), "--pki-dir",
                pkiDir.toString());
        assertEquals(Main.EXIT_OK, r.exit(), r.out() + r.err());
        String serial = inventory.get(0).serialNumber();
        assertTrue(r.out().startsWith("mdmsim devices replay: " + serial), r.out());
        assertTrue(r.out().contains("replayed       ENROLLED against " + abm.baseUri() + "/cloudconfig"), r.out());
        assertTrue(r.out().contains("the replay made the same"), r.out());
        Path replay = dir.resolve(serial + ".replay.jsonl");
        assertTrue(r.out().contains("trace          " + replay), r.out());
        DeviceTrace a = DeviceTrace.read(trace);
        DeviceTrace b = DeviceTrace.read(replay);
        assertEquals(a.udid(), b.udid());
        assertEquals(a.exchanges().size(), b.exchanges().size());
    }

    @Test
    void aReplayAgainstAServerThatIsDownSaysWhereItDiffersAndExitsOne(@TempDir Path dir) throws Exception {
        Path trace = record(dir, inventory.get(1));
        Path out = dir.resolve("again.jsonl");
        CliRun r = run(new DevicesReplayCommand(), trace.toString(), "--server", "http://127.0.0.1:1",
                "--pki-dir", pkiDir.toString(), "--out", out.toString());
        assertEquals(Main.EXIT_EXPECTATION_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("replayed       FAILED at "), r.out());
        assertTrue(r.out().contains("POST http://127.0.0.1:1/cloudconfig failed"), r.out());
        assertTrue(r.out().contains("compared       exchange "), r.out());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void aMissingOrBrokenTraceIsBadUsage(@TempDir Path dir) throws Exception {
        CliRun missing = run(new DevicesReplayCommand(), dir.resolve("nope.jsonl").toString());
        assertEquals(Main.EXIT_USAGE, missing.exit());
        assertTrue(missing.err().contains("is not a file (expected: a device trace written by --trace-dir)"),
                missing.err());
        Path broken = Files.writeString(dir.resolve("x.jsonl"), "hello\n");
        CliRun bad = run(new DevicesReplayCommand(), broken.toString());
        assertEquals(Main.EXIT_USAGE, bad.exit());
        assertTrue(bad.err().contains(broken + ":1: not JSON"), bad.err());
        CliRun url = run(new DevicesReplayCommand(), broken.toString(), "--server", "nope");
        assertEquals(Main.EXIT_USAGE, url.exit());
    }

    /** A stand-in for {@code mdmsim devices} that only mixes in the options. */
    @CommandLine.Command(name = "devices")
    static final class OpsOnly implements Callable<Integer> {
        @CommandLine.Mixin
        DevicesOpsOptions ops;

        List<DeviceSpec> selected;
        FleetConfig config;

        @Override
        public Integer call() {
            ops.validate();
            selected = ops.shard(inventory);
            config = ops.applyTo(FleetConfig.builder().cloudConfigUrl(abm.baseUri().resolve("/cloudconfig"))
                    .appleDeviceCa(pki.appleDeviceCa().identity()).devices(selected), pki).build();
            return 0;
        }
    }

    @Test
    void theFleetOptionsReachTheFleetAndTheShardsSplitTheInventory() {
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            OpsOnly c = new OpsOnly();
            CliRun r = run(c, "--shard", i + "/3", "--lifetime", "8h", "--checkin-interval", "4h", "--trace-dir",
                    "traces", "--trace-all", "--max-connections", "32", "--apns", "http://127.0.0.1:9999");
            assertEquals(0, r.exit(), r.err());
            assertEquals(2, c.selected.size());
            c.selected.forEach(d -> all.add(d.serialNumber()));
            assertEquals(Duration.ofHours(8), c.config.lifetime());
            assertEquals(Duration.ofHours(4), c.config.checkinInterval());
            assertEquals(32, c.config.maxConnections());
            assertEquals(TraceOptions.Mode.ALL, c.config.traces().mode());
            assertEquals("http://127.0.0.1:9999", c.config.apnsUrl().toString());
        }
        assertEquals(inventory.stream().map(DeviceSpec::serialNumber).sorted().toList(), all.stream().sorted().toList());
    }

    @Test
    void badFleetOptionsAreBadUsage() {
        assertUsage("--shard index: 4 (expected: 1..3, e.g. --shard 1/3)", "--shard", "4/3");
        assertUsage("--shard: x (expected: i/n with 1 <= i <= n, e.g. 2/4)", "--shard", "x");
        assertUsage("--trace-all needs --trace-dir DIR", "--trace-all");
        assertUsage("--key-pool: 0 (expected: 1..10000)", "--key-pool", "0");
        assertUsage("--key-pool-file needs --key-pool N", "--key-pool-file", "k.pem");
        assertUsage("--max-connections: 0 (expected: 1..20000)", "--max-connections", "0");
        assertUsage("'1y' is not a duration", "--lifetime", "1y");
    }

    private static void assertUsage(String message, String... args) {
        CliRun r = run(new OpsOnly(), args);
        assertEquals(Main.EXIT_USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(message), "expected \"" + message + "\" in:\n" + r.err());
    }
}
