package io.mdmsim.scenarios.bench;

import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Stage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Fleet set-up shared by the benchmarks, and a listener that times each enrollment stage. */
final class Fleets {

    /** The stages an enrollment is timed by, in order, with the names the report gives them. */
    static final Map<Stage, String> TIMED = new java.util.LinkedHashMap<>();

    static {
        TIMED.put(Stage.CLOUD_CONFIG, "cloud configuration");
        TIMED.put(Stage.MACHINE_INFO, "MachineInfo → profile");
        TIMED.put(Stage.PROFILE, "profile (OTA: its download)");
        TIMED.put(Stage.SCEP, "SCEP");
        TIMED.put(Stage.AUTHENTICATE, "Authenticate");
        TIMED.put(Stage.TOKEN_UPDATE, "TokenUpdate");
        TIMED.put(Stage.AWAITING_CONFIGURATION, "DeviceInformation … DeviceConfigured");
    }

    static final String WHOLE = "whole enrollment";

    private Fleets() {
    }

    /**
     * A fleet of {@code specs}: ADE through the fake ABM's cloud configuration, or over the air from the MDM's
     * {@code /mdm/enroll}; with the fake APNs when the world has it and push is wanted.
     */
    static FleetConfig.Builder config(World world, List<DeviceSpec> specs, boolean ota, boolean push, KeySource keys,
                                      int concurrency, int maxConnections, long seed) {
        FleetConfig.Builder b = FleetConfig.builder()
                .appleDeviceCa(world.pki.appleDeviceCa().identity())
                .devices(specs)
                .seed(seed)
                .clock(world.clock)
                .concurrency(Math.min(concurrency, specs.size()))
                .maxConnections(maxConnections)
                .keySource(keys)
                .trustAnchors(List.of(world.pki.root().certificate()));
        if (ota) {
            b.enrollmentProfile(URI.create(world.mdm() + "/mdm/enroll"));
        } else {
            b.cloudConfigUrl(world.abm().resolve("/cloudconfig"));
        }
        if (push && world.apns() != null) {
            b.apnsUrl(world.apns());
        }
        return b;
    }

    /** Times every stage and the whole enrollment; counts devices managed, done and failed. */
    static final class Timing implements FleetListener {
        final Latencies latencies = new Latencies();
        final AtomicInteger enrolled = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final Set<String> managedUdids = ConcurrentHashMap.newKeySet();
        private final Map<Integer, Long> poweredOn = new ConcurrentHashMap<>();
        private final CountDownLatch settled;

        /** @param expected devices that will each either reach their managed life / end enrolled, or fail */
        Timing(int expected) {
            TIMED.values().forEach(latencies::declare);
            latencies.declare(WHOLE);
            settled = new CountDownLatch(expected);
        }

        @Override
        public void stageEntered(DeviceRef device, Stage stage) {
            poweredOn.putIfAbsent(device.index(), System.nanoTime()); // its first stage: POWER_ON, or PROFILE (OTA)
            if (stage == Stage.MANAGED) {
                managedUdids.add(device.udid());
                settle(device);
            }
        }

        @Override
        public void stageCompleted(DeviceRef device, Stage stage, Duration took) {
            String name = TIMED.get(stage);
            if (name != null) {
                latencies.record(name, took);
            }
        }

        @Override
        public void deviceFinished(DeviceResult result) {
            if (result.enrolled()) {
                if (!managedUdids.contains(result.device().udid())) {
                    settle(result.device());
                }
            } else {
                failed.incrementAndGet();
                if (failures.size() < 10) {
                    failures.add(result.toString());
                }
                settled.countDown();
            }
        }

        private void settle(DeviceRef device) {
            Long t0 = poweredOn.remove(device.index());
            if (t0 != null) {
                latencies.record(WHOLE, System.nanoTime() - t0);
                enrolled.incrementAndGet();
            }
            settled.countDown();
        }

        /** Waits until every expected device enrolled or failed, printing progress every 10 s. */
        void await(java.io.PrintWriter out, int expected) throws InterruptedException {
            long start = System.nanoTime();
            while (!settled.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                out.printf(Locale.ROOT, "  ... %,d of %,d enrolled, %d failed after %.0f s%n", enrolled.get(), expected,
                        failed.get(), (System.nanoTime() - start) / 1e9);
                out.flush();
            }
        }
    }
}
