package io.mdmsim.device.managed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mdmsim.core.protocol.DeclarativeManagement;
import io.mdmsim.device.model.DeclarativeState;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.runtime.DeviceContext;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A declarative management synchronization (ADM mdm/checkin/declarativemanagement.yaml, declarative/protocol/*.yaml)
 * over the check-in URL: {@code tokens} (unless the command carried them), {@code declaration-items} when the
 * DeclarationsToken changed, {@code declaration/<kind>/<id>} for each declaration whose ServerToken changed, then a
 * {@code status} report. A failure ends the sync (recorded in {@link DeclarativeState#lastError()} and the trace)
 * but not the device.
 */
final class DeclarativeClient {

    private static final System.Logger LOG = System.getLogger(DeclarativeClient.class.getName());
    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;
    /** declaration-items keys and the kind each uses in {@code declaration/<kind>/<id>}. */
    private static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("Activations", "activation");
        KINDS.put("Configurations", "configuration");
        KINDS.put("Assets", "asset");
        KINDS.put("Management", "management");
    }

    private DeclarativeClient() {
    }

    /** A sync step that failed: what was asked, and what came back. */
    private static final class SyncFailure extends Exception {
        private static final long serialVersionUID = 1L;

        SyncFailure(String message) {
            super(message, null, false, false);
        }
    }

    static void sync(DeviceContext ctx, ManagedState.DeclarativeSync request) throws InterruptedException {
        Device d = ctx.device();
        DeclarativeState state = d.managed().declarative();
        try {
            JsonNode tokens = request.tokens() != null ? parse(request.tokens(), "DeclarativeManagement Data")
                    : fetch(ctx, "tokens");
            String declarationsToken = tokens.path("SyncTokens").path("DeclarationsToken").asText(null);
            if (declarationsToken == null) {
                throw new SyncFailure("tokens response has no SyncTokens.DeclarationsToken: " + tokens);
            }
            if (!declarationsToken.equals(state.declarationsToken())) {
                JsonNode items = fetch(ctx, "declaration-items");
                JsonNode declarations = items.path("Declarations");
                if (!declarations.isObject()) {
                    throw new SyncFailure("declaration-items response has no Declarations object: " + items);
                }
                Set<String> listed = new HashSet<>();
                for (Map.Entry<String, String> kind : KINDS.entrySet()) {
                    for (JsonNode item : declarations.path(kind.getKey())) {
                        String id = item.path("Identifier").asText(null);
                        String serverToken = item.path("ServerToken").asText(null);
                        if (id == null || serverToken == null) {
                            throw new SyncFailure("declaration-items " + kind.getKey() + " item " + item
                                    + " lacks Identifier or ServerToken");
                        }
                        listed.add(id);
                        DeclarativeState.Declaration have = state.declaration(id);
                        if (have == null || !have.serverToken().equals(serverToken)) {
                            JsonNode declaration = fetch(ctx, "declaration/" + kind.getValue() + "/" + id);
                            state.put(new DeclarativeState.Declaration(kind.getValue(), id, serverToken,
                                    declaration.path("Type").asText(null), declaration));
                        }
                    }
                }
                state.retainOnly(listed);
                state.declarationsToken(items.path("DeclarationsToken").asText(declarationsToken));
            }
            status(ctx);
            state.synced(null);
            ctx.trace().event("declarative-sync", Map.of("declarations", state.declarations().size(),
                    "declarationsToken", String.valueOf(state.declarationsToken())));
        } catch (SyncFailure | StageFailure e) {
            String why = e instanceof StageFailure f ? f.reason() : e.getMessage();
            state.synced(why);
            ctx.trace().event("declarative-sync-failed", Map.of("reason", why));
            LOG.log(Level.INFO, "{0}: declarative sync failed: {1}", d.ref(), why);
        }
    }

    /** The {@code status} report: every declaration with active/valid, and the device status items. */
    private static void status(DeviceContext ctx) throws StageFailure, InterruptedException, SyncFailure {
        Device d = ctx.device();
        DeclarativeState state = d.managed().declarative();
        Set<String> active = activeConfigurations(state);
        ObjectNode report = JSON.createObjectNode();
        ObjectNode items = report.putObject("StatusItems");
        ObjectNode device = items.putObject("device");
        ObjectNode identifier = device.putObject("identifier");
        identifier.put("serial-number", d.serialNumber());
        identifier.put("udid", d.udid());
        ObjectNode model = device.putObject("model");
        model.put("family", d.spec().family());
        model.put("identifier", d.spec().productType());
        model.put("marketing-name", d.spec().model());
        ObjectNode os = device.putObject("operating-system");
        os.put("family", d.spec().family().equals("iPad") ? "iPadOS" : "iOS");
        os.put("version", d.spec().osVersion());
        os.put("build-version", d.spec().buildVersion());
        ObjectNode declarations = items.putObject("management").putObject("declarations");
        for (Map.Entry<String, String> kind : KINDS.entrySet()) {
            // status keys: activations, configurations, assets, management
            String key = kind.getValue().equals("management") ? "management" : kind.getValue() + "s";
            ArrayNode list = declarations.putArray(key);
            for (DeclarativeState.Declaration decl : state.declarations()) {
                if (!decl.kind().equals(kind.getValue())) {
                    continue;
                }
                ObjectNode s = list.addObject();
                s.put("identifier", decl.identifier());
                boolean valid = decl.type() != null && decl.json().path("Payload").isObject();
                s.put("valid", valid ? "valid" : "invalid");
                s.put("active", valid && (!decl.kind().equals("configuration") || active.contains(decl.identifier())));
                s.put("server-token", decl.serverToken());
            }
        }
        report.putArray("Errors");
        if (d.osAtLeast(17, 0)) {
            report.put("FullReport", true);
        }
        byte[] data;
        try {
            data = JSON.writeValueAsBytes(report);
        } catch (IOException e) {
            throw new SyncFailure("cannot encode the status report: " + e.getMessage());
        }
        ctx.mdm().checkinForBody(new DeclarativeManagement("status", data, d.udid(), null, null, null, null, null,
                null));
        state.statusSent();
    }

    /** Configurations named in StandardConfigurations of an activation the device holds. */
    private static Set<String> activeConfigurations(DeclarativeState state) {
        Set<String> out = new HashSet<>();
        for (DeclarativeState.Declaration decl : state.declarations()) {
            if (decl.kind().equals("activation")) {
                for (JsonNode id : decl.json().path("Payload").path("StandardConfigurations")) {
                    out.add(id.asText());
                }
            }
        }
        return out;
    }

    private static JsonNode fetch(DeviceContext ctx, String endpoint)
            throws StageFailure, InterruptedException, SyncFailure {
        byte[] body = ctx.mdm().checkinForBody(new DeclarativeManagement(endpoint, null, ctx.device().udid(), null,
                null, null, null, null, null));
        return parse(body, "DeclarativeManagement " + endpoint + " response");
    }

    private static JsonNode parse(byte[] json, String what) throws SyncFailure {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new SyncFailure(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new SyncFailure(what + " is not JSON: " + e.getMessage());
        }
    }
}
