package io.mdmsim.scenarios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The laptop reproduction of the seeds' SCEP case, as README shows it: three processes, {@code mdmsim mdm},
 * {@code mdmsim abm} and {@code mdmsim devices}, all started with {@code --clock x60}. Users wait 16 minutes before SCEP
 * and get "The SCEP server returned an invalid response" (the challenge expired after 15); the users who download the
 * management profile again 5 minutes later, within 15 minutes of the error, enroll. At x60 the 16 minutes take 16
 * seconds, and the parts, started at different moments, agree on the time (no OAuth refusal between MDM and ABM).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ThreeProcessScepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theSixteenMinuteScepFailureAndTheRetryWithinFifteenMinutesAcrossThreeProcessesAtX60() throws Exception {
        String pki = dir.resolve("pki").toString();
        try (MdmsimProcess mdm = MdmsimProcess.start(dir, "mdm", "mdm", "--clock", "x60", "--pki-dir", pki,
                "--dep-sync-interval", "1m")) {
            URI mdmUrl = URI.create(mdm.awaitOut("MDM endpoint listening on (http://\\S+)", Duration.ofSeconds(90)));
            Path pem = dir.resolve("mdm.pem");
            CliRun key = CliRun.run("mdm", "tokens", "public-key", "--mdm", mdmUrl.toString(), "--out", pem.toString());
            assertEquals(0, key.exit(), key.err());
            Path token = dir.resolve("token.p7m");
            try (MdmsimProcess abm = MdmsimProcess.start(dir, "abm", "abm", "--clock", "x60", "--pki-dir", pki,
                    "--devices", "8", "--devices-per-minute", "unlimited", "--mdm-cert", pem.toString(),
                    "--token-out", token.toString())) {
                String abmUrl = abm.awaitOut("fake ABM listening on (http://\\S+)", Duration.ofSeconds(90));
                abm.awaitOut("server token written to", Duration.ofSeconds(60));
                CliRun add = CliRun.run("mdm", "tokens", "add", "--mdm", mdmUrl.toString(), "--p7m", token.toString(),
                        "--apple-id", "admin@example.com", "--dep-url", abmUrl);
                assertEquals(0, add.exit(), add.err());
                AdminClient mdmAdmin = new AdminClient("MDM", mdmUrl);
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        mdmAdmin.getJson("/admin/dep/tokens").path(0).path("assigned").asInt() == 8);
                assertTrue(mdm.err().lines().noneMatch(l -> l.contains("clock skew")), "one clock: " + mdm.err());

                long started = System.nanoTime();
                try (MdmsimProcess devices = MdmsimProcess.start(dir, "devices", "devices", "--clock", "x60",
                        "--abm", abmUrl, "--pki-dir", pki, "--count", "8", "--seed", "1",
                        "--scep-delay-share", "1", "--scep-delay", "16m",
                        "--scep-retry-share", "0.5", "--scep-retry-after", "5m")) {
                    int exit = devices.waitFor(Duration.ofSeconds(180));
                    double seconds = (System.nanoTime() - started) / 1e9;
                    String out = devices.out();
                    System.out.printf("mdmsim devices at x60 took %.1f s of real time%n%s%n", seconds, out);
                    assertEquals(1, exit, "some users did not retry: " + out + devices.err());
                    assertTrue(out.contains("FAILED at SCEP: The SCEP server returned an invalid response"), out);
                    assertTrue(out.contains("clock scaled x60 from "), out);
                }
                // the MDM's side: every challenge expired after 16 minutes; the retries within 15 minutes enrolled
                List<JsonNode> scep = events(mdmAdmin, "scep");
                Set<String> refused = udids(scep, "FAILURE");
                Set<String> issued = udids(scep, "SUCCESS");
                assertEquals(8, refused.size(), scep.toString());
                assertTrue(scep.stream().filter(e -> e.path("pkiStatus").asText().equals("FAILURE"))
                        .allMatch(e -> e.path("failInfo").asText().equals("badRequest")
                                && e.path("reason").asText().startsWith("challenge expired")), scep.toString());
                assertTrue(!issued.isEmpty() && issued.size() < 8, "some retried, some did not: " + scep);
                assertTrue(refused.containsAll(issued), "each enrolled device had failed first: " + scep);
            }
        }
    }

    private static List<JsonNode> events(AdminClient mdm, String type) {
        return mdm.getText("/admin/events?after=0&limit=10000").lines().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (java.io.IOException e) {
                throw new AssertionError(l, e);
            }
        }).filter(e -> e.path("type").asText().equals(type)).toList();
    }

    private static Set<String> udids(List<JsonNode> events, String status) {
        return events.stream().filter(e -> e.path("pkiStatus").asText().equals(status))
                .map(e -> e.path("udid").asText()).collect(Collectors.toCollection(TreeSet::new));
    }
}
