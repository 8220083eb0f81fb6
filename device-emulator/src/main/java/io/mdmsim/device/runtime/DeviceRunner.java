package io.mdmsim.device.runtime;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.seed.Seeds;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.model.HardwareProfile;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.PushChannel;
import java.lang.System.Logger.Level;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Drives one device through its {@link Step}s on the calling (virtual) thread, timing each stage on the SimClock and
 * telling the listener. Never throws for a device's failure: every run ends in a {@link DeviceResult}.
 */
public final class DeviceRunner {

    private static final System.Logger LOG = System.getLogger(DeviceRunner.class.getName());
    /** Factory identity certificates are valid from a day before power-on, for ten years. */
    private static final Duration FACTORY_BACKDATE = Duration.ofDays(1);
    private static final Duration FACTORY_VALIDITY = Duration.ofDays(3650);

    private final FleetContext fleet;
    private final List<Step> steps;

    public DeviceRunner(FleetContext fleet, List<Step> steps) {
        this.fleet = requireNonNull(fleet, "fleet");
        this.steps = List.copyOf(steps);
    }

    /** Runs one device to its end on the calling thread (its managed life, if any, waits for its end too). */
    public DeviceResult run(int index, DeviceSpec spec) {
        CompletableFuture<DeviceResult> result = new CompletableFuture<>();
        start(index, spec, result);
        return result.join();
    }

    /**
     * Runs one device on the calling thread until it ends or waits without a thread ({@link Step.Parking}: its
     * managed life); {@code result} is completed when the device's run is over, on whichever thread ends it. Never
     * completes it exceptionally for a device's failure.
     */
    public void start(int index, DeviceSpec spec, CompletableFuture<DeviceResult> result) {
        DeviceContext ctx = new DeviceContext(fleet, newDevice(index, spec),
                new SplittableRandom(runSeed(fleet.config().seed(), spec)));
        new Run(ctx, result).begin();
    }

    private Device newDevice(int index, DeviceSpec spec) {
        long seed = fleet.config().seed();
        return new Device(index, spec, HardwareProfile.derive(seed, spec),
                DeviceBehaviour.resolve(fleet.config().behaviour(index), seed, spec));
    }

    /** The result of a device that never powered on. */
    public DeviceResult notStarted(int index, DeviceSpec spec, String reason) {
        Device device = newDevice(index, spec);
        Stage first = steps.isEmpty() ? Stage.DONE : steps.getFirst().stage();
        DeviceResult result = new DeviceResult(device.ref(), Outcome.INTERRUPTED, first, reason, Map.of(),
                Duration.ZERO);
        notify(() -> fleet.config().listener().stageFailed(device.ref(), first, Outcome.INTERRUPTED, reason));
        notify(() -> fleet.config().listener().deviceFinished(result));
        return result;
    }

    DeviceResult run(DeviceContext ctx) {
        CompletableFuture<DeviceResult> result = new CompletableFuture<>();
        new Run(ctx, result).begin();
        return result.join();
    }

    /** One device's way through the steps; it may pause at a {@link Step.Parking} and go on on another thread. */
    private final class Run {
        private final DeviceContext ctx;
        private final Device device;
        private final CompletableFuture<DeviceResult> result;
        private final Map<Stage, Duration> durations = new EnumMap<>(Stage.class);
        private final Instant start;
        private Stage current = steps.isEmpty() ? Stage.DONE : steps.getFirst().stage();
        private int next;
        private boolean rebooted;
        private Instant stageStart;

        Run(DeviceContext ctx, CompletableFuture<DeviceResult> result) {
            this.ctx = ctx;
            this.device = ctx.device();
            this.result = result;
            this.start = ctx.clock().now();
        }

        void begin() {
            guarded(null, () -> {
                ctx.deadlines().startRun();
                manufacture(ctx);
                traceHeader(ctx);
                steps();
            });
        }

        /** The parked step ended ({@code outcome}: null, a StageFailure or an InterruptedException). */
        private void resume(Step step, Exception outcome) {
            guarded(outcome, () -> {
                stepDone(step);
                afterStep(step);
                steps();
            });
        }

