package io.mdmsim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.dep.OAuth1;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.http.Json;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mdmsim abm --devices N --mdm-cert mdm.pem --token-out token.p7m}: a provisioned fake ABM for a real MDM. */
class AbmCommandTest {

    @TempDir
    static Path tmp;

    private static Identity mdm;
    private static Path pem;

    @BeforeAll
    static void mdmKey() throws Exception {
        mdm = CertificateAuthority.selfSignedRoot("MDM under test", Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(3650)).identity();
        pem = tmp.resolve("mdm.pem");
        Files.writeString(pem, Pem.encode(mdm.certificate()));
    }

    @Test
    void standsUpAProvisionedAbmAndKeepsItsTokenAcrossRestarts() throws Exception {
        Path token = tmp.resolve("token.p7m");
        Path data = tmp.resolve("data");
        String[] args = {"--devices", "50", "--devices-per-minute", "unlimited", "--mdm-cert", pem.toString(),
                "--token-out", token.toString(), "--data-dir", data.toString(), "--pki-dir", tmp.resolve("pki").toString()};
        ServerToken first;
        String out;
        try (FakeAbmServer abm = start(args)) {
            out = lastOut;
            Matcher m = Pattern.compile("DEP API URL\\s+(\\S+)").matcher(out);
            assertTrue(m.find(), out);
            URI dep = URI.create(m.group(1));
            assertEquals(abm.baseUri(), dep);
            assertTrue(out.contains("fake APNs           " + abm.apnsUri()), out);
            assertEquals("https", abm.apnsUri().getScheme());
            assertTrue(out.contains("MDM server 'MDM Server' (created): 50 devices assigned; server token written to " + token), out);
            first = ServerToken.fromP7m(Files.readAllBytes(token), mdm.certificate(), mdm.privateKey());
            assertEquals(50, fetchCount(dep, first));
        }
        try (FakeAbmServer abm = start(args)) {
            assertTrue(lastOut.contains("(from " + data + ")"), lastOut);
            ServerToken again = ServerToken.fromP7m(Files.readAllBytes(token), mdm.certificate(), mdm.privateKey());
            assertEquals(first.consumerKey(), again.consumerKey(), "a restart hands out the token the MDM already has");
            assertEquals(50, fetchCount(abm.baseUri(), first));
        }
        String[] renew = java.util.Arrays.copyOf(args, args.length + 1);
        renew[args.length] = "--new-token";
        try (FakeAbmServer abm = start(renew)) {
            ServerToken renewed = ServerToken.fromP7m(Files.readAllBytes(token), mdm.certificate(), mdm.privateKey());
            assertNotEquals(first.consumerKey(), renewed.consumerKey());
            assertEquals(50, fetchCount(abm.baseUri(), renewed));
        }
    }

    @Test
    void aRestartWithTheSameCommandLineKeepsTheAssignmentsMadeSince() throws Exception {
        Path data = tmp.resolve("data-keep");
        String[] args = {"--devices", "20", "--devices-per-minute", "unlimited", "--mdm-cert", pem.toString(),
                "--token-out", tmp.resolve("keep.p7m").toString(), "--data-dir", data.toString(),
                "--pki-dir", tmp.resolve("pki").toString()};
        java.util.List<String> moved = new java.util.ArrayList<>();
        try (FakeAbmServer abm = start(args)) {
            io.mdmsim.scenarios.quickstart.AdminClient admin = new io.mdmsim.scenarios.quickstart.AdminClient(
                    "fake ABM", abm.baseUri(), abm.adminToken());
            for (JsonNode d : admin.getJson("/admin/devices")) {
                if (moved.size() < 5) {
                    moved.add(d.get("serialNumber").asText());
                }
            }
            admin.postJson("/admin/mdm-servers", java.util.Map.of("name", "Other MDM", "certificatePem",
                    Pem.encode(mdm.certificate())));
            admin.postJson("/admin/assignments", java.util.Map.of("mdmServer", "Other MDM", "serials", moved));
        }
        try (FakeAbmServer abm = start(args)) {
            assertTrue(lastOut.contains("MDM server 'MDM Server' (from " + data + "): 15 devices assigned"), lastOut);
            JsonNode other = new io.mdmsim.scenarios.quickstart.AdminClient("fake ABM", abm.baseUri(),
                    abm.adminToken()).getJson("/admin/devices?mdmServer=Other%20MDM");
            assertEquals(5, other.size(), "the devices moved to another server stay there: " + other);
        }
    }

    @Test
    void overTlsTheProvisioningTrustsTheSimulatorRoot() throws Exception {
        Path token = tmp.resolve("tls-token.p7m");
        try (FakeAbmServer abm = start("--tls", "--devices", "3", "--mdm-cert", pem.toString(), "--token-out", token.toString(),
                "--pki-dir", tmp.resolve("pki").toString())) {
            assertEquals("https", abm.baseUri().getScheme());
            assertTrue(lastOut.contains("DEP API URL         " + abm.baseUri()), lastOut);
            assertTrue(lastOut.contains("3 devices assigned"), lastOut);
            ServerToken.fromP7m(Files.readAllBytes(token), mdm.certificate(), mdm.privateKey());
        }
    }

    @Test
    void badUsageSaysWhatWasExpected() {
        assertUsage("--token-out needs --mdm-cert", "--token-out", "t.p7m");
        assertUsage("--error-style: xml (expected: bare, quoted or json)", "--error-style", "xml");
        assertUsage("--devices-per-minute: 0 (expected: a number >= 1, or unlimited)", "--devices-per-minute", "0");
        assertUsage("(no such file)", "--mdm-cert", tmp.resolve("missing.pem").toString());
    }

    private static void assertUsage(String message, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--pki-dir";
        all[args.length + 1] = tmp.resolve("pki").toString();
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> start(all).close());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static String lastOut;

    private static FakeAbmServer start(String... args) throws Exception {
        CommandLine cl = new CommandLine(new AbmCommand());
        cl.parseArgs(args);
        AbmCommand cmd = cl.getCommand();
        StringWriter text = new StringWriter();
        FakeAbmServer abm = cmd.start(new PrintWriter(text));
        lastOut = text.toString();
        return abm;
    }

    /** Plays the MDM: session with the token, then a full fetch; returns how many devices it saw. */
    private static int fetchCount(URI base, ServerToken token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String auth = OAuth1.authorizationHeader("GET", base.resolve("/session"), token, OAuth1.nonce(new java.util.Random()),
                Instant.now().getEpochSecond());
        HttpResponse<byte[]> s = http.send(HttpRequest.newBuilder(base.resolve("/session")).header("User-Agent", "test")
                .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, s.statusCode(), new String(s.body()));
        String session = Json.read(s.body(), JsonNode.class).get("auth_session_token").asText();
        HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(base.resolve("/server/devices")).header("User-Agent", "test")
                .header("X-ADM-Auth-Session", session).POST(HttpRequest.BodyPublishers.ofString("{\"limit\":1000}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, page.statusCode(), new String(page.body()));
        return Json.read(page.body(), JsonNode.class).get("devices").size();
    }
}
