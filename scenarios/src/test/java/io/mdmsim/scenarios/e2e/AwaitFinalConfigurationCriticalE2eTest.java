package io.mdmsim.scenarios.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Stage;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Await final configuration end to end (seeds: the device sits at "Awaiting final configuration" until the critical
 * policies and apps are installed, then the MDM sends DeviceConfigured): the fake ABM, the reference MDM and virtual
 * iPhones on iOS 15 and iOS 17 over HTTP. The critical policies' profiles carry a real payload the devices accept;
 * critical apps are device-licensed VPP apps, which iOS 17 installs while it waits, and which follow DeviceConfigured
 * on iOS 15 (it answers NotNow to every app install during Setup Assistant). Every device ends configured, with the
 * time it was held on the admin API.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AwaitFinalConfigurationCriticalE2eTest {

    private static final List<String> APPS = List.of("com.example.vpn", "com.example.mail");
    private static final List<String> POLICIES = List.of("Wi-Fi", "Compliance");
    private static SimPki pki;

    private SimClock clock;
    private FakeAbmServer abm;
    private MdmServer mdm;
    private AdminClient abmAdmin;
    private AdminClient mdmAdmin;
    private String token;

    @BeforeAll
    static void pki() {
        pki = SimPki.create(Instant.now().minus(Duration.ofDays(1)));
    }

    @BeforeEach
    void start() {
        clock = SimClock.scaled(100);
        abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(41).deviceCount(12).clock(clock).devicesPerMinute(0)
                .appleDeviceCa(pki.appleDeviceCa().certificate()).build());
        mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(41).scepCa(pki.scepCa().identity())
                .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri()).build());
        abmAdmin = new AdminClient("fake ABM", abm.baseUri());
        mdmAdmin = new AdminClient("MDM", mdm.baseUri());
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "afc", "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "afc", "all", true));
        token = mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + enc("admin@example.com") + "&depUrl="
                + enc(abm.baseUri().toString()), abmAdmin.getBytes("/admin/mdm-servers/afc/token"),
                "application/pkcs7-mime").path("name").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= 12;
        });
    }

    @AfterEach
    void stop() {
        if (mdm != null) {
            mdm.close();
        }
        if (abm != null) {
            abm.close();
        }
    }

    @Test
    void iosFifteenAndSeventeenDevicesEndConfiguredWithCriticalPoliciesAndApps() {
        List<DeviceSpec> devices = iphones(List.of("15.8", "15.8", "17.5", "17.5"));
        String uuid = mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles?default=true", Map.of("name",
                "Critical", "awaitFinalConfiguration", true, "criticalApps", APPS, "criticalPolicies", POLICIES))
                .path("profileUuid").asText();
        mdmAdmin.postJson("/admin/dep/tokens/" + token + "/profiles/" + uuid + "/devices",
                Map.of("serials", devices.stream().map(DeviceSpec::serialNumber).toList()));

        FleetResult r = DeviceFleet.run(FleetConfig.builder()
                .cloudConfigUrl(abm.baseUri().resolve("/cloudconfig"))
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .devices(devices)
                .behaviour(Behaviour.DEFAULT)
                .seed(41)
                .clock(clock)
                .keySource(KeySource.reusing(1))
                .trustAnchors(List.of(pki.root().certificate()))
                .build());

        assertTrue(r.allEnrolled(), r.summary() + " " + r.failures());
        for (DeviceResult d : r.devices()) {
            String os = devices.get(d.device().index()).osVersion();
            assertTrue(d.stageDurations().containsKey(Stage.AWAITING_CONFIGURATION), d + " awaited configuration");
            JsonNode v = mdmAdmin.getJson("/admin/devices/" + d.device().udid());
            assertEquals("CONFIGURED", v.path("enrollmentState").asText(), v.toString());
            assertFalse(v.path("awaitingConfiguration").asBoolean(), v.toString());
            assertTrue(v.path("heldSeconds").isIntegralNumber() && v.path("heldSeconds").asLong() >= 0,
                    "held time recorded: " + v);
            assertFalse(Instant.parse(v.path("configuredAt").asText())
                    .isBefore(Instant.parse(v.path("enrolledAt").asText())), v.toString());

            List<JsonNode> commands = commands(d.device().udid());
            int configured = indexOf(commands, "DeviceConfigured");
            assertTrue(configured >= 0, commands.toString());
            List<Integer> apps = indicesOf(commands, "InstallApplication");
            List<Integer> policies = indicesOf(commands, "InstallProfile");
            assertEquals(APPS.size(), apps.size(), commands.toString());
            assertEquals(POLICIES.size(), policies.size(), commands.toString());
            for (int i : policies) {
                assertEquals("ACKNOWLEDGED", commands.get(i).path("state").asText(),
                        "the device accepts the critical policy's profile: " + commands.get(i));
                assertTrue(i < configured, "policies hold DeviceConfigured");
            }
            for (int i : apps) {
                JsonNode app = commands.get(i);
                assertEquals("ACKNOWLEDGED", app.path("state").asText(), app.toString());
                assertEquals(1, app.path("timesSent").asInt(), "no NotNow round: " + app);
            }
            if (os.startsWith("17")) {
                assertTrue(apps.stream().allMatch(i -> i < configured),
                        "iOS 17 installs the device-licensed critical apps before DeviceConfigured: " + commands);
                assertEquals(0, v.path("criticalAppsAfterConfigured").size(), v.toString());
            } else {
                assertTrue(apps.stream().allMatch(i -> i > configured),
                        "iOS 15 gets the critical apps after DeviceConfigured: " + commands);
                assertEquals(APPS.size(), v.path("criticalAppsAfterConfigured").size(), v.toString());
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private List<DeviceSpec> iphones(List<String> versions) {
        List<DeviceSpec> out = new ArrayList<>();
        for (JsonNode d : abmAdmin.getJson("/admin/devices")) {
            if (out.size() == versions.size()) {
                break;
            }
            if (!d.path("productType").asText().startsWith("iPhone")) {
                continue;
            }
            String os = versions.get(out.size());
            out.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), os, os.startsWith("15") ? "19H386" : "21F79"));
        }
        assertEquals(versions.size(), out.size(), "iPhones in the ABM inventory");
        return out;
    }

    private List<JsonNode> commands(String udid) {
        List<JsonNode> out = new ArrayList<>();
        mdmAdmin.getJson("/admin/devices/" + udid + "/commands").forEach(out::add);
        return out;
    }

    private static int indexOf(List<JsonNode> commands, String requestType) {
        List<Integer> all = indicesOf(commands, requestType);
        return all.isEmpty() ? -1 : all.getFirst();
    }

    private static List<Integer> indicesOf(List<JsonNode> commands, String requestType) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).path("requestType").asText().equals(requestType)) {
                out.add(i);
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
