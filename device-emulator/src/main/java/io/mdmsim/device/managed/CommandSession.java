package io.mdmsim.device.managed;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.ProtocolException;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.MdmClient;
import io.mdmsim.device.net.PushChannel;
import io.mdmsim.device.runtime.DeviceContext;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;

/**
 * One connection of a device to its ServerURL (Apple's "Sending MDM commands to a device"): report Idle, execute each
 * command the server sends back and report its result, until the server answers with a zero-length body. Then the
 * device does what the commands left pending: a declarative sync, a restart (off the push channel, boot, back on), an
 * erase.
 */
public final class CommandSession {

    private static final System.Logger LOG = System.getLogger(CommandSession.class.getName());
    /** How long a virtual device takes to restart. */
    public static final Duration REBOOT_TIME = Duration.ofSeconds(45);

    /** How a session ended. */
    public enum End {
        /** The server had nothing more: a zero-length reply. */
        DONE,
        /** The device restarted after a RestartDevice (the server's reply to that report was not read). */
        RESTARTED,
        /**
         * The device acknowledged EraseDevice: it released its push token and talks no more; the runner wipes it and
         * starts Setup Assistant over.
         */
        ERASED,
        /**
         * The device acknowledged RemoveProfile of its enrollment profile (the MDM retired it): it sent CheckOut when
         * asked, left APNs, and is unmanaged; the server's reply to that report was not read.
         */
        UNENROLLED
    }

    /**
     * @param commands the commands the session answered
     */
    public record Result(int commands, End end) {
    }

    private CommandSession() {
    }

    /**
     * Runs one session and the actions it left pending.
     *
     * @throws StageFailure when the server refuses a report, or sends more than maxCommands commands in the run
     */
    public static Result run(DeviceContext ctx) throws StageFailure, InterruptedException {
        Device d = ctx.device();
        MdmClient mdm = ctx.mdm();
        int answered = 0;
        d.notNowAnswered(false);
        byte[] reply = mdm.report(d.udid(), null, MdmClient.idle());
        while (reply.length > 0) {
            if (d.commandCount() >= ctx.config().maxCommands()) {
                throw StageFailure.failed("the MDM sent more than " + ctx.config().maxCommands()
                        + " commands" + (d.awaitingConfiguration() ? " without DeviceConfigured" : ""));
            }
            reply = answer(ctx, reply);
            answered++;
            if (d.erasePending()) {
                erase(ctx);
                return new Result(answered, End.ERASED);
            }
            if (d.unenrollPending()) {
                Unenroll.unenroll(ctx, io.mdmsim.device.DeviceResult.Unenrollment.RETIRED,
                        "the MDM removed the enrollment profile (RemoveProfile): retired");
                if (d.behaviour().knobs().reenrollAfterRetire()) {
                    ctx.trace().event("reenroll", Map.of("reason", "the user erases the retired device and runs"
                            + " Setup Assistant again"));
                    d.factoryReset();
                }
                return new Result(answered, End.UNENROLLED);
            }
            ManagedState m = d.managed();
            if (m.hasPending() && m.takePendingOf(ManagedState.Restart.class) instanceof ManagedState.Restart restart) {
                declarativeSyncs(ctx);
                restart(ctx, restart);
                return new Result(answered, End.RESTARTED);
            }
        }
        declarativeSyncs(ctx);
        return new Result(answered, End.DONE);
    }

    /**
     * Executes one command plist and reports the result; returns the server's next reply. A reply without a readable
     * CommandUUID cannot be answered (reports need it): it counts as a command and ends the session like a
     * zero-length reply.
     */
    public static byte[] answer(DeviceContext ctx, byte[] commandPlist) throws StageFailure, InterruptedException {
        Device d = ctx.device();
        String uuid = null;
        String requestType = null;
        CommandReply result;
        try {
            NSDictionary dict = Plist.parseDictionary(commandPlist);
            if (dict.objectForKey("CommandUUID") instanceof NSString s && !s.getContent().isEmpty()) {
                uuid = s.getContent();
            }
            if (dict.objectForKey("Command") instanceof NSDictionary inner
                    && inner.objectForKey("RequestType") instanceof NSString t) {
                requestType = t.getContent();
            }
            Command command = Command.parse(commandPlist);
            // the behaviour knobs may answer NotNow or Error instead of running the command
            java.util.Optional<CommandReply> fault = d.behaviour().commandFault(command.requestType());
            result = fault.isPresent() ? fault.get() : ctx.fleet().handlers().answer(ctx, command);
        } catch (PlistException | ProtocolException e) {
            LOG.log(Level.DEBUG, "{0}: malformed command: {1}", d.ref(), e.getMessage());
            result = CommandReply.formatError();
        }
        d.recordCommand(new Device.HandledCommand(uuid, requestType, result.status().wire()));
        // the last report of the session decides whether the device polls again on its own (NotNow) or waits for a push
        d.notNowAnswered(result.status() == io.mdmsim.core.protocol.CommandStatus.NOT_NOW);
        if (uuid == null) {
            return new byte[0];
        }
        return ctx.mdm().report(d.udid(), uuid, result);
    }

    /** RestartDevice: the device is unreachable while it boots, then holds its push channel again. */
    static void restart(DeviceContext ctx, ManagedState.Restart restart) throws InterruptedException, StageFailure {
        Device d = ctx.device();
        ctx.trace().event("restart", Map.of("commandUuid", restart.commandUuid(),
                "bootSeconds", REBOOT_TIME.toSeconds()));
        PushChannel push = ctx.push();
        if (push != null && d.pushToken() != null) {
            push.offline(d.pushToken());
        }
        ctx.clock().sleep(REBOOT_TIME);
        d.managed().restarted();
        if (push != null && d.pushToken() != null) {
            try {
                push.online(d.pushToken(), ctx.wakeup());
            } catch (PushChannel.PushException e) {
                throw StageFailure.failed("after RestartDevice the device could not get back on its push channel: "
                        + e.getMessage(), e);
            }
        }
        ctx.trace().event("online", Map.of("after", "restart"));
    }

    /** EraseDevice, acknowledged: the device leaves APNs (its token is released) before it wipes itself. */
    static void erase(DeviceContext ctx) throws InterruptedException {
        Device d = ctx.device();
        ctx.trace().event("erase", Map.of("erases", d.erases() + 1));
        PushChannel push = ctx.push();
        if (push != null && d.pushToken() != null) {
            try {
                push.release(d.pushToken());
            } catch (PushChannel.PushException e) {
                LOG.log(Level.INFO, "{0}: releasing the push token on erase: {1}", d.ref(), e.getMessage());
            }
        }
    }

    private static void declarativeSyncs(DeviceContext ctx) throws InterruptedException {
        ManagedState m = ctx.device().managed();
        while (m.takePendingOf(ManagedState.DeclarativeSync.class) instanceof ManagedState.DeclarativeSync sync) {
            DeclarativeClient.sync(ctx, sync);
        }
    }
}
