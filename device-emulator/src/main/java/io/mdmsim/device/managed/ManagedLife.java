package io.mdmsim.device.managed;

import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.time.ClockTimer;
import io.mdmsim.device.Stage;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.Wakeup;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.IdleDevices;
import io.mdmsim.device.runtime.Step;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The device's life after enrollment (Apple's "Sending MDM commands to a device"): it is
 * otherwise idle, holds its push channel, and connects to ServerURL when a push carries its PushMagic (a push with
 * another PushMagic is ignored and traced), every {@code checkinInterval} on its own, and repeats its TokenUpdate
 * every {@code tokenUpdateInterval}, until {@code lifetime} has passed on the SimClock. A refused check-in is traced
 * and retried at the next occasion, as a device would.
 *
 * <p>A session whose last report was NotNow leaves the command on the server: Apple's "Handling NotNow status
 * responses" says the device then polls again on its own when conditions change, without a push. The emulated
 * condition (the NotNow knobs, an app install while Setup Assistant runs) has passed {@link #NOT_NOW_REPOLL} later,
 * so the device polls (Idle) again then, and again after each session that ends with NotNow.
 *
 * <p>An idle device holds no thread: between check-ins it is a {@link Life} with a timer on the fleet's SimClock (its
 * next check-in, TokenUpdate, removal attempt, the end of its life or its run's deadline, whichever comes first) and a
 * listener on its {@link Wakeup}. The push or the timer starts a virtual thread that does what is due and ends when
 * the device is idle again, so a fleet of idle devices costs their state, not their stacks.
 */
public final class ManagedLife implements Step.Parking {

    private static final System.Logger LOG = System.getLogger(ManagedLife.class.getName());

    /** How long after a session that ended with NotNow the device polls again on its own (simulated time). */
    public static final Duration NOT_NOW_REPOLL = Duration.ofMinutes(1);

    @Override
    public Stage stage() {
        return Stage.MANAGED;
    }

    @Override
    public boolean applies(DeviceContext ctx) {
        Device d = ctx.device();
        return d.enrolledNow() && ctx.hasMdm()
                && (ctx.config().lifetime().isPositive() || Unenroll.removalAttemptAt(d) != null);
    }

    /**
     * Starts the life on the calling thread, which returns once the device is idle. The life ends (calling
     * {@code done} with null) when its lifetime has passed, the user removed management, or a session erased or
     * unenrolled the device. A stop (the fleet run is stopped, or the run's deadline passed) ends it early the same
     * way: the device enrolled, so it still ends ENROLLED, with a "stopped" event in its trace.
     */
    @Override
    public void start(DeviceContext ctx, Consumer<Exception> done) {
        new Life(ctx, done).begin();
    }

    /** One device's managed life: what is due when, and whether a thread works for it now. */
    static final class Life implements IdleDevices.Stoppable {
        private final DeviceContext ctx;
        private final Consumer<Exception> done;
        private final Duration checkinEvery;
        private final Duration tokenEvery;
        private Instant end;
        private Instant removal;
        private Instant nextCheckin;
        private Instant nextToken;
        private Instant repoll;
        // guarded by this
        private ClockTimer timer;
        private Thread worker;
        private boolean busy = true; // the starting thread works first
        private boolean stopRequested;
        private boolean ended;

        Life(DeviceContext ctx, Consumer<Exception> done) {
            this.ctx = ctx;
            this.done = done;
            this.checkinEvery = ctx.config().checkinInterval();
            this.tokenEvery = ctx.config().tokenUpdateInterval();
        }

        void begin() {
            Instant now = ctx.clock().now();
            end = now.plus(ctx.config().lifetime());
            // a user who tries to remove management does so even after the configured lifetime (it is their knob)
            removal = Unenroll.removalAttemptAt(ctx.device());
            if (removal != null && removal.isAfter(end)) {
                end = removal;
            }
            nextCheckin = checkinEvery.isPositive() ? now.plus(checkinEvery) : Instant.MAX;
            nextToken = tokenEvery.isPositive() ? now.plus(tokenEvery) : Instant.MAX;
            repoll = repollAfter(ctx);
            synchronized (this) {
                worker = Thread.currentThread();
            }
            ctx.fleet().idle().add(this);
            work();
        }

        /** Does what is due, then parks (returns with no thread left working) or ends the life. */
        private void work() {
            Exception outcome;
            try {
                if (live()) {
                    return; // idle
                }
                outcome = null;
            } catch (InterruptedException e) {
                ctx.trace().event("stopped", Map.of("reason", ctx.stopReason()));
                outcome = null; // a stopped life ends as planned
            } catch (StageFailure e) {
                outcome = e;
            } catch (RuntimeException e) {
                outcome = e;
            }
            synchronized (this) {
                ended = true;
                worker = null;
            }
            ctx.fleet().idle().remove(this);
            ctx.wakeup().stopListening();
            Thread.interrupted(); // the runner goes on on this thread; a stop's interrupt was for the life only
            done.accept(outcome);
        }

        /** The loop of a device's life; true when it parked (idle, no thread), false when the life is over. */
        private boolean live() throws StageFailure, InterruptedException {
            while (true) {
                synchronized (this) {
                    if (stopRequested) {
                        throw new InterruptedException("stopped");
                    }
                }
                ctx.checkDeadlines();
                Instant now = ctx.clock().now();
                if (removal != null && !now.isBefore(removal)) {
                    removal = null;
                    if (Unenroll.userTriesRemoval(ctx)) {
                        return false; // unmanaged: nothing more to check in for
                    }
                }
                if (!now.isBefore(end)) {
                    return false;
                }
                Wakeup.Push push = ctx.wakeup().poll();
                if (push != null) {
                    if (accept(ctx, push)) {
                        if (session(ctx, "push")) {
                            return false; // erased: the runner wipes the device and starts over
                        }
                        repoll = repollAfter(ctx);
                    }
                    continue;
                }
                if (!now.isBefore(nextToken)) {
                    tokenUpdate(ctx);
                    nextToken = nextToken.plus(tokenEvery);
                }
                if (!now.isBefore(nextCheckin) || !now.isBefore(repoll)) {
                    boolean periodic = !now.isBefore(nextCheckin);
                    if (session(ctx, periodic ? "periodic" : "after-not-now")) {
                        return false;
                    }
                    if (periodic) {
                        nextCheckin = nextCheckin.plus(checkinEvery);
                    }
                    repoll = repollAfter(ctx);
                }
                if (park()) {
                    return true;
                }
            }
        }

        /** Idle until the next thing due, a push or a stop; false when one came meanwhile (go on working). */
        private boolean park() {
            ctx.trace().idle(); // an idle device keeps no trace lines in memory
            Instant due = min(min(end, repoll), min(nextCheckin, min(nextToken,
                    removal == null ? Instant.MAX : removal)));
            Instant deadline = ctx.nextDeadline();
            if (deadline != null) {
                due = min(due, deadline);
            }
            synchronized (this) {
                if (stopRequested || !ctx.wakeup().listenUnlessPending(this::wake)) {
                    return false;
                }
                busy = false;
                worker = null;
                Instant now = ctx.clock().now();
                // on the fleet's clock itself: its timers cost no thread while they wait
                timer = ctx.config().clock().schedule(Duration.between(now, due), this::wake);
                return true;
            }
        }

        /** A push, the timer or a stop: a new thread does what is due (nothing when one works already). */
        private void wake() {
            Thread t;
            synchronized (this) {
                if (busy || ended) {
                    return;
                }
                busy = true;
                if (timer != null) {
                    timer.cancel();
                    timer = null;
                }
                t = ctx.fleet().idle().thread(this::work);
                worker = t;
                ctx.wakeup().stopListening();
            }
            t.start();
        }

        @Override
        public void stop() {
            Thread busyWorker;
            synchronized (this) {
                stopRequested = true;
                busyWorker = busy ? worker : null;
            }
            if (busyWorker != null) {
                busyWorker.interrupt();
            } else {
                wake();
            }
        }
    }

    /** When the device polls again on its own: {@link #NOT_NOW_REPOLL} after a session that ended with NotNow. */
    private static Instant repollAfter(DeviceContext ctx) {
        return ctx.device().notNowAnswered() ? ctx.clock().now().plus(NOT_NOW_REPOLL) : Instant.MAX;
    }

    /** A push counts only when its mdm value is the PushMagic the device sent. */
    public static boolean accept(DeviceContext ctx, Wakeup.Push push) {
        Device d = ctx.device();
        boolean ok = d.pushMagic() != null && d.pushMagic().equals(push.pushMagic());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("apnsId", String.valueOf(push.apnsId()));
        fields.put("topic", String.valueOf(push.topic()));
        fields.put("accepted", ok);
        if (!ok) {
            fields.put("reason", "PushMagic " + push.pushMagic() + " is not the device's (" + d.pushMagic()
                    + "): ignored");
        }
        ctx.trace().event("push", fields);
        d.managed().pushReceived(ok);
        return ok;
    }

    /** One session; true when it ended with an erase or an unenrollment (the device's managed life is over). */
    public static boolean session(DeviceContext ctx, String why) throws InterruptedException {
        try {
            CommandSession.End end = CommandSession.run(ctx).end();
            ctx.device().firstSessionDone(true);
            return end == CommandSession.End.ERASED || end == CommandSession.End.UNENROLLED;
        } catch (StageFailure f) {
            ctx.trace().event("checkin-failed", Map.of("trigger", why, "reason", f.reason()));
            ctx.device().managed().checkinFailed();
            ctx.device().managed().refusedWhileManaged(f.httpStatus());
            LOG.log(Level.INFO, "{0}: {1} check-in failed: {2}", ctx.device().ref(), why, f.reason());
            return false;
        }
    }

    /** The same token and PushMagic again, AwaitingConfiguration false (tokenupdate.yaml). */
    private static void tokenUpdate(DeviceContext ctx) throws InterruptedException {
        Device d = ctx.device();
        try {
            ctx.mdm().checkin(new TokenUpdate(d.profile().mdm().topic(), d.udid(), null, d.pushToken(), d.pushMagic(),
                    d.unlockToken(), false, null, null, null, null));
        } catch (StageFailure f) {
            ctx.trace().event("checkin-failed", Map.of("trigger", "token-update", "reason", f.reason()));
            d.managed().checkinFailed();
            d.managed().refusedWhileManaged(f.httpStatus());
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
