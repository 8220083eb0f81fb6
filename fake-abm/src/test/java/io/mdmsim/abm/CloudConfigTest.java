package io.mdmsim.abm;

import static io.mdmsim.abm.AbmFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.plist.Plist;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The device-facing cloud configuration: who gets a record, and every refusal as readable text. */
class CloudConfigTest {

    private static final String UDID = "00008110-001A2C3E1E38801E";
    private static final String SIGNED = "application/pkcs7-signature";

    private static AbmFixture abm;
    private static String assigned;
    private static String noProfile;
    private static String unassigned;

    @BeforeAll
    static void start() {
        abm = new AbmFixture(b -> b.deviceCount(5));
        var devices = AbmFixture.json(abm.adminGet("/admin/devices"));
        assigned = devices.get(0).get("serialNumber").asText();
        noProfile = devices.get(1).get("serialNumber").asText();
        unassigned = devices.get(2).get("serialNumber").asText();
        abm.createMdmServer("mdm-1");
        var token = abm.downloadToken("mdm-1");
        assertEquals(200, abm.adminPost("/admin/assignments",
                java.util.Map.of("mdmServer", "mdm-1", "serials", java.util.List.of(assigned, noProfile))).statusCode());
        AbmFixture.Dep dep = abm.new Dep(token, abm.session(token));
        String profile = dep.ok(dep.post("/profile", "{\"profile_name\":\"p\",\"url\":\"https://mdm.example.com/enroll\"}"))
                .get("profile_uuid").asText();
        dep.ok(dep.post("/profile/devices", "{\"profile_uuid\":\"" + profile + "\",\"devices\":[\"" + assigned + "\"]}"));
    }

    @AfterAll
    static void stop() {
        abm.close();
    }

    @Test
    void assignedDeviceGetsItsRecordWithProfileDefaults() {
        HttpResponse<byte[]> r = abm.postCloudConfig(request(assigned), SIGNED);
        assertEquals(200, r.statusCode(), text(r));
        NSDictionary record = Plist.parseDictionary(r.body());
        assertEquals("https://mdm.example.com/enroll", record.get("ConfigurationURL").toJavaObject());
        assertEquals(false, record.get("IsSupervised").toJavaObject());
        assertEquals(false, record.get("IsMDMUnremovable").toJavaObject(), "is_mdm_removable defaults to true");
        assertEquals(false, record.get("AwaitDeviceConfigured").toJavaObject());
        assertEquals(true, record.get("AllowPairing").toJavaObject());
        assertEquals(0, ((com.dd.plist.NSArray) record.get("SkipSetup")).count());
        assertEquals("pushed", AbmFixture.json(abm.adminGet("/admin/devices/" + assigned)).get("profileStatus").asText());
    }

    @Test
    void unassignedOrProfilelessSerialIsNotFound() {
        HttpResponse<byte[]> r = abm.postCloudConfig(request(unassigned), SIGNED);
        assertEquals(404, r.statusCode());
        assertEquals("serial " + unassigned + " is not assigned to an MDM server with an enrollment profile", text(r));
        HttpResponse<byte[]> p = abm.postCloudConfig(request(noProfile), SIGNED);
        assertEquals(404, p.statusCode());
        assertEquals("serial " + noProfile + " is not assigned to an MDM server with an enrollment profile", text(p));
    }

    @Test
    void unknownSerialIsNotFound() {
        HttpResponse<byte[]> r = abm.postCloudConfig(request("C39ZZZZZZZZZ"), SIGNED);
        assertEquals(404, r.statusCode());
        assertEquals("serial C39ZZZZZZZZZ is not in the inventory of any organization", text(r));
    }

    @Test
    void unsignedPlistIsRefused() {
        NSDictionary d = new NSDictionary();
        d.put("SerialNumber", assigned);
        HttpResponse<byte[]> r = abm.postCloudConfig(Plist.toXml(d), SIGNED);
        assertEquals(400, r.statusCode());
        assertReadable(r, "signature");
    }

