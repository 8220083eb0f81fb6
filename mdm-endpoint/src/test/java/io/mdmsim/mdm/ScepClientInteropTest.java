package io.mdmsim.mdm;

import static io.mdmsim.mdm.TestDevice.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.ExternalTools;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our SCEP server with a client nobody on this project wrote: {@code scepclient} from Debian's {@code scep} package
 * (micromdm/scep), which sends DES-encrypted, SHA-1-signed requests; and {@code openssl verify} on what it got.
 */
class ScepClientInteropTest {

    private final TestServer t = new TestServer();

    @TempDir
    Path dir;

    private Path scepclient;

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void scepclientEnrollsWithTheChallengeOfAnOtaProfile() throws Exception {
        scepclient = ExternalTools.require("scepclient", "scep");

        String challenge = otaChallenge();
        Result first = run(challenge, "scepclient-test", dir.resolve("a"));
        assertEquals(0, first.exit(), first.output());
        X509Certificate cert = Pem.certificate(Files.readString(dir.resolve("a/cert.pem")));
        assertEquals("scepclient-test", Certificates.commonName(cert));
        assertEquals(TestPki.PKI.scepCa().certificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
        cert.verify(TestPki.PKI.scepCa().certificate().getPublicKey());

        // The same subject may enroll again (mdmb gives every device the same CN), with a new challenge.
        Result second = run(otaChallenge(), "scepclient-test", dir.resolve("b"));
        assertEquals(0, second.exit(), second.output());
        X509Certificate again = Pem.certificate(Files.readString(dir.resolve("b/cert.pem")));
        assertNotEquals(cert.getSerialNumber(), again.getSerialNumber());

        // A spent challenge is refused: scepclient fails and writes no certificate.
        Result reused = run(challenge, "scepclient-test", dir.resolve("c"));
        assertNotEquals(0, reused.exit(), reused.output());
        assertTrue(!Files.exists(dir.resolve("c/cert.pem")), reused.output());
    }

    @Test
    void scepclientWithA4096BitKeyGetsACertificateThatOpensslVerifiesFromTheRootOnly() throws Exception {
        scepclient = ExternalTools.require("scepclient", "scep");
        Path openssl = ExternalTools.require("openssl", "openssl");
        Path out = dir.resolve("big");
        Result r = runAgainst(t, otaChallenge(), "scepclient-4096", out, 4096);
        assertEquals(0, r.exit(), r.output());
        X509Certificate cert = Pem.certificate(Files.readString(out.resolve("cert.pem")));
        assertEquals(4096, ((java.security.interfaces.RSAPublicKey) cert.getPublicKey()).getModulus().bitLength());

        // what GetCACert serves is the path from the issuing CA up to the root: openssl needs nothing else
        HttpResponse<byte[]> ca = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/scep?operation=GetCACert"))
                .GET().build());
        assertEquals("application/x-x509-ca-ra-cert", ca.headers().firstValue("Content-Type").orElseThrow());
        List<X509Certificate> served = io.mdmsim.core.cms.Cms.parseDegenerate(ca.body());
        assertEquals(List.of(TestPki.PKI.scepCa().certificate(), TestPki.PKI.root().certificate()), served);
        Files.writeString(out.resolve("root.pem"), Pem.encode(TestPki.PKI.root().certificate()));
        Files.writeString(out.resolve("served.pem"), Pem.encode(served));
        String at = Long.toString(t.clock.now().getEpochSecond()); // the server's simulated now
        ExternalTools.Result ok = ExternalTools.runAllowingFailure(null, openssl, "verify", "-attime", at, "-CAfile",
                out.resolve("root.pem"), "-untrusted", out.resolve("served.pem"), out.resolve("cert.pem"));
        assertEquals(0, ok.exitCode(), ok.stdoutText() + ok.stderr());
        assertEquals(out.resolve("cert.pem") + ": OK", ok.stdoutText().strip());
        ExternalTools.Result alone = ExternalTools.runAllowingFailure(null, openssl, "verify", "-attime", at,
                "-CAfile", out.resolve("root.pem"), out.resolve("cert.pem"));
        assertNotEquals(0, alone.exitCode(), "without the served CA the root alone cannot reach the certificate");
    }

    @Test
    void aChallengeSixteenMinutesOldIsRefusedWithFailInfoBadRequest() throws Exception {
        scepclient = ExternalTools.require("scepclient", "scep");
        String challenge = otaChallenge();
        t.clock.advance(java.time.Duration.ofMinutes(16));
        Result late = run(challenge, "scepclient-late", dir.resolve("late"));
        assertNotEquals(0, late.exit(), late.output());
        assertTrue(late.output().contains("failInfo: badRequest"), late.output());
        assertTrue(!Files.exists(dir.resolve("late/cert.pem")), late.output());
        // The server says why, in its event stream.
        com.fasterxml.jackson.databind.JsonNode scep = EnrollmentPolicyTest.eventsOf(t, "scep").get(0);
        assertEquals("FAILURE", scep.path("pkiStatus").asText());
        assertEquals("badRequest", scep.path("failInfo").asText());
        assertTrue(scep.path("reason").asText().contains("expired"), scep.toString());

        // A fresh challenge on the moved clock works.
        Result fresh = run(otaChallenge(), "scepclient-late", dir.resolve("fresh"));
        assertEquals(0, fresh.exit(), fresh.output());
    }

    @Test
    void scepclientEnrollsThroughAnRa() throws Exception {
        scepclient = ExternalTools.require("scepclient", "scep");
        try (TestServer ra = new TestServer(b -> b.scepRa(true))) {
            Result r = runAgainst(ra, otaChallenge(ra), "scepclient-ra", dir.resolve("ra"));
            assertEquals(0, r.exit(), r.output());
            X509Certificate cert = Pem.certificate(Files.readString(dir.resolve("ra/cert.pem")));
            cert.verify(TestPki.PKI.scepCa().certificate().getPublicKey());
        }
    }

    private String otaChallenge() {
        return otaChallenge(t);
    }

    private static String otaChallenge(TestServer server) {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(server.base.resolve("/mdm/enroll")).GET().build());
        assertEquals(200, r.statusCode());
        NSDictionary profile = Plist.parseDictionary(r.body());
        return str((NSDictionary) TestDevice.payload(profile, "com.apple.security.scep").get("PayloadContent"), "Challenge");
    }

    private record Result(int exit, String output) {}

    private Result run(String challenge, String cn, Path out) throws IOException, InterruptedException {
        return runAgainst(t, challenge, cn, out);
    }

    private Result runAgainst(TestServer server, String challenge, String cn, Path out)
            throws IOException, InterruptedException {
        return runAgainst(server, challenge, cn, out, 2048);
    }

    private Result runAgainst(TestServer server, String challenge, String cn, Path out, int keySize)
            throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path log = out.resolve("scepclient.log");
        Process p = new ProcessBuilder(List.of(scepclient.toString(),
                "-server-url", server.base + "/scep",
                "-challenge", challenge,
                "-cn", cn,
                "-private-key", out.resolve("key.pem").toString(),
                "-certificate", out.resolve("cert.pem").toString(),
                "-keySize", Integer.toString(keySize)))
                .directory(out.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scepclient did not finish within 60 s: " + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
