package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.Behaviour;
import io.mdmsim.device.DeviceRef;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetListener;
import io.mdmsim.device.KeySource;
import io.mdmsim.device.Stage;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fake ABM's devices enrolled into an MDM over the wire and kept in their managed life, woken by the fake APNs:
 * the provisioning an ABM admin does (an MDM server with the MDM's key, every device assigned, the token uploaded)
 * and the fleet's configuration.
 */
final class ManagedFleet {

    private ManagedFleet() {
    }

    /** Creates MDM server {@code server} for the MDM's DEP key, assigns every device, uploads its token; waits for the sync. */
    static String provision(FakeAbmServer abm, AdminClient abmAdmin, AdminClient mdmAdmin, String server,
            int devices) {
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", server, "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", server, "all", true));
        byte[] token = abmAdmin.postForBytes("/admin/mdm-servers/" + server + "/token");
        String name = mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + enc("admin@example.com") + "&depUrl="
                + enc(abm.baseUri().toString()), token, "application/pkcs7-mime").path("name").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= devices;
        });
        return name;
    }

    /** Every device of the fake ABM's inventory, listening to its APNs for a day; {@code managed} collects their UDIDs. */
    static FleetConfig config(FakeAbmServer abm, AdminClient abmAdmin, SimPki pki, SimClock clock, long seed,
            Set<String> managed) {
        return config(abm, abmAdmin, pki, clock, seed, managed, Behaviour.DEFAULT);
    }

    /** The same, every device with these knobs. */
    static FleetConfig config(FakeAbmServer abm, AdminClient abmAdmin, SimPki pki, SimClock clock, long seed,
            Set<String> managed, Behaviour behaviour) {
        List<DeviceSpec> specs = new ArrayList<>();
        for (JsonNode d : abmAdmin.getJson("/admin/devices")) {
            specs.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
        }
        return FleetConfig.builder()
                .cloudConfigUrl(abm.baseUri().resolve("/cloudconfig"))
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .behaviour(behaviour)
                .devices(specs)
                .seed(seed)
                .clock(clock)
                .keySource(KeySource.reusing(1))
                .trustAnchors(List.of(pki.root().certificate()))
                .apnsUrl(abm.apnsUri())
                .lifetime(Duration.ofDays(1))
                .listener(collecting(managed))
                .build();
    }

    /** A listener that adds each device that reaches its managed life to {@code managed} (its UDID). */
    static FleetListener collecting(Set<String> managed) {
        return new FleetListener() {
            @Override
            public void stageEntered(DeviceRef device, Stage stage) {
                if (stage == Stage.MANAGED) {
                    managed.add(device.udid());
                }
            }
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
