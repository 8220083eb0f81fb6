package io.mdmsim.device.managed;

import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.device.Stage;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.Wakeup;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.Step;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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
 */
public final class ManagedLife implements Step {

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
     * Lives until the lifetime has passed. An interrupt (the fleet run is stopped, or the run's deadline passed) ends
     * the life early: the device enrolled, so it still ends ENROLLED; the thread's interrupt flag stays set.
     */
    @Override
    public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
        try {
            live(ctx);
        } catch (InterruptedException e) {
            ctx.trace().event("stopped", Map.of("reason", ctx.stopReason()));
            Thread.currentThread().interrupt();
        }
    }

    private void live(DeviceContext ctx) throws StageFailure, InterruptedException {
        Instant end = ctx.clock().now().plus(ctx.config().lifetime());
        // a user who tries to remove management does so even after the configured lifetime (it is their knob)
        Instant removal = Unenroll.removalAttemptAt(ctx.device());
        if (removal != null && removal.isAfter(end)) {
            end = removal;
        }
        Duration checkinEvery = ctx.config().checkinInterval();
        Duration tokenEvery = ctx.config().tokenUpdateInterval();
        Instant nextCheckin = checkinEvery.isPositive() ? ctx.clock().now().plus(checkinEvery) : Instant.MAX;
        Instant nextToken = tokenEvery.isPositive() ? ctx.clock().now().plus(tokenEvery) : Instant.MAX;
        Instant repoll = repollAfter(ctx);
        while (true) {
            Instant now = ctx.clock().now();
            if (removal != null && !now.isBefore(removal)) {
                removal = null;
                if (Unenroll.userTriesRemoval(ctx)) {
                    return; // unmanaged: nothing more to check in for
                }
            }
            if (!now.isBefore(end)) {
                return;
            }
            Instant due = min(min(end, repoll), min(nextCheckin, min(nextToken, removal == null ? Instant.MAX : removal)));
            Wakeup.Push push = ctx.wakeup().await(ctx.clock(), Duration.between(now, due));
            if (push != null) {
                if (accept(ctx, push)) {
                    if (session(ctx, "push")) {
                        return; // erased: the runner wipes the device and starts over
                    }
                    repoll = repollAfter(ctx);
                }
                continue;
            }
            now = ctx.clock().now();
            if (!now.isBefore(end) || removal != null && !now.isBefore(removal)) {
                continue; // the loop's top tries the removal, then ends the life
            }
            if (!now.isBefore(nextToken)) {
                tokenUpdate(ctx);
                nextToken = nextToken.plus(tokenEvery);
            }
            if (!now.isBefore(nextCheckin) || !now.isBefore(repoll)) {
                boolean periodic = !now.isBefore(nextCheckin);
                if (session(ctx, periodic ? "periodic" : "after-not-now")) {
                    return;
                }
                if (periodic) {
                    nextCheckin = nextCheckin.plus(checkinEvery);
                }
                repoll = repollAfter(ctx);
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
