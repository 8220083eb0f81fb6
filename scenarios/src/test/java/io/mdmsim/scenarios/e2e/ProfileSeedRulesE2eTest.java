package io.mdmsim.scenarios.e2e;

import static io.mdmsim.scenarios.e2e.DeviceRun.plistBool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Outcome;
import io.mdmsim.device.Stage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrollment profile rules of the seeds that the first profile tests did not hold, each over the MDM's admin API, the
 * fake ABM's DEP profile and the device's cloud configuration and Setup Assistant, on a manual SimClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProfileSeedRulesE2eTest extends E2eWorldTest {

    static final String IPHONE = "F2LXR0000001";      // iPhone 14 Pro, iOS 17.5
    static final String IPAD = "DMPXR0000002";        // iPad Air (5th gen), iPadOS 17.5

    private String token;
    @TempDir
    Path traces;

    @BeforeEach
    void start() throws Exception {
        world = new E2eWorld(0);
        world.importDevices(IPHONE + ",iPhone15,2,17.5,21F90", IPAD + ",iPad13,16,17.5,21F90");
        token = world.addToken("rules", true);
    }

    private String profile(String json, String... serials) throws Exception {
        String uuid = world.createProfile(token, json, false);
        world.assignProfile(token, uuid, List.of(serials));
        return uuid;
    }

    private JsonNode stored(String uuid) {
        return world.mdmAdmin.getJson("/admin/dep/tokens/" + token + "/profiles/" + uuid).path("profile");
    }

    private DeviceRun one(String serial) throws Exception {
        return DeviceRun.run(world, traces, b -> { }, serial).getFirst();
    }

    private void refused(String json, String message) throws Exception {
        HttpResponse<String> r = world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles", json);
        assertEquals(400, r.statusCode(), json + " -> " + r.body());
        assertTrue(r.body().contains(message), json + " -> " + r.body());
    }

    @Test
    @DisplayName("\"The await configuration setting is unavailable in profiles with\" Enroll without user affinity and"
            + " Shared iPad Yes: a profile that does not mention it is accepted and the iPad does not await")
    void awaitIsUnavailableNotRefusedWithUserlessSharedIpad() throws Exception {
        String uuid = profile("{\"name\":\"Shared\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true}", IPAD);
        assertTrue(stored(uuid).path("awaitFinalConfiguration").isMissingNode(), stored(uuid).toString());
        DeviceRun d = one(IPAD);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result() + " " + d.urls());
        assertTrue(plistBool(d.cloudConfiguration(), "AwaitDeviceConfigured", false), d.cloudConfiguration());
        assertFalse(d.result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION),
                d.result().stageDurations().toString());
        refused("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,\"awaitFinalConfiguration\":true}",
                "awaitFinalConfiguration: true is not available with userAffinity WITHOUT_USER and sharedIpad");
    }

    @Test
    @DisplayName("\"Yes is the default setting for new enrollment profiles\"; \"No is the default setting for existing"
            + " enrollment profiles\"")
    void awaitDefaultsToYesForNewAndNoForExistingProfiles() throws Exception {
        String created = profile("{\"name\":\"New\"}", IPAD);
        assertEquals(true, stored(created).path("awaitFinalConfiguration").asBoolean(), stored(created).toString());
        assertEquals(2, stored(created).path("settingsVersion").asInt());
        String existing = profile("{\"name\":\"Existing\",\"settingsVersion\":1}", IPHONE);
        assertFalse(stored(existing).path("awaitFinalConfiguration").asBoolean(true), stored(existing).toString());

        List<DeviceRun> runs = DeviceRun.run(world, traces, b -> { }, IPAD, IPHONE);
        assertTrue(plistBool(runs.get(0).cloudConfiguration(), "AwaitDeviceConfigured", true));
        assertTrue(runs.get(0).result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));
        assertTrue(plistBool(runs.get(1).cloudConfiguration(), "AwaitDeviceConfigured", false));
        assertEquals(Outcome.ENROLLED, runs.get(1).result().outcome(), runs.get(1).result().toString());
        assertFalse(runs.get(1).result().stageDurations().containsKey(Stage.AWAITING_CONFIGURATION));

        // an edit of the existing profile that does not mention the setting keeps its default (No)
        HttpResponse<String> edit = world.mdmJson("PUT", "/admin/dep/tokens/" + token + "/profiles/" + existing,
                "{\"name\":\"Existing\",\"department\":\"IT\"}");
        assertEquals(200, edit.statusCode(), edit.body());
        assertFalse(stored(existing).path("awaitFinalConfiguration").asBoolean(true), stored(existing).toString());
        refused("{\"name\":\"x\",\"settingsVersion\":7}", "settingsVersion: 7 (expected: 1..2");
    }

    @Test
    @DisplayName("Locked enrollment: \"If you're setting up devices in Microsoft Entra ID shared mode, select Yes\";"
            + " \"Such devices must have the Supervised Management Mode set to Yes\" (2020 page)")
    void lockedEnrollmentIsDefaultedWithSharedModeAndNeedsSupervision() throws Exception {
        profile("{\"name\":\"Frontline\",\"userAffinity\":\"SHARED_DEVICE_MODE\"}", IPHONE);
        DeviceRun d = one(IPHONE);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        assertTrue(plistBool(d.cloudConfiguration(), "IsMDMUnremovable", true), "locked by default in shared mode\n"
                + d.cloudConfiguration());
        refused("{\"name\":\"x\",\"userAffinity\":\"SHARED_DEVICE_MODE\",\"lockedEnrollment\":false}",
                "lockedEnrollment: false with userAffinity SHARED_DEVICE_MODE (expected: true");
        refused("{\"name\":\"x\",\"lockedEnrollment\":true,\"supervised\":false}",
                "lockedEnrollment: true needs supervised: true");
    }

    @Test
    @DisplayName("\"Maximum seconds of inactivity until user session logs out\" and \"Maximum seconds of inactivity until"
            + " temporary session logs out\" are two settings")
    void userAndTemporarySessionTimeoutsAreTwoSettings() throws Exception {
        profile("{\"name\":\"Guests\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"temporarySessionOnly\":true,\"temporarySessionLogoutSeconds\":300,"
                + "\"inactivityLogoutSeconds\":600}", IPAD);
        DeviceRun d = one(IPAD);
        assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        String settings = d.exchanges(r -> r.path("url").asText().endsWith("/mdm/connect")).stream()
                .map(x -> DeviceRun.bodyText(x.path("response").path("body")))
                .filter(b -> b.contains("SharedDeviceConfiguration")).findFirst()
                .orElseThrow(() -> new AssertionError("no Settings SharedDeviceConfiguration reached the iPad"));
        assertTrue(DeviceRun.plistBool(settings, "TemporarySessionOnly", true), settings);
        assertTrue(settings.matches("(?s).*<key>TemporarySessionTimeout</key>\\s*<integer>300</integer>.*"), settings);
        assertFalse(settings.contains("UserSessionTimeout"), "cancelled by temporary sessions only: " + settings);

        refused("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,"
                + "\"temporarySessionLogoutSeconds\":300}", "temporarySessionLogoutSeconds: needs temporarySessionOnly:"
                + " true");
        refused("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,\"temporarySessionOnly\":true,"
                + "\"temporarySessionLogoutSeconds\":10}", "temporarySessionLogoutSeconds: 10 (expected: 0 or at least"
                + " 30)");
        refused("{\"name\":\"x\",\"userAffinity\":\"WITHOUT_USER\",\"sharedIpad\":true,\"maxCachedUsers\":0}",
                "maxCachedUsers: 0 (expected: at least 1");
    }
}
