package io.mdmsim.scenarios.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.Outcome;
import io.mdmsim.scenarios.CliRun;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic groups by enrollment profile name and a token's scope tags, over the MDM's admin API and CLI, with the fake
 * ABM and virtual devices on a manual SimClock.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GroupsAndScopeTagsE2eTest extends ImportedDevicesTest {

    static final String A = "F2LXG0000001";
    static final String B = "F2LXG0000002";
    static final String C = "F2LXG0000003";

    @BeforeEach
    void start() throws Exception {
        startWith("groups", "&scopeTags=" + E2eWorld.enc("Paris,Frontline"), A + ",iPhone15,2,17.5,21F90",
                B + ",iPhone15,2,17.5,21F90", C + ",iPhone15,2,17.5,21F90");
        profile("{\"name\":\"Kiosk\"}", A);
        profile("{\"name\":\"Sales\"}", B, C);
    }

    private Set<String> serials(JsonNode devices) {
        Set<String> out = new TreeSet<>();
        devices.forEach(d -> out.add(d.path("serialNumber").asText()));
        return out;
    }

    @Test
    @DisplayName("\"You can use the profile name to define the enrollmentProfileName parameter to assign devices with"
            + " this enrollment profile\": devices listed and filtered by it (admin API and CLI)")
    void devicesAreGroupedByTheirEnrollmentProfileName() throws Exception {
        for (DeviceRun d : DeviceRun.run(world, traces, b -> { }, A, B, C)) {
            assertEquals(Outcome.ENROLLED, d.result().outcome(), d.result().toString());
        }
        assertEquals(Set.of(B, C), serials(world.mdmAdmin.getJson("/admin/devices?enrollmentProfileName=sales")));
        assertEquals(Set.of(A), serials(world.mdmAdmin.getJson("/admin/devices?enrollmentProfileName=Kiosk")));
        assertEquals(Set.of(), serials(world.mdmAdmin.getJson("/admin/devices?enrollmentProfileName=Nobody")));
        JsonNode a = world.mdmDevice(A);
        assertEquals("Kiosk", a.path("enrollmentProfileName").asText(), a.toString());
        assertEquals("Kiosk", world.mdmAdmin.getJson("/admin/devices/" + a.path("udid").asText())
                .path("enrollmentProfileName").asText());
        for (JsonNode d : world.depDevices(token)) {
            assertEquals(d.path("serialNumber").asText().equals(A) ? "Kiosk" : "Sales",
                    d.path("enrollmentProfileName").asText(), d.toString());
        }
        HttpResponse<String> blank = world.mdm("GET", "/admin/devices?enrollmentProfileName=");
        assertEquals(400, blank.statusCode(), blank.body());
        assertTrue(blank.body().contains("enrollmentProfileName: blank (expected: the name of an enrollment profile"),
                blank.body());

        String[] out = new String[2];
        int exit = CliRun.runInto(out, "mdm", "devices", "list", "--mdm", world.mdm.baseUri().toString(),
                "--enrollment-profile", "Sales");
        assertEquals(0, exit, out[1]);
        assertTrue(out[0].contains(B) && out[0].contains(C) && !out[0].contains(A) && out[0].contains("2 devices"),
                out[0]);
    }

    @Test
    @DisplayName("\"Scope tags applied to a token will be inherited by profiles and devices added to this token\""
            + " (2020 page); a renewal may change them (2023 page)")
    void profilesAndDevicesInheritTheTokensScopeTags() throws Exception {
        List<String> tags = List.of("Paris", "Frontline");
        assertEquals(tags, strings(world.token(token).path("scopeTags")));
        for (JsonNode p : world.mdmAdmin.getJson("/admin/dep/tokens/" + token + "/profiles")) {
            assertEquals(tags, strings(p.path("scopeTags")), p.toString());
        }
        for (JsonNode d : world.depDevices(token)) {
            assertEquals(tags, strings(d.path("scopeTags")), d.toString());
        }
        assertEquals(tags, strings(device(one(A)).path("scopeTags")));

        byte[] renewal = world.abmAdmin.getBytes("/admin/mdm-servers/groups/token");
        HttpResponse<String> renewed = world.mdmBytes("PUT", "/admin/dep/tokens/" + token + "?appleId="
                + E2eWorld.enc("admin@example.com") + "&scopeTags=Lyon", renewal);
        assertEquals(200, renewed.statusCode(), renewed.body());
        assertEquals(List.of("Lyon"), strings(world.mdmAdmin.getJson("/admin/dep/tokens/" + token + "/profiles").get(0)
                .path("scopeTags")));

        HttpResponse<String> bad = world.mdmBytes("PUT", "/admin/dep/tokens/" + token + "?scopeTags="
                + E2eWorld.enc("ok,not<ok>"), renewal);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("scopeTags: \"not<ok>\" (expected: comma-separated names"), bad.body());
    }

    private static List<String> strings(JsonNode array) {
        return E2eWorld.list(array).stream().map(JsonNode::asText).toList();
    }
}
