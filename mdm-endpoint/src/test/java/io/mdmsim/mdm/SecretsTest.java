package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.plist.Plist;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * SCEP challenges are secrets: two servers started with the same seed mint different first challenges, so neither a
 * fresh server's challenge nor the next one after an observed challenge can be predicted.
 */
class SecretsTest {

    private static String otaChallenge(TestServer s) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(s.base.resolve("/mdm/enroll")).GET().build());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        NSDictionary profile = Plist.parseDictionary(r.body());
        return TestDevice.str((NSDictionary) TestDevice.payload(profile, "com.apple.security.scep")
                .get("PayloadContent"), "Challenge");
    }

    @Test
    void aSecondServerWithTheSameSeedMintsOtherChallenges() {
        try (TestServer a = new TestServer(); TestServer b = new TestServer()) {
            assertNotEquals(otaChallenge(a), otaChallenge(b), "first OTA challenge");
            TestDevice da = a.newDevice("UDID-SECRET");
            TestDevice db = b.newDevice("UDID-SECRET");
            da.enroll(a.base);
            db.enroll(b.base);
            assertNotEquals(da.challenge(), db.challenge(), "first ADE challenge of the same device");
        }
    }
}
