package io.mdmsim.scenarios.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The ABM administrator's work before an ADE benchmark, over both admin APIs: an MDM server in the fake ABM with the
 * MDM's DEP key, devices assigned to it, its server token uploaded to the MDM, then the MDM's DEP sync awaited.
 */
final class Dep {

    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(30);

    private Dep() {
    }

    /** The fake ABM's inventory as device specs, in inventory order. */
    static List<DeviceSpec> inventory(AdminClient abm) {
        List<DeviceSpec> specs = new ArrayList<>();
        for (JsonNode d : abm.getJson("/admin/devices")) {
            specs.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
        }
        return specs;
    }

    /**
     * Creates MDM server {@code name} in the fake ABM for the MDM's DEP key and assigns it {@code serials} (null: every
     * unassigned device); returns its server token (.p7m).
     */
    static byte[] mdmServer(AdminClient abm, AdminClient mdm, String name, List<String> serials) {
        abm.postJson("/admin/mdm-servers", Map.of("name", name, "certificatePem", mdm.getText("/admin/dep/public-key")));
        Map<String, Object> assign = new LinkedHashMap<>();
        assign.put("mdmServer", name);
        if (serials == null) {
            assign.put("all", true);
        } else {
            assign.put("serials", serials);
        }
        abm.postJson("/admin/assignments", assign);
        return abm.getBytes("/admin/mdm-servers/" + encode(name) + "/token");
    }

    /** Uploads a server token to the MDM (its DEP URL the fake ABM); the MDM starts its first sync. */
    static void addToken(AdminClient mdm, byte[] p7m, URI abmBase) {
        mdm.postBytes("/admin/dep/tokens?appleId=" + encode("bench@mdmsim.example") + "&depUrl="
                + encode(abmBase.toString()), p7m, "application/pkcs7-mime");
    }

    /** Waits until the MDM's token {@code index} (0-based, in upload order) has synced and assigned {@code devices}. */
    static JsonNode awaitSync(AdminClient mdm, int index, int devices) {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        while (true) {
            JsonNode t = mdm.getJson("/admin/dep/tokens").path(index);
            String state = t.path("syncState").asText();
            if (state.equals("SYNCED") && t.path("assigned").asInt() >= devices) {
                return t;
            }
            if (state.equals("FAILED")) {
                throw new IllegalStateException("DEP sync failed: " + t.path("lastError").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("DEP sync did not finish within " + SYNC_TIMEOUT.toMinutes()
                        + " minutes (state " + state + ", " + t.path("assigned").asInt() + " of " + devices
                        + " assigned)");
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // polling the admin API
        }
    }

    /** Everything: one MDM server with every device, its token in the MDM, synced; returns the inventory. */
    static List<DeviceSpec> provisionAll(World world) {
        AdminClient abm = new AdminClient("fake ABM", world.abm());
        AdminClient mdm = new AdminClient("MDM", world.mdm());
        List<DeviceSpec> specs = inventory(abm);
        addToken(mdm, mdmServer(abm, mdm, "bench", null), world.abm());
        awaitSync(mdm, 0, specs.size());
        return specs;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
