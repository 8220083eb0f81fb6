package io.mdmsim.scenarios.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The virtual devices of a world's fake ABM inventory, living on after enrollment (push-driven check-ins through the
 * fake APNs) so that a test can send them commands over the MDM's admin API and read their answers. Closing it stops
 * the devices.
 */
final class LiveFleet implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    private final E2eWorld world;
    private final CompletableFuture<FleetResult> run = new CompletableFuture<>();
    private Thread fleet;

    private LiveFleet(E2eWorld world) {
        this.world = world;
    }

    /** A world whose fake ABM runs APNs and whose MDM pushes through it; the MDM's scheduled sync is out of the way. */
    static E2eWorld world(SimClock clock, long seed) {
        SimPki pki = E2eWorld.pki();
        return new E2eWorld(clock, seed, 0, b -> b.apnsTls(pki.tlsServer()), (abm, b) -> b
                .apnsUrl(abm.apnsUri()).apnsTrustAnchors(List.of(pki.root().certificate()))
                .depSyncInterval(Duration.ofDays(3650)));
    }

    /** Starts every device of the world's ABM inventory (a behaviour per serial where given), living an hour. */
    static LiveFleet start(E2eWorld world, Map<String, Behaviour> behaviours, Consumer<FleetConfig.Builder> tweak) {
        FleetConfig.Builder b = Fleets.trusting(world, List.of()).apnsUrl(world.abm.apnsUri())
                .lifetime(Duration.ofHours(1));
        for (JsonNode d : world.abmDevices()) {
            b.addDevice(Fleets.spec(d), behaviours.get(d.path("serialNumber").asText()));
        }
        tweak.accept(b);
        FleetConfig config = b.build();
        LiveFleet live = new LiveFleet(world);
        live.fleet = Thread.ofVirtual().start(() -> {
            try {
                live.run.complete(DeviceFleet.run(config));
            } catch (Throwable e) {
                live.run.completeExceptionally(e);
            }
        });
        return live;
    }

    /** Waits until the MDM's record of the device with this serial meets the condition; returns it (detailed). */
    JsonNode awaitDevice(String serial, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(WAIT).until(() -> {
                JsonNode d = world.mdmDevice(serial);
                if (d == null) {
                    return false;
                }
                last[0] = world.mdmAdmin.getJson("/admin/devices/" + d.path("udid").asText());
                return condition.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String commands = last[0] == null ? "" : world.mdmAdmin.getJson("/admin/devices/"
                    + last[0].path("udid").asText() + "/commands").toString();
            throw new AssertionError("device " + serial + " did not reach the expected state; last seen: " + last[0]
                    + "\ncommands: " + commands, e);
        }
        return last[0];
    }

    /** Sends DeviceInformation with these queries (the MDM pushes the device) and returns its QueryResponses. */
    JsonNode query(String udid, List<String> queries) {
        String uuid = world.mdmAdmin.postJson("/admin/devices/" + udid + "/commands", Map.of("requestType",
                "DeviceInformation", "Queries", queries)).path("commandUuid").asText();
        JsonNode[] answer = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            answer[0] = world.mdmAdmin.getJson("/admin/devices/" + udid + "/commands/" + uuid);
            return answer[0].path("state").asText().equals("ACKNOWLEDGED");
        });
        return answer[0].path("result").path("QueryResponses");
    }

    /** The state of the last command of this RequestType the MDM sent the device, "" if none. */
    String stateOf(String udid, String requestType) {
        String state = "";
        for (JsonNode c : world.mdmAdmin.getJson("/admin/devices/" + udid + "/commands")) {
            if (c.path("requestType").asText().equals(requestType)) {
                state = c.path("state").asText();
            }
        }
        return state;
    }

    /** Stops the devices and returns their results. */
    FleetResult stop() throws Exception {
        if (fleet != null) {
            fleet.interrupt();
            fleet = null;
        }
        return run.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (fleet != null) {
            stop();
        }
    }
}
