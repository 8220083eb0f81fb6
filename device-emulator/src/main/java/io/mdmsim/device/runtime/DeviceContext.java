package io.mdmsim.device.runtime;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceBehaviour;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.net.MdmClient;
import io.mdmsim.device.net.PushChannel;
import io.mdmsim.device.net.Wakeup;
import java.util.SplittableRandom;

/** One device's view of its run: the shared fleet context, its state, its own random stream. */
public final class DeviceContext {

    private final FleetContext fleet;
    private final Device device;
    private final SplittableRandom random;
    private final Wakeup wakeup = new Wakeup();
    private final Trace trace;
    private final DeviceHttp http;
    private final Deadlines deadlines;
    private final LastAnswer lastAnswer = new LastAnswer();
    private MdmClient mdm;

    public DeviceContext(FleetContext fleet, Device device, SplittableRandom random) {
        this.fleet = requireNonNull(fleet, "fleet");
        this.device = requireNonNull(device, "device");
        this.random = requireNonNull(random, "random");
        this.trace = Trace.open(fleet.config().traces(), device.serialNumber(), new Trace.DeviceContextView() {
            @Override
            public String at() {
                return fleet.config().clock().now().toString();
            }

            @Override
            public String stage() {
                return device.stage().name();
            }
        });
        DeviceBehaviour b = device.behaviour();
        this.deadlines = new Deadlines(fleet.config().clock(), fleet.config().timeouts());
        DeviceHttp network = fleet.http().withNetwork(b.knobs(), b.networkRandom(), fleet.config().clock());
        this.http = network.recordingTo(trace.enabled() ? lastAnswer.and(trace) : lastAnswer).guardedBy(deadlines);
    }

    /** The device's deadlines: its run's and its running stage's ({@link io.mdmsim.device.Timeouts}). */
    Deadlines deadlines() {
        return deadlines;
    }

    /**
     * The earliest of the device's deadlines now in force, null for none: a device that waits without a thread
     * ({@link IdleDevices}) is woken by then, and {@link #checkDeadlines()} tells it whether to end.
     */
    public java.time.Instant nextDeadline() {
        return deadlines.next();
    }

    /** Throws (an {@link InterruptedException}) when a deadline of the device has passed, as its waits do. */
    public void checkDeadlines() throws InterruptedException {
        deadlines.check();
    }

    /** Why the device's run is being stopped: the deadline that passed, else the fleet's stop. */
    public String stopReason() {
        Deadlines.Expired e = deadlines.expired();
        return e != null ? e.why() : "the fleet run was stopped";
    }

    /** The last answer the device got from a server, in words ("PUT http://.../mdm/connect answered 200: ..."). */
    public String lastAnswer() {
        return lastAnswer.describe();
    }

    public FleetContext fleet() {
        return fleet;
    }

    public FleetConfig config() {
        return fleet.config();
    }

    /** The fleet's clock; a device's sleeps on it end at its deadlines ({@link io.mdmsim.device.Timeouts}). */
    public SimClock clock() {
        return deadlines.clock();
    }

    /**
     * The fleet's HTTP transport through this device's network (latency, drops, resets from its knobs), recording into
     * its trace when traces are on.
     */
    public DeviceHttp http() {
        return http;
    }

    /** Pushes and timers that wake this device. */
    public Wakeup wakeup() {
        return wakeup;
    }

    public Trace trace() {
        return trace;
    }

    /** The fleet's APNs channel, null without one. */
    public PushChannel push() {
        return fleet.push();
    }

    public Device device() {
        return device;
    }

    public SplittableRandom random() {
        return random;
    }

    /** The MDM client, available once SCEP gave the device its identity. */
    public MdmClient mdm() {
        if (mdm == null) {
            throw new IllegalStateException("no MDM client before the SCEP stage completed for " + device);
        }
        return mdm;
    }

    public void mdm(MdmClient client) {
        requireNonNull(client, "client");
        if (mdm != null && mdm != client) {
            mdm.close();
        }
        this.mdm = client;
    }

    /** Whether SCEP has given the device an MDM client (false again after an erase). */
    public boolean hasMdm() {
        return mdm != null;
    }

    public void forgetMdm() {
        if (mdm != null) {
            mdm.close();
        }
        this.mdm = null;
    }

    /** Sleeps the user's dwell for something whose median is {@code median}; returns the time spent. */
    public java.time.Duration dwell(java.time.Duration median) throws InterruptedException {
        java.time.Duration d = device.behaviour().dwell(median);
        userWait(d);
        return d;
    }

    /**
     * The user pauses for {@code d} (a knob: a pane's dwell, the wait before SCEP, a retry later, a reboot): the
     * device sleeps on the SimClock, and the time does not count against the stage's timeout.
     */
    public void userWait(java.time.Duration d) throws InterruptedException {
        if (d.isPositive()) {
            deadlines.extend(d);
            clock().sleep(d);
        }
    }

    public byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A random UUID (version 4 form) from the device's stream, upper case like iOS writes them. */
    public String randomUuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(msb, lsb).toString().toUpperCase(java.util.Locale.ROOT);
    }
}
