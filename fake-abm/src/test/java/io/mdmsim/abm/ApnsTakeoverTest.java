package io.mdmsim.abm;

import static io.mdmsim.abm.ApnsFixture.TOPIC;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.abm.ApnsFixture.Events;
import io.mdmsim.abm.apns.ApnsService;
import io.mdmsim.abm.apns.DeviceSignature;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake APNs hands a device's token, and the pushes for it, only to that device: a token request must be signed by
 * the device certificate of the UDID it names, and moving, reading or releasing a token needs the key the device got
 * with it. Before, {@code POST /apns/v1/tokens {"deviceId": victim}} returned the victim's token to anyone, whose
 * connection then received the victim's pushes, and anyone could release any token.
 */
class ApnsTakeoverTest {

    private static final String VICTIM = "UDID-VICTIM";
    private static final String BODY = "{\"deviceId\":\"" + VICTIM + "\",\"topic\":\"" + TOPIC + "\"}";

    private final ApnsFixture f = new ApnsFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anotherDeviceCannotGetTheVictimsToken() {
        String token = f.issueToken(VICTIM, TOPIC);

        HttpResponse<String> unsigned = f.rawCall("POST", "/apns/v1/tokens", BODY);
        assertEquals(401, unsigned.statusCode(), unsigned.body());
        assertTrue(unsigned.body().startsWith("Apns-Device-Signature missing (expected: the request body signed by"
                + " the device's certificate"), unsigned.body());

        HttpResponse<String> otherDevice = f.rawCall("POST", "/apns/v1/tokens", BODY, DeviceSignature.HEADER,
                ApnsFixture.signature(f.deviceIdentity("UDID-ATTACKER"), BODY));
        assertEquals(403, otherDevice.statusCode(), otherDevice.body());
        assertEquals("deviceId UDID-VICTIM asked for by the device certificate of UDID-ATTACKER (expected: a device"
                + " asks for its own token)", otherDevice.body());

        Identity selfMade = CertificateAuthority.selfSignedRoot("rogue CA", ApnsFixture.T0.minus(Duration.ofDays(1)),
                Duration.ofDays(30)).issueClientIdentity("CN=" + VICTIM, ApnsFixture.T0.minus(Duration.ofDays(1)),
                Duration.ofDays(30));
        HttpResponse<String> rogue = f.rawCall("POST", "/apns/v1/tokens", BODY, DeviceSignature.HEADER,
                ApnsFixture.signature(selfMade, BODY));
        assertEquals(403, rogue.statusCode(), rogue.body());
        assertTrue(rogue.body().contains("(expected: signed by a device certificate of the fake Apple device CA"),
                rogue.body());

        HttpResponse<String> otherBody = f.rawCall("POST", "/apns/v1/tokens", BODY, DeviceSignature.HEADER,
                ApnsFixture.signature(f.deviceIdentity(VICTIM), "{\"deviceId\":\"" + VICTIM + "\"}"));
        assertEquals(403, otherBody.statusCode(), "a signature of another body: " + otherBody.body());

        HttpResponse<String> own = f.deviceCall("POST", "/apns/v1/tokens", BODY);
        assertEquals(201, own.statusCode(), own.body());
        assertEquals(token, ApnsFixture.json(own).get("token").textValue());
    }

    @Test
    void whoKnowsTheTokenCannotTakeItsPushes() {
        String token = f.issueToken(VICTIM, TOPIC);
        try (Events victim = f.connect(token); Events attacker = f.connect()) {
            String path = "/apns/v1/connections/" + attacker.connection + "/tokens/" + token;
            assertEquals(403, f.rawCall("PUT", path, null).statusCode());
            HttpResponse<String> guessed = f.rawCall("PUT", path, null, ApnsService.KEY_HEADER, "0".repeat(64));
            assertEquals(403, guessed.statusCode());
            assertTrue(guessed.body().startsWith("token " + token + ": wrong key"), guessed.body());
            HttpResponse<String> joined = f.rawCall("POST", "/apns/v1/connections",
                    "{\"tokens\":[{\"token\":\"" + token + "\",\"key\":\"guess\"}]}");
            assertEquals(403, joined.statusCode(), joined.body());
            HttpResponse<String> bare = f.rawCall("POST", "/apns/v1/connections", "{\"tokens\":[\"" + token + "\"]}");
            assertEquals(400, bare.statusCode(), bare.body());

            assertEquals(200, f.push(token, "for-the-victim").statusCode());
            await().atMost(30, TimeUnit.SECONDS).until(() -> victim.events.size() == 1);
            assertEquals("for-the-victim", victim.events.peek().json().get("payload").get("mdm").textValue());
            assertEquals(0, attacker.events.size());
        }
    }

    @Test
    void onlyTheDeviceReadsOrReleasesItsToken() {
        String token = f.issueToken(VICTIM, TOPIC);
        HttpResponse<String> release = f.rawCall("DELETE", "/apns/v1/tokens/" + token, null);
        assertEquals(403, release.statusCode(), release.body());
        assertTrue(release.body().startsWith("token " + token + ": no key (expected: the key POST /apns/v1/tokens"
                + " gave the token's device"), release.body());
        assertEquals(403, f.rawCall("GET", "/apns/v1/tokens/" + token, null).statusCode(),
                "the status names the token's connection");
        assertEquals(200, f.push(token, "m").statusCode(), "the token is still issued");

        assertEquals(204, f.deviceCall("DELETE", "/apns/v1/tokens/" + token, null).statusCode());
        assertEquals(410, f.push(token, "m").statusCode());
    }
}
