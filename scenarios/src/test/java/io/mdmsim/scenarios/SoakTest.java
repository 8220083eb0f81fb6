package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.UnixOperatingSystemMXBean;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.device.Timeouts;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak: managed devices live through simulated hours on a scaled clock while the MDM queues commands to all of them
 * every ten simulated minutes; answers are lost and connections reset (2 % each), a tenth of those commands are
 * answered NotNow, the fake APNs refuses every push for a while, and the MDM is stopped and started again on its data
 * directory. Every command is counted: each ends in exactly one terminal state, none is lost, none is handed out again
 * after its terminal report; heap and file descriptors are measured once the fleet is managed and at the end.
 *
 * <p>In {@code ./build verify}: 20 devices for 2 simulated hours at 120x (about a minute). A day of 1,000:
 * {@code -Dmdmsim.soak.devices=1000 -Dmdmsim.soak.duration=PT24H -Dmdmsim.soak.scale=240}. Figures in BENCHMARKS.md.
 */
@Tag("slow")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class SoakTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "soak-test-admin-token-0123456789";
    private static final Set<String> TERMINAL_REPORTS = Set.of("Acknowledged", "Error", "CommandFormatError");
    private static final Set<String> TERMINAL_STATES = Set.of("ACKNOWLEDGED", "ERROR", "COMMAND_FORMAT_ERROR",
            "CANCELED");
    private static final Duration ROUND = Duration.ofMinutes(10);
    /** What the MDM queues in the soak: a command the enrollment itself does not use, so NotNow hits only these. */
    private static final String COMMAND = "SecurityInfo";

    private final int devices = Integer.getInteger("mdmsim.soak.devices", 20);
    private final Duration simulated = Duration.parse(System.getProperty("mdmsim.soak.duration", "PT2H"));
    private final double scale = Double.parseDouble(System.getProperty("mdmsim.soak.scale", "120"));

    @TempDir
    Path tmp;

    /** What the MDM's event stream said about the commands, across its restarts. */
    private final Map<String, Integer> terminalReports = new HashMap<>();
    private final Map<String, Integer> handedOutAfterTerminal = new TreeMap<>();
    private long notNow;
    private long lastSeq;

    @Test
    void everyCommandEndsOnceThroughDropsNotNowAnApnsOutageAndARestart() throws Exception {
        SimClock clock = SimClock.scaled(scale);
        SimPki pki = SimPki.create(clock.now());
        int port = freePort();
        MdmConfig mdmConfig;
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(41).deviceCount(devices).clock(clock)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).apnsTls(pki.tlsServer())
                .build())) {
            mdmConfig = MdmConfig.builder().clock(clock).seed(41).port(port).dataDir(tmp.resolve("mdm"))
                    .adminToken(ADMIN_TOKEN).scepCa(pki.scepCa().identity())
                    .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri())
                    .depSyncInterval(Duration.ofMinutes(10)).challengeTtl(Duration.ofDays(1))
                    .apnsUrl(abm.apnsUri()).apnsTrustAnchors(List.of(pki.root().certificate()))
                    .eventBufferSize(200_000).build();
            MdmServer mdm = MdmServer.start(mdmConfig);
            try {
                AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());
                AdminClient mdmAdmin = new AdminClient("MDM", mdm.baseUri(), ADMIN_TOKEN);
                ManagedFleet.provision(abm, abmAdmin, mdmAdmin, "soak", devices);
                Set<String> managed = ConcurrentHashMap.newKeySet();
                FleetConfig managedFleet = ManagedFleet.config(abm, abmAdmin, pki, clock, 41, managed,
                        Behaviour.builder().dropRate(0.02).resetRate(0.02).networkRetries(8)
                                .commandFault(COMMAND, 0.1, 0).build());
                Map<String, String> progress = new ConcurrentHashMap<>(); // serial -> stage, or how it failed
                // No stage timeouts: they are simulated time, and at 480x a 5-minute stage is 0.6 real seconds, which a
                // loaded machine overruns; a device stuck in enrollment shows in the progress below instead.
                // the devices live until the test ends the fleet: a lifetime counted from enrollment could end a device's life
                // before the last commands and their NotNow polls (at 480x a slow enrollment is many simulated hours)
                FleetConfig config = managedFleet.toBuilder().lifetime(Duration.ofDays(3650))
                        .traces(new io.mdmsim.device.TraceOptions(tmp.resolve("traces"), io.mdmsim.device.TraceOptions.Mode.ALL, 4096))
                        .timeouts(new Timeouts(null, Map.of()))
                        .listener(new FleetListener() {
                            @Override
                            public void stageEntered(DeviceRef device, Stage stage) {
                                progress.put(device.serialNumber(), stage.toString());
                                managedFleet.listener().stageEntered(device, stage);
                            }

                            @Override
                            public void stageFailed(DeviceRef device, Stage stage, Outcome outcome, String reason) {
                                progress.put(device.serialNumber(), outcome + " at " + stage + ": " + reason);
                            }
                        }).build();
                CompletableFuture<FleetResult> run = new CompletableFuture<>();
                Thread fleet = Thread.ofVirtual().start(() -> {
                    try {
                        run.complete(DeviceFleet.run(config));
                    } catch (Throwable t) {
                        run.completeExceptionally(t);
                    }
                });
                try {
                    await().atMost(Duration.ofMinutes(5)).until(() -> managed.size() == devices || run.isDone());
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(managed.size() + " of " + devices + " devices managed in 5 minutes; where"
                            + " each is: " + new TreeMap<>(progress), e);
                }
                if (run.isDone()) {
                    FleetResult early = run.get();
                    throw new AssertionError("the fleet ended before every device was managed: " + early.summary());
                }
                Usage start = Usage.now();

                Instant t0 = clock.now();
                Instant outageFrom = t0.plus(simulated.dividedBy(4));
                Instant outageUntil = t0.plus(simulated.dividedBy(2));
                Instant restartAt = t0.plus(simulated.multipliedBy(5).dividedBy(8));
                boolean outage = false;
                boolean restarted = false;
                List<String[]> queued = new ArrayList<>(); // {udid, commandUuid}
                for (Instant round = t0; round.isBefore(t0.plus(simulated)); round = round.plus(ROUND)) {
                    Instant due = round;
                    await().atMost(Duration.ofMinutes(5)).until(() -> !clock.now().isBefore(due));
                    if (!outage && !round.isBefore(outageFrom) && round.isBefore(outageUntil)) {
                        abmAdmin.postJson("/admin/apns/faults", Map.of("reason", "ServiceUnavailable", "rate", 1.0));
                        outage = true;
                    } else if (outage && !round.isBefore(outageUntil)) {
                        abmAdmin.exchange("DELETE", "/admin/apns/faults", null);
                        outage = false;
                    }
                    if (!restarted && !round.isBefore(restartAt)) {
                        drain(mdmAdmin);
                        mdm.close();
                        mdm = MdmServer.start(mdmConfig);
                        lastSeq = 0; // a restarted MDM numbers on, but keeps no events of before
                        restarted = true;
                    }
                    for (String udid : managed) {
                        String uuid = mdmAdmin.postJson("/admin/devices/" + udid + "/commands",
                                Map.of("requestType", COMMAND))
                                .path("commandUuid").asText();
                        queued.add(new String[] {udid, uuid});
                    }
                    drain(mdmAdmin);
                }
                // the end: no more faults; every device is pushed once more, and answers what it still holds
                abmAdmin.exchange("DELETE", "/admin/apns/faults", null);
                for (String udid : managed) {
                    mdmAdmin.postJson("/admin/devices/" + udid + "/push", Map.of());
                }
                try {
                    await().atMost(Duration.ofMinutes(10)).until(() -> {
                        drain(mdmAdmin);
                        return open(mdmAdmin, queued).isEmpty();
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("commands still open 10 minutes after the last push, by state: "
                            + open(mdmAdmin, queued) + " of " + queued.size() + "\n" + explainOpen(mdmAdmin, queued), e);
                }
                drain(mdmAdmin);
                Usage end = Usage.now();

                Map<String, Long> states = new TreeMap<>();
                for (String[] q : queued) {
                    JsonNode c = mdmAdmin.getJson("/admin/devices/" + q[0] + "/commands/" + q[1]);
                    states.merge(c.path("state").asText(), 1L, Long::sum);
                }
                long acknowledged = states.getOrDefault("ACKNOWLEDGED", 0L);
                long duplicated = terminalReports.values().stream().filter(n -> n > 1).count();
                long refusedPushes = abmAdmin.getJson("/admin/apns/stats").path("rejected").asLong();
                System.out.printf("soak: %d devices, %s simulated at %.0fx: %d commands %s; NotNow answers %d; pushes"
                        + " refused by the APNs outage %d; terminal reports resent after a lost answer %d; heap %d -> %d"
                        + " MB, file descriptors %d -> %d%n", devices, simulated, scale, queued.size(), states, notNow,
                        refusedPushes, duplicated, start.heapMb(), end.heapMb(), start.fds(), end.fds());
                assertTrue(notNow > 0 && refusedPushes > 0, "the faults happened: NotNow " + notNow
                        + ", refused pushes " + refusedPushes);

                assertEquals(queued.size(), states.entrySet().stream().filter(e -> TERMINAL_STATES.contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue).sum(), "every command ends in a terminal state: " + states);
                assertEquals(queued.size(), acknowledged, COMMAND + " is always acknowledged: " + states);
                assertEquals(Map.of(), handedOutAfterTerminal, "no command is handed out again after its terminal report");
                for (String[] q : queued) {
                    assertTrue(terminalReports.containsKey(q[1]), "a terminal report for " + q[1]);
                }
                assertTrue(end.fds() < start.fds() + 200, "file descriptors " + start.fds() + " -> " + end.fds());
                assertTrue(end.heapMb() < start.heapMb() * 2 + 256, "heap " + start.heapMb() + " -> " + end.heapMb()
                        + " MB");

                fleet.interrupt();
                FleetResult result = run.get(5, TimeUnit.MINUTES);
                assertTrue(result.allEnrolled(), result.summary());
            } finally {
                mdm.close();
            }
        }
    }

    /** Each open command's record and the end of its device's trace: what a failing soak needs to be understood. */
    private String explainOpen(AdminClient mdm, List<String[]> queued) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (String[] q : queued) {
            JsonNode c = mdm.getJson("/admin/devices/" + q[0] + "/commands/" + q[1]);
            if (TERMINAL_STATES.contains(c.path("state").asText()) || shown++ >= 3) {
                continue;
            }
            out.append("open: ").append(q[0]).append(' ').append(c).append('\n');
            try (var files = java.nio.file.Files.list(tmp.resolve("traces"))) {
                for (Path f : files.toList()) {
                    List<String> lines = java.nio.file.Files.readAllLines(f);
                    if (lines.stream().anyMatch(l -> l.contains(q[0]))) {
                        out.append("  trace ").append(f.getFileName()).append(", last lines:\n");
                        lines.subList(Math.max(0, lines.size() - 40), lines.size())
                                .forEach(l -> {
                                    String line = l.replaceAll("\"Mdm-Signature\":\"[^\"]*\"", "");
                                    out.append("    ").append(line, 0, Math.min(line.length(), 700)).append('\n');
                                });
                    }
                }
            } catch (java.io.IOException e) {
                out.append("  (traces unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    /** Commands of the list not (yet) in a terminal state, by state. */
    private static Map<String, Long> open(AdminClient mdm, List<String[]> queued) {
        Map<String, Long> open = new TreeMap<>();
        Map<String, Map<String, String>> byDevice = new HashMap<>();
        for (String[] q : queued) {
            Map<String, String> states = byDevice.computeIfAbsent(q[0], udid -> {
                Map<String, String> m = new HashMap<>();
                mdm.getJson("/admin/devices/" + udid + "/commands").forEach(c -> m.put(c.path("commandUuid").asText(),
                        c.path("state").asText()));
                return m;
            });
            String state = states.getOrDefault(q[1], "MISSING");
            if (!TERMINAL_STATES.contains(state)) {
                open.merge(state, 1L, Long::sum);
            }
        }
        return open;
    }

    /** Reads the MDM's events since the last call: terminal reports per command, and commands handed out after one. */
    private void drain(AdminClient mdm) throws IOException {
        while (true) {
            String text = mdm.getText("/admin/events?after=" + lastSeq + "&limit=10000");
            if (text.isBlank()) {
                return;
            }
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = JSON.readTree(line);
                lastSeq = Math.max(lastSeq, e.path("seq").asLong());
                String next = e.path("nextCommandUuid").asText("");
                if (!next.isEmpty() && terminalReports.containsKey(next)) {
                    handedOutAfterTerminal.merge(next, 1, Integer::sum);
                }
                if (e.path("type").asText().equals("report") && e.path("httpStatus").asInt() == 200) {
                    String status = e.path("status").asText();
                    if (TERMINAL_REPORTS.contains(status)) {
                        terminalReports.merge(e.path("commandUuid").asText(), 1, Integer::sum);
                    } else if (status.equals("NotNow")) {
                        notNow++;
                    }
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Heap in use after a collection, and the open file descriptors of this JVM. */
    private record Usage(long heapMb, long fds) {
        static Usage now() {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
            long fds = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                    ? unix.getOpenFileDescriptorCount() : -1;
            return new Usage(heap, fds);
        }
    }
}
