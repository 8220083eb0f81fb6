package io.mdmsim.device.net;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.CommandStatus;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.StageFailure;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A device's side of the check-in and command protocols (Apple's "Check-in" and "Sending MDM commands to a device"):
 * PUT to CheckInURL and ServerURL, each request signed with Mdm-Signature when the MDM payload says SignMessage.
 */
public final class MdmClient {

    static final String CHECKIN_TYPE = "application/x-apple-aspen-mdm-checkin";
    static final String REPORT_TYPE = "application/x-apple-aspen-mdm; charset=UTF-8";
    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;

    private final DeviceHttp http;
    private final EnrollmentProfile.MdmPayload mdm;
    private final Supplier<Identity> identity;

    /**
     * @param identity the device's identity from SCEP, asked for at each signed message (the device keeps it compact
     *                 between uses)
     */
    public MdmClient(DeviceHttp http, EnrollmentProfile.MdmPayload mdm, Supplier<Identity> identity) {
        this.http = requireNonNull(http, "http");
        this.mdm = requireNonNull(mdm, "mdm");
        this.identity = requireNonNull(identity, "identity");
    }

    /** The device is done with this client: its own TLS connection, if it has one, is closed. */
    public void close() {
        http.closeConnection();
    }

    /** Sends a check-in message; anything but 200 fails the stage. */
    public void checkin(CheckinMessage message) throws StageFailure, InterruptedException {
        byte[] body = CheckinCodec.encode(message);
        DeviceHttp.Response r = http.put(mdm.checkInUrl(), CHECKIN_TYPE, body, headers(body));
        if (!r.ok()) {
            throw StageFailure.refused(r.status(), "the MDM refused " + message.messageType() + ": " + explain(r));
        }
    }

    /** Sends a check-in message whose answer matters (DeclarativeManagement); anything but 200 fails. */
    public byte[] checkinForBody(CheckinMessage message) throws StageFailure, InterruptedException {
        byte[] body = CheckinCodec.encode(message);
        DeviceHttp.Response r = http.put(mdm.checkInUrl(), CHECKIN_TYPE, body, headers(body));
        if (!r.ok()) {
            throw StageFailure.refused(r.status(), "the MDM refused " + message.messageType() + ": " + explain(r));
        }
        return r.body();
    }

    /**
     * Reports a status to ServerURL and returns the server's reply: the next command, or zero bytes when the server
     * has nothing more.
     */
    public byte[] report(String udid, String commandUuid, CommandReply reply) throws StageFailure, InterruptedException {
        byte[] body = reportBody(udid, commandUuid, reply);
        DeviceHttp.Response r = http.put(mdm.serverUrl(), REPORT_TYPE, body, headers(body));
        if (!r.ok()) {
            String what = commandUuid == null ? "Idle" : reply.status().wire() + " for command " + commandUuid;
            throw StageFailure.refused(r.status(), "the MDM refused the " + what + " report: " + explain(r));
        }
        return r.body();
    }

    /** The device's report plist: {UDID, Status, CommandUUID?, ErrorChain?, ...result keys}. */
    static byte[] reportBody(String udid, String commandUuid, CommandReply reply) {
        return CommandResult.of(udid, null, reply.status(), commandUuid, reply.errorChain(), reply.resultKeys())
                .toXml();
    }

    public static CommandReply idle() {
        return new CommandReply(CommandStatus.IDLE, Map.of(), java.util.List.of());
    }

    private Map<String, String> headers(byte[] body) {
        if (!mdm.signMessage()) {
            return Map.of();
        }
        return Map.of("Mdm-Signature", Base64.getEncoder().encodeToString(Cms.signDetached(body, identity.get())));
    }

    /** A refusal in words; ADM mdm/errors bodies are named by their code. */
    static String explain(DeviceHttp.Response r) {
        String code = errorCode(r);
        if ("com.apple.unrecognized.device".equals(code)) {
            return r.status() + " com.apple.unrecognized.device: the MDM does not recognize the device (a real device"
                    + " would remove its MDM profile); " + r.describe();
        }
        return code == null ? r.describe() : r.status() + " " + code + "; " + r.describe();
    }

    /** The "code" of an ADM error body (JSON or plist, mdm/errors/*.yaml), null if the body is not one. */
    public static String errorCode(DeviceHttp.Response r) {
        if (r.body().length == 0) {
            return null;
        }
        try {
            if (r.mediaType().contains("json")) {
                JsonNode code = JSON.readTree(r.body()).get("code");
                return code != null && code.isTextual() ? code.asText() : null;
            }
            if (r.mediaType().contains("xml") || r.mediaType().contains("plist")) {
                NSObject code = Plist.parseDictionary(r.body()).objectForKey("code");
                return code instanceof NSString s ? s.getContent() : null;
            }
        } catch (Exception e) {
            return null; // not an error body; the caller shows the text
        }
        return null;
    }
}