    @Test
    void garbageBodyIsRefused() {
        HttpResponse<byte[]> r = abm.postCloudConfig("hello".getBytes(StandardCharsets.US_ASCII), SIGNED);
        assertEquals(400, r.statusCode());
        assertReadable(r, "signature");
        HttpResponse<byte[]> empty = abm.postCloudConfig(new byte[0], SIGNED);
        assertEquals(400, empty.statusCode());
        assertEquals("empty body (expected: a CMS SignedData with the device's request plist attached)", text(empty));
    }

    @Test
    void wrongContentTypeIsRefused() {
        HttpResponse<byte[]> r = abm.postCloudConfig(request(assigned), "application/json");
        assertEquals(415, r.statusCode());
        assertEquals("Content-Type: application/json (expected: application/pkcs7-signature)", text(r));
    }

    @Test
    void signerNotFromTheAppleDeviceCaIsForbidden() {
        Identity stranger = CertificateAuthority.selfSignedRoot("Not Apple", AbmFixture.T0.minus(Duration.ofDays(1)),
                Duration.ofDays(30)).issueClientIdentity("CN=" + UDID, AbmFixture.T0.minus(Duration.ofDays(1)), Duration.ofDays(30));
        HttpResponse<byte[]> r = abm.postCloudConfig(AbmFixture.cloudConfigRequest(stranger, assigned, UDID), SIGNED);
        assertEquals(403, r.statusCode());
        assertReadable(r, "device certificate not trusted");
    }

    @Test
    void signedContentThatIsNotAPlistIsRefused() {
        byte[] body = Cms.signAttached("{\"sn\":\"x\"}".getBytes(StandardCharsets.UTF_8), AbmFixture.deviceIdentity(UDID, assigned));
        HttpResponse<byte[]> r = abm.postCloudConfig(body, SIGNED);
        assertEquals(400, r.statusCode());
        assertReadable(r, "signed content is not a plist dictionary");
    }

    @Test
    void missingSerialNumberIsRefused() {
        NSDictionary d = new NSDictionary();
        d.put("UDID", UDID);
        HttpResponse<byte[]> r = abm.postCloudConfig(Cms.signAttached(Plist.toXml(d), AbmFixture.deviceIdentity(UDID, assigned)), SIGNED);
        assertEquals(400, r.statusCode());
        assertReadable(r, "SerialNumber missing");
    }

    /** The cloud configuration request of the device with this serial, signed with its own certificate. */
    private static byte[] request(String serial) {
        return AbmFixture.cloudConfigRequest(AbmFixture.deviceIdentity(UDID, serial), serial, UDID);
    }

    @Test
    void aDeviceCertificateAnswersOnlyForItsOwnSerialAndUdid() {
        Identity other = AbmFixture.deviceIdentity("00008110-00AAAAAAAAAAAAAA", unassigned);
        HttpResponse<byte[]> serial = abm.postCloudConfig(AbmFixture.cloudConfigRequest(other, assigned,
                "00008110-00AAAAAAAAAAAAAA"), SIGNED);
        assertEquals(403, serial.statusCode(), text(serial));
        assertReadable(serial, "serial " + unassigned);
        assertTrue(text(serial).contains(assigned), text(serial));

        Identity mine = AbmFixture.deviceIdentity("00008110-00AAAAAAAAAAAAAA", assigned);
        HttpResponse<byte[]> udid = abm.postCloudConfig(AbmFixture.cloudConfigRequest(mine, assigned, UDID), SIGNED);
        assertEquals(403, udid.statusCode(), text(udid));
        assertReadable(udid, "00008110-00AAAAAAAAAAAAAA");

        Identity noSerial = AbmFixture.pki().appleDeviceCa().issueClientIdentity("CN=" + UDID,
                AbmFixture.T0.minus(Duration.ofDays(1)), Duration.ofDays(30));
        HttpResponse<byte[]> none = abm.postCloudConfig(AbmFixture.cloudConfigRequest(noSerial, assigned, UDID), SIGNED);
        assertEquals(403, none.statusCode(), text(none));
        assertReadable(none, "names no serial");
    }

    private static void assertReadable(HttpResponse<byte[]> r, String contains) {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        assertTrue(text(r).contains(contains), "'" + text(r) + "' should mention '" + contains + "'");
    }
}
