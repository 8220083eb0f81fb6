package io.mdmsim.scenarios.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.FakeAbmServer;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.MdmServer;
import io.mdmsim.scenarios.CliRun;
import io.mdmsim.scenarios.quickstart.AdminClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mdmsim mdm tokens …} and {@code mdmsim mdm profile list|assign|delete}: the seeds' token flow from the CLI
 * against a running MDM and fake ABM (real HTTP), and a clear error for each bad usage.
 */
class MdmTokenCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode json(CliRun r) throws IOException {
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void badUsageExits2WithWhatIsMissing() throws IOException {
        CliRun r = CliRun.run("mdm", "tokens");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--mdm=URL'"), r.err());

        r = CliRun.run("mdm", "tokens", "add", "--mdm", "http://127.0.0.1:1", "--apple-id", "a@example.com");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--p7m=FILE'"), r.err());

        r = CliRun.run("mdm", "tokens", "add", "--mdm", "http://127.0.0.1:1", "--apple-id", "a@example.com",
                "--p7m", dir.resolve("missing.p7m").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--p7m: cannot read " + dir.resolve("missing.p7m")), r.err());

        r = CliRun.run("mdm", "tokens", "renew", "--mdm", "http://127.0.0.1:1", "T", "--p7m", "x.p7m");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--apple-id=ID'"), r.err());

        r = CliRun.run("mdm", "profile", "assign", "--mdm", "http://127.0.0.1:1", "T", "UUID");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("SERIAL"), r.err());

        r = CliRun.run("mdm", "tokens", "delete-device", "--mdm", "http://127.0.0.1:1", "T");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required parameter: 'SERIAL'"), r.err());
    }

    @Test
    void aRefusedConnectionNamesTheAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens once it is closed
        }
        CliRun r = CliRun.run("mdm", "tokens", "--mdm", "http://127.0.0.1:" + port);
        assertEquals(70, r.exit(), "a server that cannot be reached");
        assertTrue(r.err().contains("cannot connect to 127.0.0.1:" + port + " (is the server running there?)"),
                r.err());
        r = CliRun.run("mdm", "tokens", "devices", "--mdm", "http://127.0.0.1:" + port, "T");
        assertEquals(70, r.exit(), "a server that cannot be reached");
        assertTrue(r.err().contains("cannot connect to 127.0.0.1:" + port), r.err());
    }

    @Test
    void theSeedsTokenFlowFromTheCli() throws Exception {
        SimClock clock = SimClock.system();
        SimPki pki = SimPki.create(clock.now().minus(Duration.ofDays(1)));
        try (FakeAbmServer abm = FakeAbmServer.start(FakeAbmConfig.builder().seed(9).deviceCount(4).clock(clock)
                .devicesPerMinute(0).appleDeviceCa(pki.appleDeviceCa().certificate()).build());
             MdmServer mdm = MdmServer.start(MdmConfig.builder().clock(clock).seed(9).scepCa(pki.scepCa().identity())
                     .trustedDeviceCas(List.of(pki.appleDeviceCa().certificate())).depBaseUrl(abm.baseUri())
                     .apnsUrl(null).build())) {
            String url = mdm.baseUri().toString();
            io.mdmsim.core.testing.AdminTokens.register(mdm.baseUri(), mdm.adminToken());
            io.mdmsim.core.testing.AdminTokens.register(abm.baseUri(), abm.adminToken());
            AdminClient abmAdmin = new AdminClient("fake ABM", abm.baseUri(), abm.adminToken());

            // 1. the MDM's public key → an MDM server in ABM → its .p7m
            Path pem = dir.resolve("mdm.pem");
            CliRun r = CliRun.run("mdm", "tokens", "public-key", "--mdm", url, "--out", pem.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(Files.readString(pem).startsWith("-----BEGIN CERTIFICATE-----"));
            abmAdmin.postJson("/admin/mdm-servers", Map.of("name", "cli", "certificatePem", Files.readString(pem)));
            abmAdmin.postJson("/admin/assignments", Map.of("mdmServer", "cli", "all", true));
            Path p7m = dir.resolve("token.p7m");
            Files.write(p7m, abmAdmin.postForBytes("/admin/mdm-servers/cli/token"));

            // 2. upload it with the Apple ID → a token record that syncs
            JsonNode added = json(CliRun.run("mdm", "tokens", "add", "--mdm", url, "--p7m", p7m.toString(),
                    "--apple-id", "admin@example.com", "--dep-url", abm.baseUri().toString(), "--name", "Main"));
            assertEquals("Main", added.path("name").asText());
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode t = json(CliRun.run("mdm", "tokens", "--mdm", url)).path(0);
                return t.path("syncState").asText().equals("SYNCED") && t.path("devices").asInt() == 4;
            });
            JsonNode devices = json(CliRun.run("mdm", "tokens", "devices", "--mdm", url, "Main"));
            assertEquals(4, devices.size(), devices.toString());
            String serial = devices.get(0).path("serialNumber").asText();

            // 3. deletion is refused while the token has devices: exit 1 with the reason
            r = CliRun.run("mdm", "tokens", "delete", "--mdm", url, "Main");
            assertEquals(1, r.exit(), r.out());
            assertTrue(r.err().contains("409") && r.err().contains("it still has 4 devices"), r.err());

            // 4. profiles: create, list, assign, delete
            Path profileFile = dir.resolve("profile.json");
            Files.writeString(profileFile, "{\"name\":\"Kiosk\",\"userAffinity\":\"WITHOUT_USER\"}");
            String uuid = json(CliRun.run("mdm", "profile", "--mdm", url, "Main", profileFile.toString()))
                    .path("profileUuid").asText();
            JsonNode list = json(CliRun.run("mdm", "profile", "list", "--mdm", url, "Main"));
            assertTrue(list.toString().contains(uuid), list.toString());
            JsonNode assigned = json(CliRun.run("mdm", "profile", "assign", "--mdm", url, "Main", uuid, serial));
            assertEquals("SUCCESS", assigned.path("devices").path(serial).asText(), assigned.toString());
            json(CliRun.run("mdm", "profile", "delete", "--mdm", url, "Main", uuid));
            r = CliRun.run("mdm", "profile", "delete", "--mdm", url, "Nope", uuid);
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("404"), r.err());

            // 5. a device deleted here; renewal with a new download and another Apple ID warns
            json(CliRun.run("mdm", "tokens", "delete-device", "--mdm", url, "Main", serial));
            assertEquals(3, json(CliRun.run("mdm", "tokens", "devices", "--mdm", url, "Main")).size());
            Files.write(p7m, abmAdmin.postForBytes("/admin/mdm-servers/cli/token"));
            JsonNode renewed = json(CliRun.run("mdm", "tokens", "renew", "--mdm", url, "Main", "--p7m",
                    p7m.toString(), "--apple-id", "other@example.com"));
            assertTrue(renewed.toString().contains("other@example.com"), renewed.toString());
            assertTrue(renewed.path("warnings").toString().contains("Apple ID"), renewed.toString());

            // 6. an add flow has a key pair of its own
            r = CliRun.run("mdm", "tokens", "public-key", "--mdm", url, "--new-flow");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().startsWith("add flow "), r.err());
            assertTrue(r.out().startsWith("-----BEGIN CERTIFICATE-----"), r.out());
            assertTrue(!r.out().equals(Files.readString(pem)), "the flow's key is not the standing key");
        }
    }
}
