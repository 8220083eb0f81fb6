package io.mdmsim.mdm.service;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.core.protocol.SetBootstrapToken;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.mdm.device.DeviceRegistry;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.queue.CommandQueue;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decorator that records every check-in and every command report as an event (nanomdm's webhook decorator): what
 * came (MessageType or Status, the raw plist as base64), and what the server answered (HTTP status, next command,
 * or the refusal).
 */
public final class EventingMdmService implements MdmService {

    private final MdmService next;
    private final EventLog events;
    private final DeviceRegistry registry;
    private final boolean includeSecrets;

    /** Keys of check-in messages whose values let their holder push to, unlock or impersonate a device. */
    static final List<String> SECRET_KEYS = List.of("PushMagic", "Token", "UnlockToken", "BootstrapToken");

    /**
     * @param includeSecrets keep {@link #SECRET_KEYS} in the raw payloads of events; false replaces their values
     *     with "(left out)" and names them in the event's {@code leftOut}
     */
    public EventingMdmService(MdmService next, EventLog events, DeviceRegistry registry, boolean includeSecrets) {
        this.next = requireNonNull(next, "next");
        this.events = requireNonNull(events, "events");
        this.registry = requireNonNull(registry, "registry");
        this.includeSecrets = includeSecrets;
    }

    @Override
    public CheckinReply checkin(MdmRequest request, CheckinMessage message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageType", message.messageType());
        try {
            CheckinReply reply = next.checkin(request, message);
            data.put("httpStatus", reply.status());
            if (reply.status() >= 400) {
                data.put("reason", new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return reply;
        } catch (UnrecognizedDeviceException e) {
            data.put("httpStatus", 403);
            data.put("reason", e.getMessage());
            throw e;
        } catch (BadInputException e) {
            data.put("httpStatus", 400);
            data.put("reason", e.getMessage());
            throw e;
        } finally {
            boolean secretive = message instanceof TokenUpdate || message instanceof SetBootstrapToken;
            data.put("rawPayload", base64(secretive ? withoutSecrets(message.raw(), data) : message.raw()));
            events.emit("checkin", request.enrollmentId(), data);
        }
    }

    @Override
    public Optional<Command> report(MdmRequest request, CommandResult result) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", result.status().wire());
        data.put("commandUuid", result.commandUuid());
        if (result.commandUuid() != null && result.status() != CommandStatus.IDLE) {
            registry.find(request.enrollmentId()).flatMap(d -> d.read(r -> r.commands.get(result.commandUuid())
                    .map(CommandQueue.Entry::requestType))).ifPresent(rt -> data.put("requestType", rt));
        }
        try {
            Optional<Command> nextCommand = next.report(request, result);
            data.put("httpStatus", 200);
            nextCommand.ifPresent(c -> {
                data.put("nextCommandUuid", c.commandUuid());
                data.put("nextRequestType", c.requestType());
            });
            return nextCommand;
        } catch (UnrecognizedDeviceException e) {
            data.put("httpStatus", 403);
            data.put("reason", e.getMessage());
            throw e;
        } finally {
            data.put("rawPayload", base64(result.raw()));
            events.emit("report", request.enrollmentId(), data);
        }
    }

    /** The raw plist with the values of {@link #SECRET_KEYS} left out (unless secrets are kept), at any depth. */
    private byte[] withoutSecrets(byte[] raw, Map<String, Object> data) {
        if (includeSecrets || raw == null) {
            return raw;
        }
        NSObject root;
        try {
            root = Plist.parse(raw);
        } catch (RuntimeException e) {
            return raw; // not a plist: nothing of it was read as a secret
        }
        List<String> found = new java.util.ArrayList<>();
        leaveOut(root, found);
        if (found.isEmpty()) {
            return raw;
        }
        data.put("leftOut", found);
        try {
            return Plist.toXml(root);
        } catch (IllegalArgumentException notXmlSafe) {
            return null; // control characters a binary plist carried: the payload is left out whole
        }
    }

    private static void leaveOut(NSObject o, List<String> found) {
        if (o instanceof NSDictionary d) {
            for (String key : List.copyOf(d.keySet())) {
                if (SECRET_KEYS.contains(key)) {
                    d.put(key, "(left out)");
                    found.add(key);
                } else {
                    leaveOut(d.get(key), found);
                }
            }
        } else if (o instanceof NSArray a) {
            for (NSObject item : a.getArray()) {
                leaveOut(item, found);
            }
        }
    }

    private static String base64(byte[] raw) {
        return raw == null ? null : Base64.getEncoder().encodeToString(raw);
    }
}