        private void steps() throws StageFailure, InterruptedException {
            FleetListener listener = fleet.config().listener();
            while (next < steps.size()) {
                Step step = steps.get(next++);
                if (!step.applies(ctx)) {
                    continue;
                }
                current = step.stage();
                device.stage(current);
                DeviceRunner.notify(() -> listener.stageEntered(device.ref(), step.stage()));
                stageStart = ctx.clock().now();
                ctx.deadlines().enterStage(step.stage());
                if (step instanceof Step.Parking parking) {
                    parking.start(ctx, outcome -> resume(step, outcome));
                    return; // the step goes on without this thread; resume() continues the run
                }
                try {
                    step.run(ctx);
                    stepDone(step);
                } catch (StageFailure f) {
                    if (f.outcome() != Outcome.NEEDS_WIPE || !f.wipeHelps()
                            || !device.behaviour().knobs().wipeWhenNeeded()) {
                        throw f;
                    }
                    // the user erases the device (Settings > Erase All Content and Settings) and starts over
                    DeviceRunner.notify(() -> listener.stageFailed(device.ref(), step.stage(), f.outcome(), f.reason()));
                    device.factoryReset();
                }
                afterStep(step);
            }
            device.stage(Stage.DONE);
            result.complete(finish(device, Outcome.ENROLLED, Stage.DONE, null, durations, start, ctx));
        }

        private void stepDone(Step step) throws Deadlines.DeadlineReached {
            ctx.deadlines().leaveStage(step.stage() != Stage.MANAGED);
            Duration took = Duration.between(stageStart, ctx.clock().now());
            durations.merge(step.stage(), took, Duration::plus);
            DeviceRunner.notify(() -> fleet.config().listener().stageCompleted(device.ref(), step.stage(), took));
        }

        /** An erase or a reboot before enrollment sends the device back to the first step. */
        private void afterStep(Step step) throws StageFailure, InterruptedException {
            if (device.erasePending()) {
                ctx.trace().event("wipe", java.util.Map.of("erases", device.erases() + 1));
                device.wipe();
                startOver(ctx, "erased " + device.erases() + " times");
                next = 0;
                return;
            }
            if (!rebooted && device.behaviour().rebootAfter().orElse(null) == step.stage()) {
                rebooted = true;
                ctx.userWait(device.behaviour().knobs().rebootDuration());
                if (step.stage().ordinal() < Stage.TOKEN_UPDATE.ordinal()) {
                    // not enrolled yet: Setup Assistant starts again; activation and the record are kept
                    device.forgetEnrollment();
                    startOver(ctx, "rebooted");
                    next = 0;
                }
            }
        }

        /** Runs {@code work}, ending the device's run with a result for every way it can fail. */
        private void guarded(Exception earlier, Work work) {
            DeviceResult r = null;
            try {
                if (earlier instanceof StageFailure f) {
                    throw f;
                }
                if (earlier instanceof InterruptedException e) {
                    throw e;
                }
                if (earlier instanceof RuntimeException e) {
                    throw e;
                }
                work.run();
            } catch (StageFailure f) {
                r = fail(device, f.stage() != null ? f.stage() : current, f.outcome(), f.reason(), durations, start,
                        ctx);
            } catch (InterruptedException e) {
                Deadlines.Expired expired = ctx.deadlines().expired();
                if (expired != null && !fleet.stopping().get()) {
                    r = fail(device, expired.stage() != null ? expired.stage() : current, Outcome.TIMED_OUT,
                            expired.why() + "; last answer: " + ctx.lastAnswer(), durations, start, ctx);
                } else {
                    Thread.currentThread().interrupt();
                    r = fail(device, current, Outcome.INTERRUPTED, "interrupted: the fleet run was stopped",
                            durations, start, ctx);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, device.ref() + ": unexpected failure at " + current, e);
                r = fail(device, current, Outcome.FAILED, "unexpected error: " + e, durations, start, ctx);
            }
            if (r != null) {
                result.complete(r);
            }
        }
    }

    private interface Work {
        void run() throws StageFailure, InterruptedException;
    }

