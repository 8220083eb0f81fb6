package io.mdmsim.device.commands;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.PlistFields;
import io.mdmsim.device.model.Versions;
import io.mdmsim.device.runtime.CommandDispatcher;
import io.mdmsim.device.runtime.DeviceContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The RequestTypes a device understands, each with its {@link CommandHandler}. Immutable; {@link #with} returns a
 * copy, so more behaviour (knobs, NotNow probabilities) plugs in without touching the loop. Before any handler runs,
 * {@link CommandRequirements} refuses what iOS would refuse: a RequestType unknown on the device's OS, a missing
 * access right, an unsupervised device, a device not enrolled through ADE, the wrong Shared iPad channel.
 */
public final class CommandHandlers implements CommandDispatcher {

    private static final System.Logger LOG = System.getLogger(CommandHandlers.class.getName());

    private final Map<String, CommandHandler> handlers;

    private CommandHandlers(Map<String, CommandHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    /** Every command the emulated iOS device answers. */
    public static CommandHandlers defaults() {
        Map<String, CommandHandler> m = new HashMap<>();
        m.put("DeviceInformation", InformationHandlers::deviceInformation);
        m.put("SecurityInfo", InformationHandlers::securityInfo);
        m.put("ProfileList", (CommandHandler.WithContext) ProfileHandlers::profileList);
        m.put("InstallProfile", (CommandHandler.WithContext) ProfileHandlers::installProfile);
        m.put("RemoveProfile", (CommandHandler.WithContext) ProfileHandlers::removeProfile);
        m.put("InstalledApplicationList", (CommandHandler.WithContext) AppHandlers::installedApplicationList);
        m.put("ManagedApplicationList", (CommandHandler.WithContext) AppHandlers::managedApplicationList);
        m.put("InstallApplication", (CommandHandler.WithContext) AppHandlers::installApplication);
        m.put("RemoveApplication", AppHandlers::removeApplication);
        m.put("InviteToProgram", AppHandlers::inviteToProgram);
        m.put("Settings", SettingsHandler::settings);
        m.put("DeviceConfigured", LifecycleHandlers::deviceConfigured);
        m.put("UserConfigured", LifecycleHandlers::userConfigured);
        m.put("DeviceLock", (CommandHandler.WithContext) LifecycleHandlers::deviceLock);
        m.put("RestartDevice", LifecycleHandlers::restartDevice);
        m.put("EraseDevice", LifecycleHandlers::eraseDevice);
        m.put("RefreshCellularPlans", CellularPlans::refresh);
        m.put("DeclarativeManagement", LifecycleHandlers::declarativeManagement);
        return new CommandHandlers(m);
    }

    public CommandHandlers with(String requestType, CommandHandler handler) {
        requireNonNull(requestType, "requestType");
        requireNonNull(handler, "handler");
        Map<String, CommandHandler> m = new HashMap<>(handlers);
        m.put(requestType, handler);
        return new CommandHandlers(m);
    }

    /** The RequestTypes with a handler. */
    public Set<String> requestTypes() {
        return handlers.keySet();
    }

    /**
     * Runs a command that needs only the device's state (tests, simple handlers); a handler that needs the context
     * throws UnsupportedOperationException.
     */
    public CommandReply dispatch(Device device, Command command) throws CommandHandler.CommandFormatException {
        CommandReply refusal = refusal(device, command.requestType());
        if (refusal != null) {
            return refusal;
        }
        try {
            return handlers.get(command.requestType()).handle(device, command);
        } catch (PlistFields.FieldException e) {
            throw new CommandHandler.CommandFormatException(e.getMessage());
        }
    }

    @Override
    public CommandReply answer(DeviceContext ctx, Command command) throws InterruptedException {
        try {
            return dispatch(ctx, command);
        } catch (CommandHandler.CommandFormatException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: malformed {1}: {2}", ctx.device().ref(), command.requestType(),
                    e.getMessage());
            return CommandReply.formatError();
        }
    }

    /** Runs the command on the device with its context; refusals and unknown RequestTypes get an Error reply. */
    public CommandReply dispatch(DeviceContext ctx, Command command)
            throws CommandHandler.CommandFormatException, InterruptedException {
        CommandReply refusal = refusal(ctx.device(), command.requestType());
        if (refusal != null) {
            return refusal;
        }
        try {
            return handlers.get(command.requestType()).handle(ctx, command);
        } catch (PlistFields.FieldException e) {
            throw new CommandHandler.CommandFormatException(e.getMessage());
        }
    }

    private CommandReply refusal(Device device, String requestType) {
        CommandHandler h = handlers.get(requestType);
        if (h == null) {
            return CommandRequirements.of(requestType).isPresent()
                    && Versions.atLeast(device.spec().osVersion(), CommandRequirements.of(requestType).get().introduced())
                    ? DeviceErrors.error(DeviceErrors.NOT_SIMULATED, DeviceErrors.MDM, requestType
                    + " is an iOS command that mdmsim's virtual devices do not simulate")
                    : CommandReply.unknownCommand(requestType);
        }
        // a RequestType added with with() that Apple's YAML does not list is the caller's own: no requirements
        return CommandRequirements.of(requestType).isPresent() ? CommandRequirements.refusal(device, requestType) : null;
    }
}
