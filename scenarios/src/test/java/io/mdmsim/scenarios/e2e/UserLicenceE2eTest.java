package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Devices enrolled with user affinity require that each user be assigned an Intune license": the user who signs in
 * in Setup Assistant -- legacy (the MDM answers MachineInfo with a Basic challenge) or modern (a sign-in page in the web
 * view) -- takes a user licence, and a user without one cannot enroll. Fake ABM, reference MDM and virtual devices over
 * HTTP on a manual SimClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UserLicenceE2eTest extends ImportedDevicesTest {

    static final String A = "F2LXU0000001";          // iPhone 14 Pro, iOS 17.5
    static final String B = "F2LXU0000002";          // iPhone 14 Pro, iOS 17.5
    static final String OLD = "F2LXU0000003";        // iPhone 8 Plus, iOS 12.4

    @BeforeEach
    void start() throws Exception {
        start("licences", A + ",iPhone15,2,17.5,21F90", B + ",iPhone15,2,17.5,21F90", OLD + ",iPhone10,2,12.4,16G77");
        HttpResponse<String> policy = world.mdmJson("PUT", "/admin/policy", "{\"userLicenses\":{\"total\":1}}");
        assertEquals(200, policy.statusCode(), policy.body());
    }

    private static String user(String serial) {
        return "user-" + serial.toLowerCase(Locale.ROOT) + "@example.com";
    }

    /** Runs the devices; exactly one enrolls (the first user takes the one licence); returns [enrolled, refused]. */
    private DeviceRun[] oneLicensed(String... serials) throws Exception {
        List<DeviceRun> runs = DeviceRun.run(world, traces, b -> { }, serials);
        DeviceRun enrolled = runs.stream().filter(r -> r.result().outcome() == Outcome.ENROLLED).findFirst()
                .orElseThrow(() -> new AssertionError("none enrolled: " + runs.stream().map(DeviceRun::result).toList()));
        DeviceRun refused = runs.stream().filter(r -> r != enrolled).findFirst().orElseThrow();
        assertEquals(Outcome.FAILED, refused.result().outcome(), refused.result().toString());
        assertEquals(Stage.MACHINE_INFO, refused.result().stage(), refused.result().toString());
        assertTrue(refused.result().reason().contains("403 io.mdmsim.license.user-unlicensed"),
                refused.result().reason());
        JsonNode licences = world.mdmAdmin.getJson("/admin/policy").path("userLicenses");
        assertEquals(1, licences.path("used").asInt(), licences.toString());
        assertEquals(user(enrolled.result().device().serialNumber()), licences.path("holders").get(0).asText());
        return new DeviceRun[] {enrolled, refused};
    }

    private JsonNode enrollmentUser(DeviceRun d) {
        return device(d).path("enrollmentUser");
    }

    @Test
    @DisplayName("Setup Assistant (legacy): \"Devices enrolled with user affinity require that each user be assigned an"
            + " Intune license\"")
    void legacySignInTakesAUserLicence() throws Exception {
        profile("{\"name\":\"Legacy\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\"}", A, B);
        DeviceRun[] r = oneLicensed(A, B);
        JsonNode signedIn = enrollmentUser(r[0]);
        assertEquals(user(r[0].result().device().serialNumber()), signedIn.path("user").asText(), signedIn.toString());
        assertEquals("legacy", signedIn.path("via").asText());
        List<JsonNode> posts = r[0].exchanges(q -> q.path("method").asText().equals("POST")
                && q.path("url").asText().endsWith("/mdm/enroll"));
        assertEquals(401, posts.get(0).path("response").path("status").asInt(), "asked for credentials first");
        assertTrue(posts.get(0).path("response").path("headers").toString().contains("Basic realm="),
                posts.get(0).toString());
        assertEquals(200, posts.get(1).path("response").path("status").asInt());
    }

    @Test
    @DisplayName("Setup Assistant with modern authentication: \"Devices enrolled with user affinity require that each"
            + " user be assigned an Intune license\"")
    void modernSignInTakesAUserLicence() throws Exception {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\"}", A, B);
        DeviceRun[] r = oneLicensed(A, B);
        assertEquals("modern", enrollmentUser(r[0]).path("via").asText(), enrollmentUser(r[0]).toString());
        JsonNode page = r[0].exchange("GET", "/mdm/enroll");
        assertTrue(page.path("response").path("headers").toString().contains("text/html"), page.toString());
        JsonNode form = r[0].exchange("POST", "/mdm/enroll/signin");
        assertEquals(200, form.path("response").path("status").asInt(), form.toString());
        assertEquals(403, r[1].exchange("POST", "/mdm/enroll/signin").path("response").path("status").asInt());
    }

    @Test
    @DisplayName("\"Older iOS/iPadOS devices given this profile will instead use Setup Assistant (legacy) for"
            + " authentication\" -- and take a user licence there")
    void anOlderDeviceSignsInWithLegacyAuthentication() throws Exception {
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\"}", OLD);
        DeviceRun d = one(OLD);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result() + " " + d.urls());
        assertEquals("legacy", enrollmentUser(d).path("via").asText(), enrollmentUser(d).toString());
        assertEquals(1, world.mdmAdmin.getJson("/admin/policy").path("userLicenses").path("used").asInt());
    }
}
