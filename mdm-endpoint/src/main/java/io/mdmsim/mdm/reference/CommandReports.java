package io.mdmsim.mdm.reference;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import com.dd.plist.NSObject;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.model.PlistJson;
import io.mdmsim.mdm.queue.CommandQueue.ReportOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A device's command report as the queue keeps it (result keys and ErrorChain as JSON), and the unusual ones logged. */
final class CommandReports {

    private static final System.Logger LOG = System.getLogger(ReferenceMdmService.class.getName());

    private CommandReports() {
    }

    static void logUnusual(DeviceRecord d, CommandResult r, ReportOutcome o) {
        switch (o) {
            case UNKNOWN -> LOG.log(WARNING, "{0} reported {1} for unknown CommandUUID {2}; ignored", d.id,
                    r.status().wire(), r.commandUuid());
            case CONFLICTING -> LOG.log(WARNING, "{0} reported {1} for command {2} that already ended as {3}; ignored",
                    d.id, r.status().wire(), r.commandUuid(), d.commands.get(r.commandUuid()).orElseThrow().state());
            case REPEATED, LATE -> LOG.log(DEBUG, "{0} repeated {1} for command {2}", d.id, r.status().wire(),
                    r.commandUuid());
            default -> { }
        }
    }

    static Object resultJson(CommandResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (r.body() != null) {
            for (Map.Entry<String, NSObject> e : r.body().entrySet()) {
                switch (e.getKey()) {
                    case "UDID", "EnrollmentID", "Status", "CommandUUID", "ErrorChain" -> { }
                    default -> out.put(e.getKey(), PlistJson.toJson(e.getValue()));
                }
            }
        }
        if (r.errorChain() != null && !r.errorChain().isEmpty()) {
            List<Map<String, Object>> chain = r.errorChain().stream().map(CommandReports::errorJson).toList();
            out.put("ErrorChain", chain);
        }
        return out.isEmpty() ? null : out;
    }

    private static Map<String, Object> errorJson(ErrorChainItem i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ErrorCode", i.errorCode());
        m.put("ErrorDomain", i.errorDomain());
        m.put("LocalizedDescription", i.localizedDescription());
        m.put("USEnglishDescription", i.usEnglishDescription());
        return m;
    }
}
