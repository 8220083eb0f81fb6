package io.mdmsim.device.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.testing.ExternalTools;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.StageFailure;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The device's SCEP client against a SCEP server nobody on this project wrote: Debian's scepserver (micromdm/scep). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScepInteropTest {

    @TempDir
    Path dir;
    private Process server;
    private URI scepUrl;
    private DeviceHttp http;
    private HttpClient client;

    @BeforeEach
    void startScepServer() throws Exception {
        Path scepserver = ExternalTools.require("scepserver", "scep");
        Path depot = dir.resolve("depot");
        run(new ProcessBuilder(scepserver.toString(), "ca", "-init", "-depot", depot.toString()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = new ProcessBuilder(scepserver.toString(), "-depot", depot.toString(), "-port", String.valueOf(port),
                "-challenge", "sekrit").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        scepUrl = URI.create("http://127.0.0.1:" + port + "/scep");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        http = new DeviceHttp(client, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> http
                .get(URI.create(scepUrl + "?operation=GetCACaps"), Map.of()).ok());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroy();
        }
        if (client != null) {
            client.close();
        }
    }

    private static void run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "scepserver ca -init: " + out);
    }

    private EnrollmentProfile.ScepPayload payload(String challenge) {
        return new EnrollmentProfile.ScepPayload("SCEP-UUID", scepUrl, "scepserver", "CN=device-1,O=mdmsim", challenge,
                2048, 5, 3, Duration.ofSeconds(10), null);
    }

    @Test
    void enrollsAgainstScepserver() throws Exception {
        KeyPair key = KeyPairs.rsa2048();
        Identity identity = new ScepClient(http, SimClock.system(), new SplittableRandom(1))
                .enroll(payload("sekrit"), key, "CN=fallback");
        X509Certificate ca = Pem.certificate(Files.readString(dir.resolve("depot").resolve("ca.pem")));
        assertEquals(key.getPublic(), identity.certificate().getPublicKey());
        assertTrue(identity.certificate().getSubjectX500Principal().getName().contains("CN=device-1"),
                identity.certificate().getSubjectX500Principal().getName());
        assertEquals(ca.getSubjectX500Principal(), identity.certificate().getIssuerX500Principal());
        identity.certificate().verify(ca.getPublicKey());
    }

    @Test
    void wrongChallengeIsTheInvalidResponseIosShows() {
        StageFailure f = assertThrows(StageFailure.class, () -> new ScepClient(http, SimClock.system(),
                new SplittableRandom(2)).enroll(payload("wrong"), KeyPairs.rsa2048(), "CN=fallback"));
        assertTrue(f.reason().startsWith(ScepClient.INVALID_RESPONSE), f.reason());
    }
}
