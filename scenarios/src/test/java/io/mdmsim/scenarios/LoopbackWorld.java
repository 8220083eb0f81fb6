package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The ABM administrator's work for tests, over both admin APIs: an MDM server in the fake ABM with the MDM's DEP key,
 * every device assigned to it, its token uploaded to our MDM, and the DEP sync awaited.
 */
public final class LoopbackWorld {

    private LoopbackWorld() { }

    /** Provisions {@code serverName} with every device and waits until the MDM has synced at least {@code devices}. */
    public static void assignAllAndSync(URI abm, URI mdm, String serverName, int devices) {
        AdminClient abmAdmin = new AdminClient("fake ABM", abm);
        AdminClient mdmAdmin = new AdminClient("MDM", mdm);
        abmAdmin.postJson("/admin/mdm-servers", Map.of("name", serverName, "certificatePem",
                mdmAdmin.getText("/admin/dep/public-key")));
        abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", serverName, "all", true));
        byte[] token = abmAdmin.getBytes("/admin/mdm-servers/" + encode(serverName).replace("+", "%20") + "/token");
        mdmAdmin.postBytes("/admin/dep/tokens?appleId=" + encode("a@example.com") + "&depUrl=" + encode(abm.toString()),
                token, "application/pkcs7-mime");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode t = mdmAdmin.getJson("/admin/dep/tokens").path(0);
            return t.path("syncState").asText().equals("SYNCED") && t.path("assigned").asInt() >= devices;
        });
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
