package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.CheckOut;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.TokenUpdate;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A UDID that enrolled accepts only the identity it enrolled with. Anyone can get an over-the-air challenge and a
 * certificate with any subject; neither the certificate's CN nor an Authenticate makes it the device's identity.
 */
class IdentityBindingTest {

    private final TestServer t = new TestServer();

    @AfterEach
    void stop() {
        t.close();
    }

    /** What an attacker on the network gets: an OTA profile, then a SCEP certificate whose CN is the victim's UDID. */
    private TestDevice otaIdentityNamed(String udid) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/mdm/enroll")).GET().build());
        assertEquals(200, r.statusCode());
        TestDevice attacker = t.newDevice(udid);
        attacker.profile = Plist.parseDictionary(r.body());
        attacker.mdmIdentity = attacker.scep(t.base, attacker.challenge(), t.clock.now()).identity();
        return attacker;
    }

    private String queueDeviceLock(String udid) {
        HttpResponse<byte[]> r = t.send("POST", "/admin/devices/" + udid + "/commands",
                "{\"requestType\":\"DeviceLock\",\"Message\":\"lost\"}");
        assertEquals(201, r.statusCode(), () -> new String(r.body()));
        return TestServer.json(r).path("commandUuid").asText();
    }

    private JsonNode command(String udid, String uuid) {
        return t.get("/admin/devices/" + udid + "/commands/" + uuid);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void anOtaIdentityCannotAuthenticateAsAnEnrolledAdeDevice() {
        TestDevice victim = t.enrolled("UDID-VICTIM", false);
        String lock = queueDeviceLock(victim.udid);
        TestDevice attacker = otaIdentityNamed(victim.udid);

        HttpResponse<byte[]> r = attacker.checkin(t.base, Authenticate.forDevice(attacker.topic(), victim.udid,
                victim.serial, "iPhone15,2", "18.1", "22B83", null, null));
        assertEquals(403, r.statusCode(), text(r));
        assertEquals("QUEUED", command(victim.udid, lock).path("state").asText(), "the victim's DeviceLock stands");
        assertEquals(1, t.get("/admin/devices/" + victim.udid).path("lifecycle").path("enrollments").asInt(),
                "the victim's record was not replaced");

        HttpResponse<byte[]> next = victim.report(t.base, CommandResult.idle(victim.udid));
        assertEquals(200, next.statusCode(), text(next));
        assertTrue(text(next).contains(lock), "the real device still gets its command");
    }

    @Test
    void aCertificateWhoseCnIsTheVictimsUdidProvesNothing() {
        TestDevice victim = t.enrolled("UDID-VICTIM-2", false);
        String lock = queueDeviceLock(victim.udid);
        TestDevice attacker = otaIdentityNamed(victim.udid);

        HttpResponse<byte[]> idle = attacker.report(t.base, CommandResult.idle(victim.udid));
        assertEquals(403, idle.statusCode(), text(idle));
        assertTrue(!text(idle).contains(lock), "no command for the attacker");
        HttpResponse<byte[]> ack = attacker.report(t.base, CommandResult.acknowledged(victim.udid, lock, Map.of()));
        assertEquals(403, ack.statusCode(), text(ack));
        HttpResponse<byte[]> token = attacker.checkin(t.base, TokenUpdate.forDevice(attacker.topic(), victim.udid,
                new byte[32], "stolen", null, false));
        assertEquals(403, token.statusCode(), text(token));
        assertEquals("QUEUED", command(victim.udid, lock).path("state").asText());
    }

    @Test
    void anOtaIdentityCannotTakeOverAnotherOtaEnrollment() {
        TestDevice first = otaIdentityNamed("UDID-OTA-1");
        TestServer.expect200(first.checkin(t.base, Authenticate.forDevice(first.topic(), first.udid, first.serial,
                "iPhone15,2", "18.1", "22B83", null, null)));
        TestDevice second = otaIdentityNamed("UDID-OTA-1");
        HttpResponse<byte[]> r = second.checkin(t.base, Authenticate.forDevice(second.topic(), first.udid,
                first.serial, "iPhone15,2", "18.1", "22B83", null, null));
        assertEquals(403, r.statusCode(), text(r));
        assertTrue(text(r).contains("com.apple.unrecognized.device") || r.statusCode() == 403);
    }

    @Test
    void reEnrollmentThroughANewMachineInfoReplacesTheIdentityAndRetiresTheOldOne() {
        TestDevice device = t.enrolled("UDID-REENROLL", false);
        io.mdmsim.core.pki.Identity old = device.mdmIdentity;
        device.enroll(t.base); // a new MachineInfo: a challenge minted for this UDID
        device.mdmIdentity = device.scep(t.base, device.challenge(), t.clock.now()).identity();
        TestServer.expect200(device.checkin(t.base, Authenticate.forDevice(device.topic(), device.udid, device.serial,
                "iPhone15,2", "18.1", "22B83", null, null)));
        TestServer.expect200(device.report(t.base, CommandResult.idle(device.udid)));

        TestDevice stale = t.newDevice(device.udid);
        stale.mdmIdentity = old;
        HttpResponse<byte[]> r = stale.report(t.base, CommandResult.idle(device.udid));
        assertEquals(403, r.statusCode(), "the identity of the earlier enrollment: " + text(r));
    }

    @Test
    void anOtaDeviceThatCheckedOutMayEnrollAgainOverTheAir() {
        TestDevice first = otaIdentityNamed("UDID-OTA-AGAIN");
        TestServer.expect200(first.checkin(t.base, Authenticate.forDevice(first.topic(), first.udid, first.serial,
                "iPhone15,2", "18.1", "22B83", null, null)));
        TestServer.expect200(first.checkin(t.base, new CheckOut(first.topic(), first.udid, null, null)));
        TestDevice again = otaIdentityNamed("UDID-OTA-AGAIN");
        TestServer.expect200(again.checkin(t.base, Authenticate.forDevice(again.topic(), again.udid, again.serial,
                "iPhone15,2", "18.1", "22B83", null, null)));
        assertEquals(403, first.report(t.base, CommandResult.idle(first.udid)).statusCode(),
                "the identity of the checked-out enrollment is spent");
    }

    @Test
    void aMachineInfoSignedForAnotherUdidOrSerialIsRefused() {
        TestDevice victim = t.newDevice("UDID-VICTIM-3");
        TestDevice attacker = t.newDevice("UDID-ATTACKER-3");
        Map<String, Object> claim = victim.machineInfoValues();
        HttpResponse<byte[]> udid = attacker.postMachineInfo(t.base, attacker.signedMachineInfo(claim));
        assertEquals(403, udid.statusCode(), text(udid));
        assertTrue(text(udid).contains("UDID-VICTIM-3") && text(udid).contains("UDID-ATTACKER-3"), text(udid));

        Map<String, Object> otherSerial = attacker.machineInfoValues();
        otherSerial.put("SERIAL", victim.serial);
        HttpResponse<byte[]> serial = attacker.postMachineInfo(t.base, attacker.signedMachineInfo(otherSerial));
        assertEquals(403, serial.statusCode(), text(serial));
        assertTrue(text(serial).contains(victim.serial), text(serial));
    }
}
