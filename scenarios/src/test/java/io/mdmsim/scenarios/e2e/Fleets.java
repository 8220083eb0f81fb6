package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.KeySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Virtual devices (DeviceFleet) of the fake ABM's inventory, enrolling against the world's servers. */
final class Fleets {

    private Fleets() {
    }

    static DeviceSpec spec(JsonNode abmDevice) {
        return new DeviceSpec(abmDevice.path("serialNumber").asText(), abmDevice.path("productType").asText(),
                abmDevice.path("model").asText(), abmDevice.path("osVersion").asText(),
                abmDevice.path("buildVersion").asText());
    }

    /** These devices against the world's fake ABM, on its clock and seed, with one reused device key. */
    static FleetConfig.Builder base(E2eWorld world, List<DeviceSpec> specs) {
        return common(world, specs).cloudConfigUrl(world.abm.baseUri().resolve("/cloudconfig"));
    }

    /** These devices enrolling over the air from the MDM's profile URL (devices Apple does not know). */
    static FleetConfig.Builder ota(E2eWorld world, List<DeviceSpec> specs) {
        return common(world, specs).enrollmentProfile(world.mdm.baseUri().resolve("/mdm/enroll"));
    }

    private static FleetConfig.Builder common(E2eWorld world, List<DeviceSpec> specs) {
        return FleetConfig.builder()
                .appleDeviceCa(world.pki.appleDeviceCa().identity())
                .devices(specs)
                .seed(world.seed)
                .clock(world.time)
                .keySource(KeySource.reusing(1));
    }

    /** {@link #base}, trusting the world's root CA (the MDM's TLS). */
    static FleetConfig.Builder trusting(E2eWorld world, List<DeviceSpec> specs) {
        return base(world, specs).trustAnchors(List.of(world.pki.root().certificate()));
    }

    /** {@link #base}, every device at once and no pause between Idle polls. */
    static FleetConfig.Builder config(E2eWorld world, List<DeviceSpec> specs) {
        return base(world, specs)
                .concurrency(Math.max(1, specs.size()))
                .idlePollInterval(Duration.ZERO);
    }

    /**
     * iPhones of the world's ABM inventory, one per OS version given (the same models, set to those versions and a
     * build of them).
     */
    static List<DeviceSpec> iphones(E2eWorld world, List<String> versions) {
        List<DeviceSpec> out = new ArrayList<>();
        for (JsonNode d : world.abmDevices()) {
            if (out.size() == versions.size()) {
                break;
            }
            if (!d.path("productType").asText().startsWith("iPhone")) {
                continue;
            }
            String os = versions.get(out.size());
            out.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), os, os.startsWith("15") ? "19H386" : os.startsWith("16") ? "20G75"
                    : "21F79"));
        }
        assertEquals(versions.size(), out.size(), "iPhones in the ABM inventory");
        return out;
    }

    /** The world's ABM devices as device specs. */
    static List<DeviceSpec> specs(E2eWorld world) {
        return world.abmDevices().stream().map(Fleets::spec).toList();
    }

    /** Enrolls these ABM devices (default behaviour, no push) and returns the result; the clock does not move. */
    static FleetResult enroll(E2eWorld world, List<JsonNode> abmDevices, Consumer<FleetConfig.Builder> tweak) {
        FleetConfig.Builder b = config(world, abmDevices.stream().map(Fleets::spec).toList());
        tweak.accept(b);
        return DeviceFleet.run(b.build());
    }

    /**
     * Runs a fleet while moving the world's ManualClock to the next sleeper's deadline whenever one is at most
     * {@code horizon} away (a user who waits, a retry): simulated minutes pass in real milliseconds.
     */
    static FleetResult runDriving(E2eWorld world, FleetConfig config, Duration horizon) throws Exception {
        CompletableFuture<FleetResult> run = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                run.complete(DeviceFleet.run(config));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        });
        long realDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!run.isDone()) {
            if (System.nanoTime() > realDeadline) {
                t.interrupt();
                throw new AssertionError("the fleet did not finish within 90 s (clock " + world.clock.now() + ")");
            }
            Thread.sleep(15);
            Optional<Instant> next = world.clock.nextDeadline();
            Instant now = world.clock.now();
            if (next.isPresent() && next.get().isAfter(now)
                    && !next.get().isAfter(now.plus(horizon))) {
                world.clock.set(next.get());
            }
        }
        return run.get();
    }
}
