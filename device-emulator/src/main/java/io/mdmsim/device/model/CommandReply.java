package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSObject;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.ErrorChainItem;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a device reports for one command (Apple's "Sending MDM commands to a device"): a status, the command's result
 * keys (e.g. QueryResponses) and, for Error, an ErrorChain.
 */
public record CommandReply(CommandStatus status, Map<String, NSObject> resultKeys, List<ErrorChainItem> errorChain) {

    /** MCMDMErrorDomain code of a RequestType the device does not know. */
    public static final int UNKNOWN_COMMAND_CODE = 12021;
    public static final String MDM_ERROR_DOMAIN = "MCMDMErrorDomain";

    public CommandReply {
        requireNonNull(status, "status");
        requireNonNull(resultKeys, "resultKeys");
        requireNonNull(errorChain, "errorChain");
        resultKeys = Collections.unmodifiableMap(new LinkedHashMap<>(resultKeys));
        errorChain = List.copyOf(errorChain);
        if (status == CommandStatus.ERROR && errorChain.isEmpty()) {
            throw new IllegalArgumentException("errorChain: empty (expected: at least one item for Status Error)");
        }
    }

    public static CommandReply acknowledged() {
        return new CommandReply(CommandStatus.ACKNOWLEDGED, Map.of(), List.of());
    }

    public static CommandReply acknowledged(Map<String, NSObject> resultKeys) {
        return new CommandReply(CommandStatus.ACKNOWLEDGED, resultKeys, List.of());
    }

    public static CommandReply error(ErrorChainItem... chain) {
        return new CommandReply(CommandStatus.ERROR, Map.of(), List.of(chain));
    }

    public static CommandReply formatError() {
        return new CommandReply(CommandStatus.COMMAND_FORMAT_ERROR, Map.of(), List.of());
    }

    public static CommandReply notNow() {
        return new CommandReply(CommandStatus.NOT_NOW, Map.of(), List.of());
    }

    public static CommandReply unknownCommand(String requestType) {
        return error(new ErrorChainItem(UNKNOWN_COMMAND_CODE, MDM_ERROR_DOMAIN, "Unknown command", "Unknown command"));
    }
}
