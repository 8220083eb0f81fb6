package io.mdmsim.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.device.enroll.MachineInfoStep;
import io.mdmsim.device.model.EnrollmentProfile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientsTest {

    @Test
    void scepChoosesFromTheCaps() {
        assertEquals(new ScepClient.Choice(ContentCipher.AES128_CBC, DigestAlgorithm.SHA256, true),
                ScepClient.choose(Set.of("AES", "DES3", "SHA-256", "SHA-1", "POSTPKIOPERATION")));
        assertEquals(new ScepClient.Choice(ContentCipher.DES_EDE3_CBC, DigestAlgorithm.SHA1, false),
                ScepClient.choose(Set.of()));
    }

    @Test
    void scepOperationUrlsKeepAnExistingQuery() {
        EnrollmentProfile.ScepPayload p = new EnrollmentProfile.ScepPayload("u", URI.create("http://h/scep?tenant=a"),
                "CA one", "", null, 2048, 0, 3, Duration.ofSeconds(10), null);
        assertEquals(URI.create("http://h/scep?tenant=a&operation=GetCACert&message=CA+one"),
                ScepClient.operation(p, "GetCACert", "CA one"));
    }

    @Test
    void refusalsNameAdmErrorCodesFromJsonOrPlist() {
        DeviceHttp.Response json = new DeviceHttp.Response("PUT", URI.create("http://h/checkin"), 403,
                "application/json", "{\"code\":\"com.apple.unrecognized.device\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(MdmClient.explain(json).startsWith("403 com.apple.unrecognized.device: the MDM does not recognize"));
        DeviceHttp.Response plist = new DeviceHttp.Response("POST", URI.create("http://h/enroll"), 403,
                "application/xml", ("<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>code</key>"
                + "<string>com.apple.softwareupdate.required</string></dict></plist>").getBytes(StandardCharsets.UTF_8));
        assertEquals("403 com.apple.softwareupdate.required from POST http://h/enroll",
                MachineInfoStep.refusal(plist));
        DeviceHttp.Response binary = new DeviceHttp.Response("GET", URI.create("http://h/x"), 500, "application/octet-stream",
                new byte[] {0, 1, 2});
        assertEquals("GET http://h/x answered 500 (3 bytes of application/octet-stream)", binary.describe());
    }
}
