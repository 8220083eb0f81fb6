package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Company Portal on ADE devices (seeds): no Remove Device or Factory Reset, and on a device without user affinity only
 * with IntuneUDAUserlessDevice, whose first user becomes the primary user and spares the device its device licence.
 * Fake ABM, reference MDM and virtual devices (whose users sign in to Company Portal) over HTTP on a manual SimClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompanyPortalSeedRulesE2eTest extends ImportedDevicesTest {

    static final String A = "F2LXC0000001";          // iPhone 14 Pro, iOS 17.5
    static final String B = "F2LXC0000002";          // iPhone 14 Pro, iOS 17.5

    @BeforeEach
    void start() throws Exception {
        start("portal-rules", A + ",iPhone15,2,17.5,21F90", B + ",iPhone15,2,17.5,21F90");
    }

    private DeviceRun signingIn(String serial) throws Exception {
        return DeviceRun.run(world, traces, b -> b.behaviour(Behaviour.builder()
                .companyPortal(1, Duration.ofMinutes(30)).build()), serial).getFirst();
    }

    private static JsonNode signInAnswer(DeviceRun d) throws Exception {
        return E2eWorld.JSON.readTree(DeviceRun.bodyText(d.exchange("POST", "/companyportal/signin")
                .path("response").path("body")));
    }

    @Test
    @DisplayName("\"the Remove Device or Factory Reset options in the Company Portal app remain unavailable on devices"
            + " enrolled through automated device enrollment\"")
    void companyPortalOffersNoRemoveOrResetOnAnAdeDevice() throws Exception {
        profile("{\"name\":\"Portal\",\"authentication\":\"COMPANY_PORTAL\",\"lockedEnrollment\":false}", A);
        DeviceRun d = signingIn(A);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result() + " " + d.urls());
        JsonNode answer = signInAnswer(d);
        assertFalse(answer.path("selfService").path("removeDevice").asBoolean(true), answer.toString());
        assertFalse(answer.path("selfService").path("factoryReset").asBoolean(true), answer.toString());
        assertTrue(answer.path("selfService").path("reason").asText().contains("regardless of locked enrollment"));
    }

    @Test
    @DisplayName("Without user affinity, IntuneUDAUserlessDevice: \"The first user that signs in to the Company Portal"
            + " app is established as the primary user\", and \"If devices enrolled without user affinity will be used"
            + " by an Intune-licensed user, a device license isn't needed\"")
    void theFirstCompanyPortalUserOfAUserlessDeviceIsItsPrimaryUserAndSparesItsDeviceLicence() throws Exception {
        HttpResponse<String> policy = world.mdmJson("PUT", "/admin/policy", "{\"deviceLicenses\":{\"total\":1}}");
        assertEquals(200, policy.statusCode(), policy.body());
        profile("{\"name\":\"Shared kiosk\",\"userAffinity\":\"WITHOUT_USER\",\"installCompanyPortal\":true,"
                + "\"companyPortalPrimaryUser\":true}", A, B);

        DeviceRun a = signingIn(A);
        assertEquals(Outcome.ENROLLED, a.result().outcome(), a.result() + " " + a.urls());
        String user = "user-" + A.toLowerCase(Locale.ROOT) + "@example.com";
        assertEquals(user, signInAnswer(a).path("primaryUser").asText());
        assertTrue(DeviceRun.bodyText(a.exchanges(r -> r.path("url").asText().endsWith("/mdm/connect")).stream()
                .map(x -> x.path("response").path("body")).filter(b -> DeviceRun.bodyText(b)
                        .contains("IntuneUDAUserlessDevice")).findFirst().orElseThrow()).contains("ServiceURL"),
                "Company Portal's configuration carries IntuneUDAUserlessDevice");
        JsonNode view = device(a);
        assertEquals(user, view.path("primaryUser").asText(), view.toString());
        JsonNode licences = world.mdmAdmin.getJson("/admin/policy").path("deviceLicenses");
        assertEquals(0, licences.path("used").asInt(), "used by a licensed user: " + licences);

        // the one device licence is free again: the second device enrolls
        DeviceRun b = one(B);
        assertEquals(Outcome.ENROLLED, b.result().outcome(), b.result().toString());
        assertEquals(1, world.mdmAdmin.getJson("/admin/policy").path("deviceLicenses").path("used").asInt());
    }

    @Test
    @DisplayName("Enroll without User Affinity: \"Apps like the Company Portal app don't work\" (2020 page) -- without"
            + " IntuneUDAUserlessDevice")
    void companyPortalDoesNotWorkOnAUserlessDeviceWithoutTheKey() throws Exception {
        profile("{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\",\"installCompanyPortal\":true}", A);
        DeviceRun d = signingIn(A);
        assertEquals(Stage.COMPANY_PORTAL, d.result().stage(), d.result().toString());
        assertTrue(d.result().reason().contains("409") && d.result().reason().contains("enrolled without user"
                + " affinity: Company Portal does not work on it"), d.result().reason());
    }
}
