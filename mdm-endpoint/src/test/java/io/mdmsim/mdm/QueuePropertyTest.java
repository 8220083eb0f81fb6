package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.time.ManualClock;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.queue.CommandView;
import io.mdmsim.mdm.reference.ReferenceMdmService;
import io.mdmsim.mdm.service.MdmRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The queue property: under random dropped requests, dropped responses, duplicated and stale replayed
 * reports and NotNow, every command ends in exactly one terminal state, none is lost and none is run twice. A model
 * device behaves as Apple describes (AppleDoc:sending-mdm-commands-to-a-device): it runs each command it receives,
 * keeps its result until the server has taken it (a non-200 or lost answer means "send it again"), and polls Idle
 * otherwise. Many seeds against the service API, a few over real HTTP.
 */
class QueuePropertyTest {

    private static final String UDID = "UDID-PROPERTY";
    private static final String TOPIC = "com.apple.mgmt.External.property";
    private static final List<String> TYPES = List.of("DeviceLock", "ProfileList", "SecurityInfo", "RestartDevice");

    /** Where the model device sends its reports and the admin queues commands. */
    private interface Transport {
        /** Delivers a report; the server's next command. */
        Optional<Command> report(CommandResult r);

        void enqueue(Command c);

        /** commandUuid -> [state, wire status, timesSent] from the server's history. */
        Map<String, String[]> history();
    }

