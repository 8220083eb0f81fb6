package io.mdmsim.mdm;

import static io.mdmsim.mdm.TestDevice.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.SimPki;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.testing.ExternalTools;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our SCEP server with Debian's certmonger, an OpenSSL-based client nobody here wrote: it fetches the CA chain with
 * GetCACert, sends PKIOperation by GET (a request line of about 5.5 KB with a 4096-bit key) and verifies the signed
 * CertRep with OpenSSL against that chain, whose only trust anchor is the root at its end (given the issuing CA alone,
 * it failed with "self-signed certificate in certificate chain" after the server had spent the challenge). It runs
 * without systemd or D-Bus: {@code certmonger -n -L -P SOCKET} keeps its requests and CAs in the folders its
 * {@code CERTMONGER_*_DIR} variables name and talks to getcert over that private socket.
 */
class CertmongerInteropTest {

    /** certmonger checks TLS and CertReps against the real time: a PKI and a server on the wall clock. */
    private final SimPki pki = SimPki.create(Instant.now().minus(Duration.ofDays(1)));
    private final MdmServer mdm = MdmServer.start(MdmConfig.builder().scepCa(pki.scepCa().identity()).build());

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        mdm.close();
    }

    @Test
    void certmongerEnrollsOverGetWithA4096BitKeyTrustingOnlyTheRoot() throws Exception {
        Path certmonger = ExternalTools.require("certmonger", "certmonger");
        ExternalTools.require("getcert", "certmonger");
        for (String d : List.of("requests", "cas", "tmp", "out")) {
            Files.createDirectories(dir.resolve(d));
        }
        String url = mdm.baseUri() + "/scep";
        Path script = dir.resolve("enroll.sh");
        Files.writeString(script, String.join("\n",
                "set -e",
                "getcert add-scep-ca -c mdmsim -u " + url,
                "getcert request -c mdmsim -w -v -g 4096 -N CN=certmonger-4096 -L " + otaChallenge()
                        + " -k " + dir.resolve("out/key.pem") + " -f " + dir.resolve("out/cert.pem"),
                "getcert list", ""));
        Path log = dir.resolve("certmonger.log");
        ProcessBuilder pb = new ProcessBuilder(certmonger.toString(), "-n", "-L", "-P", dir.resolve("socket").toString(),
                "-c", "sh " + script).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("CERTMONGER_REQUESTS_DIR", dir.resolve("requests").toString());
        env.put("CERTMONGER_CAS_DIR", dir.resolve("cas").toString());
        env.put("CERTMONGER_TMPDIR", dir.resolve("tmp").toString());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("certmonger did not finish within 180 s:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("status: MONITORING"), output);
        // what certmonger learnt from GetCACert: the CA to encrypt to, and its issuer, the root, as the trust anchor
        String ca = caRecord(dir.resolve("cas"), "mdmsim");
        assertEquals(pki.scepCa().certificate(), Pem.certificate(pemAfter(ca, "ca_encryption_cert=")));
        assertEquals(pki.root().certificate(), Pem.certificate(pemAfter(ca, "ca_encryption_issuer_cert=")));

        X509Certificate cert = Pem.certificate(Files.readString(dir.resolve("out/cert.pem")));
        assertEquals("certmonger-4096", Certificates.commonName(cert));
        assertEquals(4096, ((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength());
        cert.verify(pki.scepCa().certificate().getPublicKey());
        String events = new String(TestDevice.send(HttpRequest.newBuilder(mdm.baseUri().resolve("/admin/events"))
                .header("Authorization", "Bearer " + mdm.adminToken()).GET().build()).body(), StandardCharsets.UTF_8);
        assertTrue(events.lines().anyMatch(e -> e.contains("\"type\":\"scep\"") && e.contains("\"SUCCESS\"")),
                events);
    }

    /** certmonger's record of the CA called {@code name} in its CAs folder. */
    private static String caRecord(Path cas, String name) throws java.io.IOException {
        try (var files = Files.list(cas)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (text.lines().anyMatch(l -> l.equals("id=" + name))) {
                    return text;
                }
            }
        }
        throw new AssertionError("no CA " + name + " in " + cas);
    }

    /** The PEM block after {@code key} in a certmonger record (its continuation lines start with a space). */
    private static String pemAfter(String record, String key) {
        StringBuilder pem = new StringBuilder();
        boolean in = false;
        for (String line : record.split("\n")) {
            if (line.startsWith(key)) {
                in = true;
                pem.append(line.substring(key.length())).append('\n');
            } else if (in && line.startsWith(" ")) {
                pem.append(line.substring(1)).append('\n');
            } else if (in) {
                break;
            }
        }
        return pem.toString();
    }

    private String otaChallenge() {
        HttpResponse<byte[]> r = TestDevice.send(HttpRequest.newBuilder(mdm.baseUri().resolve("/mdm/enroll")).GET()
                .build());
        assertEquals(200, r.statusCode());
        NSDictionary profile = Plist.parseDictionary(r.body());
        return str((NSDictionary) TestDevice.payload(profile, "com.apple.security.scep").get("PayloadContent"),
                "Challenge");
    }
}
