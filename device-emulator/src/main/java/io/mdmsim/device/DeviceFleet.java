package io.mdmsim.device;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.device.commands.CommandHandlers;
import io.mdmsim.device.enroll.EnrollmentSteps;
import io.mdmsim.device.managed.ManagedLife;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.net.PushChannel;
import io.mdmsim.device.net.Tls;
import io.mdmsim.device.runtime.DeviceRunner;
import io.mdmsim.device.runtime.FleetContext;
import io.mdmsim.device.runtime.Step;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a fleet of virtual devices: one virtual thread per device while it works (an idle device in its managed life
 * holds none; a push or its timer gives it a new one), at most {@link FleetConfig#concurrency()} devices at a time,
 * all sharing one HTTP client. The devices know only the cloud-configuration URL; everything else they learn from the
 * answers, so they work against any MDM server.
 */
public final class DeviceFleet {

    private DeviceFleet() {
    }

    /**
     * Runs every device to its end and returns the results in device order. Blocks the caller.
     *
     * <p>If the calling thread is interrupted, the devices still running or waiting are stopped, each ends INTERRUPTED
     * at the stage it was in (its trace written), the result is returned, and the caller's interrupt flag is set
     * again. A device already in its managed life ({@link FleetConfig#lifetime()}) had enrolled: it ends ENROLLED.
     * Every device ends: {@link FleetConfig#timeouts()} bound each stage and, optionally, each run.
     */
    public static FleetResult run(FleetConfig config) {
        requireNonNull(config, "config");
        CertificateAuthority factory = CertificateAuthority.of(config.appleDeviceCa());
        // The client's own async work runs on virtual threads, so thousands of blocked device exchanges do not each hold
        // a platform thread of its default cached pool.
        ExecutorService clientExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("device-http-", 0)
                .factory());
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.httpTimeout())
                .executor(clientExecutor);
        // The fleet's APNs traffic (push tokens, online/offline, the one event stream) on its own HTTP/2 client: a
        // single TLS connection multiplexes it, where HTTP/1.1 would open (and handshake) one per concurrent request.
        HttpClient.Builder apns = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.httpTimeout())
                .executor(clientExecutor);
        if (!config.trustAnchors().isEmpty()) {
            javax.net.ssl.SSLContext tls = Tls.trusting(config.trustAnchors());
            http.sslContext(tls);
            apns.sslContext(tls);
        }
        Instant start = config.clock().now();
        try (clientExecutor;
             HttpClient client = http.build();
             HttpClient apnsClient = apns.build();
             // named, so a profile or a thread dump tells the devices' threads from the servers' in one JVM
             ExecutorService devices = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("device-", 0)
                     .factory())) {
            DeviceHttp deviceHttp = new DeviceHttp(client, config.httpTimeout(), config.maxConnections());
            PushChannel push = config.apnsUrl() == null ? null
                    : new PushChannel(apnsClient, config.apnsUrl(), config.httpTimeout());
            FleetContext fleet = new FleetContext(config, deviceHttp, factory, CommandHandlers.defaults(), push);
            List<Step> steps = new ArrayList<>(config.enrollmentProfile() == null ? EnrollmentSteps.all()
                    : io.mdmsim.device.enroll.OtaEnrollment.steps(config.enrollmentProfile()));
            steps.add(new ManagedLife());
            DeviceRunner runner = new DeviceRunner(fleet, steps);
            try {
                return runAll(config, runner, devices, start, fleet);
            } finally {
                if (push != null) {
                    push.close();
                }
                fleet.tls().close();
            }
        }
    }

    private static FleetResult runAll(FleetConfig config, DeviceRunner runner, ExecutorService devices, Instant start,
            FleetContext fleet) {
        Semaphore permits = new Semaphore(config.concurrency());
        List<Future<DeviceResult>> futures = new ArrayList<>(config.devices().size());
        boolean interrupted = false;
        for (int i = 0; i < config.devices().size(); i++) {
            int index = i;
            DeviceSpec spec = config.devices().get(i);
            if (!interrupted) {
                try {
                    if (!config.arrivals().isEmpty()) { // the load model's arrival time, on the simulated clock
                        config.clock().sleep(Duration.between(config.clock().now(),
                                start.plus(config.arrivals().get(i))));
                    }
                    permits.acquire(); // here, so devices power on in list order
                } catch (InterruptedException e) {
                    interrupted = true;
                    fleet.stop();
                    devices.shutdownNow(); // running devices end with an "interrupted" result
                }
            }
            if (interrupted) {
                futures.add(CompletableFuture.completedFuture(runner.notStarted(index, spec,
                        "interrupted before power-on: the fleet run was stopped")));
                continue;
            }
            CompletableFuture<DeviceResult> device = new CompletableFuture<>();
            device.whenComplete((r, e) -> permits.release()); // a device idle in its managed life keeps its place
            futures.add(device);
            devices.execute(() -> {
                try {
                    runner.start(index, spec, device);
                } catch (Throwable t) {
                    device.completeExceptionally(t);
                }
            });
        }
        List<DeviceResult> results = new ArrayList<>(futures.size());
        for (Future<DeviceResult> f : futures) {
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    fleet.stop(); // idle devices end their managed life (ENROLLED)
                    devices.shutdownNow(); // every running device ends with an "interrupted" result; keep collecting
                } catch (ExecutionException e) {
                    devices.shutdownNow();
                    throw new IllegalStateException("a device thread failed outside its run: " + e.getCause(),
                            e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new FleetResult(results, Duration.between(start, config.clock().now()));
    }
}
