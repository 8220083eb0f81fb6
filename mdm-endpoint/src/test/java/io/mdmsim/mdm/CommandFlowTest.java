package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.DeclarativeManagement;
import io.mdmsim.core.protocol.ErrorChainItem;
import io.mdmsim.core.protocol.GetBootstrapToken;
import io.mdmsim.core.protocol.SetBootstrapToken;
import io.mdmsim.core.protocol.UserAuthenticate;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admin-queued commands through the device protocol: NotNow, resend, Error, history; other check-in messages. */
class CommandFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void queuedCommandsEndInExactlyOneTerminalState() throws Exception {
        TestDevice d = t.enrolled("UDID-CMD", false);
        String lock = queue(d.udid, "{\"requestType\":\"DeviceLock\",\"Message\":\"found\",\"PIN\":\"123456\"}");
        String profile = queue(d.udid, "{\"requestType\":\"InstallProfile\",\"Payload\":{\"$data\":\"AAEC\"}}");

        Command first = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals(lock, first.commandUuid());
        assertEquals("DeviceLock", first.requestType());
        assertEquals("found", first.get("Message").toJavaObject());

        // NotNow: the deferred command is skipped for this reply, the next one is offered.
        Command second = Command.parse(d.report(t.base, CommandResult.notNow(d.udid, lock)).body());
        assertEquals(profile, second.commandUuid());
        assertArrayEquals(new byte[] {0, 1, 2}, ((NSData) second.get("Payload")).bytes());
        // Any report other than NotNow makes deferred commands eligible again (nanomdm RetrieveNextCommand).
        Command afterError = Command.parse(d.report(t.base, CommandResult.error(d.udid, profile,
                List.of(ErrorChainItem.of(4001, "MCProfileErrorDomain", "The profile is malformed.")))).body());
        assertEquals(lock, afterError.commandUuid());
        assertEquals(0, d.report(t.base, CommandResult.notNow(d.udid, lock)).body().length,
                "after NotNow only deferred commands are left: the session ends");

        // Idle: the deferred command comes again, and is acknowledged; twice.
        Command again = Command.parse(d.report(t.base, CommandResult.idle(d.udid)).body());
        assertEquals(lock, again.commandUuid());
        assertEquals(0, d.report(t.base, CommandResult.acknowledged(d.udid, lock, Map.of())).body().length);
        assertEquals(0, d.report(t.base, CommandResult.error(d.udid, lock, List.of())).body().length);

        JsonNode history = get("/admin/devices/" + d.udid + "/commands");
        assertEquals(2, history.size());
        assertEquals("ACKNOWLEDGED", history.get(0).path("state").asText(), "the first terminal state wins");
        assertEquals(3, history.get(0).path("timesSent").asInt());
        assertEquals("ERROR", history.get(1).path("state").asText());
        assertEquals(4001, history.get(1).path("result").path("ErrorChain").get(0).path("ErrorCode").asInt());
    }

    @Test
    void reAuthenticationCancelsWhatThePreviousEnrollmentLeftQueued() throws Exception {
        TestDevice d = t.enrolled("UDID-REENROLL", true);
        TestServer.expect200(d.checkin(t.base, Authenticate.forDevice(d.topic(), d.udid, d.serial, "iPhone15,2",
                "18.1", "22B83", null, null)));
        JsonNode history = get("/admin/devices/" + d.udid + "/commands");
        assertEquals(1, history.size());
        assertEquals("CANCELED", history.get(0).path("state").asText());
        assertTrue(history.get(0).path("note").asText().contains("authenticated again"));
    }

    @Test
    void otherCheckinMessagesGetMinimalAnswers() throws Exception {
        TestDevice d = t.enrolled("UDID-OTHER", false);
        HttpResponse<byte[]> ua = d.checkin(t.base, new UserAuthenticate(d.udid, "user-1", null, null));
        assertEquals(410, ua.statusCode());

        NSDictionary empty = Plist.parseDictionary(d.checkin(t.base, new GetBootstrapToken(d.udid, false, null)).body());
        assertEquals(0, ((NSData) empty.get("BootstrapToken")).bytes().length);
        TestServer.expect200(d.checkin(t.base, new SetBootstrapToken(d.udid, new byte[] {9, 9}, false, null)));
        NSDictionary stored = Plist.parseDictionary(d.checkin(t.base, new GetBootstrapToken(d.udid, false, null)).body());
        assertArrayEquals(new byte[] {9, 9}, ((NSData) stored.get("BootstrapToken")).bytes());

        HttpResponse<byte[]> tokens = d.checkin(t.base,
                new DeclarativeManagement("tokens", null, d.udid, null, null, null, null, null, null));
        assertEquals(200, tokens.statusCode());
        assertTrue(JSON.readTree(tokens.body()).path("SyncTokens").has("DeclarationsToken"));

        // Check-in messages sent to the ServerURL are routed by their media type.
        byte[] body = CheckinCodec.encode(new GetBootstrapToken(d.udid, false, null));
        HttpResponse<byte[]> viaConnect = TestDevice.put(t.base, "/mdm/connect", "application/x-apple-aspen-mdm-checkin",
                body, d.mdmIdentity);
        assertEquals(200, viaConnect.statusCode());
        assertTrue(Plist.parseDictionary(viaConnect.body()).containsKey("BootstrapToken"));
    }

    private String queue(String udid, String json) throws Exception {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/admin/devices/" + udid + "/commands"))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build());
        assertEquals(201, r.statusCode(), () -> new String(r.body()));
        return JSON.readTree(r.body()).path("commandUuid").asText();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve(path)).GET().build());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        return JSON.readTree(r.body());
    }
}
