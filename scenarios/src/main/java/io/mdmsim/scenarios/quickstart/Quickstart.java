package io.mdmsim.scenarios.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.DeviceFleet;
import io.mdmsim.device.DeviceSpec;
import io.mdmsim.device.FleetConfig;
import io.mdmsim.device.FleetResult;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The walking skeleton: fake ABM, MDM endpoint and N virtual iPhones in one JVM, meeting only on the wire.
 * The runner plays the ABM administrator through both admin APIs, then lets the fleet enroll.
 */
public final class Quickstart {

    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration QUICK_DELTA_SYNC = Duration.ofSeconds(15);

    private final QuickstartOptions options;
    private final PrintWriter out;

    public Quickstart(QuickstartOptions options, PrintWriter out) {
        this.options = requireNonNull(options, "options");
        this.out = requireNonNull(out, "out");
    }

    /** Runs the whole flow; true when every device enrolled. */
    public boolean run() {
        SimClock clock = SimClock.system();
        Instant started = clock.now();
        out.printf("mdmsim quickstart: %d virtual iPhone%s, seed %d%n", options.devices(),
                options.devices() == 1 ? "" : "s", options.seed());
        SimPki pki = options.pkiDir() == null
                ? SimPki.create(clock.now())
                : SimPki.loadOrCreate(options.pkiDir(), clock.now());

        FakeAbmConfig abmConfig = FakeAbmConfig.builder()
                .seed(options.seed())
                .deviceCount(options.devices())
                .devicesPerMinute(options.devicesPerMinute())
                .clock(clock)
                .appleDeviceCa(pki.appleDeviceCa().certificate())
                .apnsTls(pki.tlsServer())
                .build();
        try (FakeAbmServer abm = FakeAbmServer.start(abmConfig)) {
            MdmConfig mdmConfig = MdmConfig.builder()
                    .clock(clock)
                    .seed(options.seed())
                    .scepCa(pki.scepCa().identity())
                    .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate()))
                    .depBaseUrl(abm.baseUri())
                    .apnsUrl(abm.apnsUri())
                    .apnsTrustAnchors(List.of(pki.root().certificate()))
                    // devices the fake ABM releases at its pace (--devices-per-minute) arrive with delta syncs:
                    // every 15 s here rather than the seeds' 12 hours, so a paced quickstart finishes in minutes
                    .depSyncInterval(QUICK_DELTA_SYNC)
                    .build();
            try (MdmServer mdm = MdmServer.start(mdmConfig)) {
                out.printf("  fake ABM       %s%n", abm.baseUri());
                out.printf("  MDM endpoint   %s%n", mdm.baseUri());
                out.printf("  fake APNs      %s%n", abm.apnsUri());
                out.flush();
                List<DeviceSpec> specs = provision(new AdminClient("fake ABM", abm.baseUri(), abm.adminToken()),
                        new AdminClient("MDM", mdm.baseUri(), mdm.adminToken()), abm.baseUri());
                FleetResult result = enroll(abm.baseUri(), abm.apnsUri(), pki, clock, specs);
                Summary summary = new Summary(result, Duration.between(started, clock.now()));
                summary.print(out);
                return summary.allEnrolled(options.devices());
            }
        }
    }

    /** ABM admin work, over HTTP: MDM server with the MDM's key, assignment, token to the MDM, DEP sync. */
    private List<DeviceSpec> provision(AdminClient abm, AdminClient mdm, URI abmUri) {
        String mdmCertificate = mdm.getText("/admin/dep/public-key");
        String serverName = "mdmsim MDM";
        abm.postJson("/admin/mdm-servers", Map.of("name", serverName, "certificatePem", mdmCertificate));
        JsonNode assigned = abm.postJson("/admin/assignments", Map.of("mdmServer", serverName, "all", true));
        byte[] token = abm.postForBytes("/admin/mdm-servers/" + encode(serverName) + "/token");
        stage("ABM", "MDM server created, %d devices assigned, server token downloaded (%d bytes)",
                assigned.path("assigned").asInt(), token.length);

        mdm.postBytes("/admin/dep/tokens?appleId=" + encode("admin@mdmsim.example") + "&depUrl=" + encode(abmUri.toString()),
                token, "application/pkcs7-mime");
        JsonNode tokenState = awaitSync(mdm);
        stage("DEP sync", "%d devices fetched, enrollment profile %s assigned to %d",
                tokenState.path("devices").asInt(), tokenState.path("profileUuid").asText(),
                tokenState.path("assigned").asInt());

        List<DeviceSpec> specs = new ArrayList<>();
        for (JsonNode d : abm.getJson("/admin/devices")) {
            specs.add(new DeviceSpec(d.path("serialNumber").asText(), d.path("productType").asText(),
                    d.path("model").asText(), d.path("osVersion").asText(), d.path("buildVersion").asText()));
        }
        return specs;
    }

    private JsonNode awaitSync(AdminClient mdm) {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        while (true) {
            JsonNode tokens = mdm.getJson("/admin/dep/tokens");
            JsonNode token = tokens.path(0);
            String state = token.path("syncState").asText();
            if (state.equals("SYNCED") && token.path("assigned").asInt() >= options.devices()) {
                return token;
            }
            if (state.equals("FAILED")) {
                throw new IllegalStateException("DEP sync failed: " + token.path("lastError").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("DEP sync did not finish within " + SYNC_TIMEOUT.toMinutes()
                        + " minutes (state " + state + ", " + token.path("devices").asInt() + " devices)");
            }
            try {
                Thread.sleep(100); // polling the admin API, not protocol time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the DEP sync", e);
            }
        }
    }

    private FleetResult enroll(URI abmUri, URI apnsUri, SimPki pki, SimClock clock, List<DeviceSpec> specs) {
        Progress progress = new Progress(out, specs.size());
        FleetConfig config = FleetConfig.builder()
                .cloudConfigUrl(abmUri.resolve("/cloudconfig"))
                .apnsUrl(apnsUri)
                .trustAnchors(List.of(pki.root().certificate()))
                .appleDeviceCa(pki.appleDeviceCa().identity())
                .devices(specs)
                .seed(options.seed())
                .clock(clock)
                .concurrency(options.concurrency())
                .listener(progress)
                .build();
        try {
            return DeviceFleet.run(config);
        } finally {
            progress.finish();
        }
    }

    private void stage(String what, String format, Object... args) {
        out.printf("  %-14s %s%n", what, String.format(format, args));
        out.flush();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