    /** The trace's first line: the device and the fleet settings a replay needs. */
    private void traceHeader(DeviceContext ctx) {
        if (!ctx.trace().enabled()) {
            return;
        }
        Device d = ctx.device();
        var c = fleet.config();
        Map<String, Object> h = new java.util.LinkedHashMap<>();
        h.put("serialNumber", d.serialNumber());
        h.put("productType", d.spec().productType());
        h.put("model", d.spec().model());
        h.put("osVersion", d.spec().osVersion());
        h.put("buildVersion", d.spec().buildVersion());
        h.put("udid", d.udid());
        h.put("index", d.ref().index());
        h.put("seed", c.seed());
        if (c.cloudConfigUrl() != null) {
            h.put("cloudConfigUrl", c.cloudConfigUrl().toString());
        }
        if (c.enrollmentProfile() != null) {
            h.put("enrollmentProfile", c.enrollmentProfile().toString());
        }
        if (c.apnsUrl() != null) {
            h.put("apnsUrl", c.apnsUrl().toString());
        }
        h.put("language", c.language());
        h.put("clock", c.clock().describe());
        h.put("startedAt", ctx.clock().now().toString());
        h.put("idlePollIntervalMs", c.idlePollInterval().toMillis());
        h.put("maxIdlePolls", c.maxIdlePolls());
        h.put("maxCommands", c.maxCommands());
        h.put("lifetimeMs", c.lifetime().toMillis());
        h.put("checkinIntervalMs", c.checkinInterval().toMillis());
        h.put("tokenUpdateIntervalMs", c.tokenUpdateInterval().toMillis());
        h.put("behaviour", io.mdmsim.device.TraceSupport.behaviour(c.behaviour(d.ref().index())));
        ctx.trace().header(h);
    }

    /** Back to the first step; fails when the device has started over more often than its knobs allow. */
    private static void startOver(DeviceContext ctx, String why) throws StageFailure {
        Device device = ctx.device();
        ctx.forgetMdm();
        device.startOver();
        int max = device.behaviour().knobs().maxPasses();
        if (device.pass() > max) {
            throw StageFailure.failed("started Setup Assistant " + device.pass() + " times (" + why
                    + "; expected: at most maxPasses " + max + ")");
        }
    }

    /**
     * The factory identity: a new key and a certificate from the fake Apple device CA, CN = UDID and serialNumber =
     * serial, so that it speaks for this device only (MachineInfo, cloud configuration).
     */
    private void manufacture(DeviceContext ctx) {
        Device device = ctx.device();
        KeyPair key = fleet.config().keySource().rsa(2048);
        Instant now = ctx.clock().now();
        X509Certificate cert = fleet.factory().issueClient(key.getPublic(),
                "CN=" + device.udid() + ",SERIALNUMBER=" + device.serialNumber(),
                now.minus(FACTORY_BACKDATE), FACTORY_VALIDITY);
        device.factoryIdentity(new Identity(cert, key.getPrivate(), fleet.config().appleDeviceCa().certificateAndChain()));
    }

    private DeviceResult fail(Device device, Stage stage, Outcome outcome, String reason, Map<Stage, Duration> durations,
                              Instant start, DeviceContext ctx) {
        notify(() -> fleet.config().listener().stageFailed(device.ref(), stage, outcome, reason));
        return finish(device, outcome, stage, reason, durations, start, ctx);
    }

    private DeviceResult finish(Device device, Outcome outcome, Stage stage, String reason,
                                Map<Stage, Duration> durations, Instant start, DeviceContext ctx) {
        DeviceResult result = new DeviceResult(device.ref(), outcome, stage, reason, durations,
                Duration.between(start, ctx.clock().now()), device.management());
        // an interrupted thread cannot do I/O (file channels close on interrupt): clear the flag for the goodbyes
        boolean interrupted = Thread.interrupted();
        try {
            goOffline(ctx);
            ctx.forgetMdm(); // closes the device's own TLS connection, if it has one
            ctx.trace().finish(result);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, device.ref() + ": cannot finish its trace", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        notify(() -> fleet.config().listener().deviceFinished(result));
        return result;
    }

    /** The device's run is over: it leaves the push channel (APNs keeps its pushes as for a sleeping device). */
    private static void goOffline(DeviceContext ctx) {
        PushChannel push = ctx.push();
        byte[] token = ctx.device().pushToken();
        if (push == null || token == null || !push.isOnline(token)) {
            return;
        }
        try {
            push.offline(token);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "fleet listener failed; ignored", e);
        }
    }

    /** The device's own random stream for tokens and nonces: seed and serial only, like its hardware. */
    static long runSeed(long seed, DeviceSpec spec) {
        return Seeds.of("run/" + seed + "/" + spec.serialNumber());
    }
}