    static Stream<Long> manySeeds() {
        return LongStream.rangeClosed(1, 300).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("manySeeds")
    void holdsOverTheServiceApi(long seed) {
        ManualClock clock = SimClock.manual(TestPki.T0);
        DeviceRegistry registry = new DeviceRegistry();
        ReferenceMdmService service = new ReferenceMdmService(registry, clock, new Ids(seed));
        X509Certificate identity = TestPki.PKI.scepCa().certificate();
        MdmRequest request = new MdmRequest(UDID, identity);
        service.checkin(request, Authenticate.forDevice(TOPIC, UDID, "S", "iPhone15,2", "18.1", "22B83", null, null));
        service.checkin(request, TokenUpdate.forDevice(TOPIC, UDID, new byte[32], "magic", null, false));
        Transport transport = new Transport() {
            @Override
            public Optional<Command> report(CommandResult r) {
                clock.advance(java.time.Duration.ofSeconds(1));
                return service.report(request, CommandResult.parse(r.toXml()));
            }

            @Override
            public void enqueue(Command c) {
                service.enqueue(UDID, c).orElseThrow();
            }

            @Override
            public Map<String, String[]> history() {
                Map<String, String[]> out = new LinkedHashMap<>();
                for (CommandView v : service.history(UDID).orElseThrow()) {
                    out.put(v.commandUuid(), new String[] {v.state().name(), v.status(),
                            Integer.toString(v.timesSent())});
                }
                return out;
            }
        };
        new Model(seed, transport, 200).run();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("httpSeeds")
    void holdsOverHttp(long seed) {
        try (TestServer t = new TestServer(b -> b.seed(seed))) {
            TestDevice d = t.enrolled(UDID, false);
            Transport transport = new Transport() {
                @Override
                public Optional<Command> report(CommandResult r) {
                    HttpResponse<byte[]> response = d.report(t.base, r);
                    assertEquals(200, response.statusCode(), () -> new String(response.body()));
                    return response.body().length == 0 ? Optional.empty() : Optional.of(Command.parse(response.body()));
                }

                @Override
                public void enqueue(Command c) {
                    HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/devices/"
                            + UDID + "/commands?push=false")).header("Content-Type", "application/xml")
                            .POST(BodyPublishers.ofByteArray(c.toXml())).build());
                    assertEquals(201, r.statusCode(), () -> new String(r.body()));
                }

                @Override
                public Map<String, String[]> history() {
                    Map<String, String[]> out = new LinkedHashMap<>();
                    for (JsonNode v : t.get("/admin/devices/" + UDID + "/commands")) {
                        out.put(v.path("commandUuid").asText(), new String[] {v.path("state").asText(),
                                v.path("status").asText(null), v.path("timesSent").asText()});
                    }
                    return out;
                }
            };
            new Model(seed, transport, 80).run();
        }
    }

    static Stream<Long> httpSeeds() {
        return Stream.of(11L, 22L, 33L);
    }

    @Test
    void theModelCatchesAServerThatSendsACompletedCommandAgain() {
        // The check itself must be able to fail: a "server" that answers every report with the same command.
        Command same = Commands.securityInfo("C-AGAIN");
        Transport broken = new Transport() {
            @Override
            public Optional<Command> report(CommandResult r) {
                return Optional.of(same);
            }

            @Override
            public void enqueue(Command c) {
            }

            @Override
            public Map<String, String[]> history() {
                return Map.of();
            }
        };
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> new Model(1, broken, 50).run());
        assertTrue(e.getMessage().contains("run twice"), e.getMessage());
    }

    /** One run: a random schedule of enqueues and faults, then a fault-free drain, then the checks. */
    private static final class Model {
        private final long seed;
        private final Random random;
        private final Transport server;
        private final int steps;
        private final List<String> enqueued = new ArrayList<>();
        private final Set<String> executed = new HashSet<>();
        /** The terminal status the device reported for each command it ran. */
        private final Map<String, CommandStatus> outcomes = new HashMap<>();
        private final List<CommandResult> sentBefore = new ArrayList<>();
        private CommandResult pending;
        private int notNows;
        private int faults;

        Model(long seed, Transport server, int steps) {
            this.seed = seed;
            this.random = new Random(seed);
            this.server = server;
            this.steps = steps;
        }

        void run() {
            int total = 5 + random.nextInt(20);
            for (int step = 0; step < steps; step++) {
                if (enqueued.size() < total && random.nextInt(3) == 0) {
                    enqueueOne();
                }
                exchange(true);
            }
            while (enqueued.size() < total) {
                enqueueOne();
            }
            // Drain without faults: the device polls until it has nothing to report and the server nothing to send.
            for (int i = 0; ; i++) {
                if (i > 10 * total + 10) {
                    fail("seed " + seed + ": the queue did not drain; lost commands? " + server.history().keySet());
                }
                boolean idle = pending == null;
                Optional<Command> next = exchange(false);
                if (idle && next.isEmpty()) {
                    break;
                }
            }
            check();
        }

        private void enqueueOne() {
            String uuid = "C-" + seed + "-" + enqueued.size();
            String type = TYPES.get(random.nextInt(TYPES.size()));
            server.enqueue(Commands.raw(uuid, type, Map.of()));
            enqueued.add(uuid);
        }

        /** One request of the device; returns the command it got (empty if none or if the answer was lost). */
        private Optional<Command> exchange(boolean faultsOn) {
            CommandResult report = pending != null ? pending : CommandResult.idle(UDID);
            int dice = faultsOn ? random.nextInt(100) : 99;
            if (dice < 8) {
                faults++;
                return Optional.empty(); // the request never reached the server; the device tries again later
            }
            if (dice < 16 && !sentBefore.isEmpty()) {
                faults++;
                server.report(sentBefore.get(random.nextInt(sentBefore.size()))); // a stale replay; answer lost
            }
            Optional<Command> answer = server.report(report);
            if (dice >= 16 && dice < 24) {
                faults++;
                answer = server.report(report); // sent twice; the device reads the second answer
            }
            sentBefore.add(report);
            if (dice >= 24 && dice < 32) {
                faults++;
                return Optional.empty(); // the server took it but the answer was lost: report kept, sent again
            }
            pending = null;
            answer.ifPresent(c -> run(c, faultsOn));
            return answer;
        }

        private void run(Command c, boolean notNowAllowed) {
            String uuid = c.commandUuid();
            if (executed.contains(uuid)) {
                fail("seed " + seed + ": command " + uuid + " run twice (the server sent it again after "
                        + outcomes.get(uuid) + ")");
            }
            int dice = random.nextInt(100);
            if (notNowAllowed && dice < 25) {
                notNows++;
                pending = CommandResult.notNow(UDID, uuid);
                return;
            }
            executed.add(uuid);
            CommandStatus status = dice < 80 ? CommandStatus.ACKNOWLEDGED
                    : dice < 93 ? CommandStatus.ERROR : CommandStatus.COMMAND_FORMAT_ERROR;
            outcomes.put(uuid, status);
            pending = switch (status) {
                case ACKNOWLEDGED -> CommandResult.acknowledged(UDID, uuid, Map.of());
                case ERROR -> CommandResult.error(UDID, uuid, List.of(ErrorChainItem.of(12021, "MCMDMErrorDomain",
                        "failed")));
                default -> CommandResult.commandFormatError(UDID, uuid, List.of());
            };
        }

        private void check() {
            Map<String, String[]> history = server.history();
            assertEquals(new HashSet<>(enqueued), history.keySet(), "seed " + seed + ": commands in the history");
            for (String uuid : enqueued) {
                String[] h = history.get(uuid);
                CommandStatus reported = outcomes.get(uuid);
                assertTrue(reported != null, "seed " + seed + ": " + uuid + " was never run (state " + h[0] + ")");
                String expected = switch (reported) {
                    case ACKNOWLEDGED -> "ACKNOWLEDGED";
                    case ERROR -> "ERROR";
                    default -> "COMMAND_FORMAT_ERROR";
                };
                assertEquals(expected, h[0], "seed " + seed + ": terminal state of " + uuid);
                assertEquals(reported.wire(), h[1], "seed " + seed + ": last status of " + uuid);
                assertTrue(Integer.parseInt(h[2]) >= 1, "seed " + seed + ": " + uuid + " never sent");
            }
            assertEquals(enqueued.size(), executed.size(), "seed " + seed + ": every command ran once");
            assertTrue(faults > 0 || steps < 20, "seed " + seed + ": the schedule injected no fault");
            assertTrue(notNows >= 0);
        }
    }
}
