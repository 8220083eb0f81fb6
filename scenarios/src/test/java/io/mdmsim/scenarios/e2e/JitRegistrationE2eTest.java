package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Outcome;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Just in Time Registration (seeds: "Intune also supports Just in Time Registration for Setup Assistant with modern
 * authentication, which eliminates the need for the Company Portal app for Microsoft Entra registration and compliance.
 * To use JIT Registration, you'll need to create a device configuration policy before you create the Apple enrollment
 * profile"): the fake ABM, the reference MDM and virtual iPhones over HTTP on a manual SimClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JitRegistrationE2eTest extends ImportedDevicesTest {

    static final String A = "F2LXJ0000001";
    static final String B = "F2LXJ0000002";
    static final String POLICY = "/admin/device-configuration/jit-registration";
    static final String JIT = "{\"name\":\"JIT\",\"authentication\":\"SETUP_ASSISTANT_MODERN\","
            + "\"justInTimeRegistration\":true}";

    @BeforeEach
    void start() throws Exception {
        start("jit", A + ",iPhone15,2,17.5,21F90", B + ",iPhone15,2,17.5,21F90");
    }

    private HttpResponse<String> createProfile(String json) throws Exception {
        return world.mdmJson("POST", "/admin/dep/tokens/" + token + "/profiles", json);
    }

    @Test
    @DisplayName("\"To use JIT Registration, you'll need to create a device configuration policy before you create the"
            + " Apple enrollment profile\"; JIT is for Setup Assistant with modern authentication")
    void theJitPolicyComesFirstAndOnlyModernAuthenticationUsesIt() throws Exception {
        HttpResponse<String> early = createProfile(JIT);
        assertEquals(400, early.statusCode(), early.body());
        assertTrue(early.body().contains("justInTimeRegistration: true needs the JIT registration device configuration"
                + " policy, created before the profile"), early.body());
        assertEquals(200, world.mdm("PUT", POLICY).statusCode());
        assertEquals(201, createProfile(JIT).statusCode());
        HttpResponse<String> legacy = createProfile("{\"name\":\"x\",\"authentication\":\"SETUP_ASSISTANT_LEGACY\","
                + "\"justInTimeRegistration\":true}");
        assertEquals(400, legacy.statusCode(), legacy.body());
        assertTrue(legacy.body().contains("justInTimeRegistration: true needs userAffinity WITH_USER and authentication"
                + " SETUP_ASSISTANT_MODERN"), legacy.body());
        HttpResponse<String> delete = world.mdm("DELETE", POLICY);
        assertEquals(409, delete.statusCode(), delete.body());
        assertTrue(delete.body().contains("used by enrollment profiles [JIT]"), delete.body());
    }

    @Test
    @DisplayName("Just in Time Registration \"eliminates the need for the Company Portal app for Microsoft Entra"
            + " registration\": registered at the Setup Assistant sign-in; without it, only a Company Portal sign-in"
            + " registers the device")
    void aJitDeviceIsRegisteredAtTheSetupAssistantSignInWithoutCompanyPortal() throws Exception {
        assertEquals(200, world.mdm("PUT", POLICY).statusCode());
        profile(JIT, A);
        profile("{\"name\":\"Modern\",\"authentication\":\"SETUP_ASSISTANT_MODERN\"}", B);
        List<DeviceRun> runs = DeviceRun.run(world, traces, b -> { }, A, B);
        for (DeviceRun d : runs) {
            assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result() + " " + d.urls());
        }
        JsonNode jit = device(runs.get(0));
        assertEquals(true, jit.path("registration").path("registered").asBoolean(), jit.toString());
        assertEquals("just-in-time registration", jit.path("registration").path("via").asText());
        assertEquals("user-" + A.toLowerCase(Locale.ROOT) + "@example.com", jit.path("registration").path("user")
                .asText());
        assertTrue(jit.path("companyPortal").isNull(), "no Company Portal needed: " + jit);
        List<JsonNode> installed = E2eWorld.list(world.mdmAdmin.getJson("/admin/devices/" + runs.get(0).result()
                .device().udid() + "/commands")).stream().filter(c -> c.path("requestType").asText()
                .equals("InstallProfile")).toList();
        assertEquals(1, installed.size(), "the JIT device got the SSO extension profile: " + installed);
        assertEquals("ACKNOWLEDGED", installed.getFirst().path("state").asText(), installed.toString());

        JsonNode plain = device(runs.get(1));
        assertFalse(plain.path("registration").path("registered").asBoolean(true), plain.toString());
        assertEquals("no user has signed in to Company Portal", plain.path("registration").path("why").asText());
    }
}
