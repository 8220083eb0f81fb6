package io.mdmsim.abm;

import static io.mdmsim.abm.ApnsFixture.TOPIC;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.testing.Prerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake APNs seen by a client nobody here wrote: curl with nghttp2 (Debian package {@code curl}), as an MDM
 * developer would try it by hand. Skipped when curl or its HTTP/2 support is missing.
 */
class ApnsCurlTest {

    @BeforeAll
    static void curlWithHttp2() {
        String version;
        try {
            Process p = new ProcessBuilder("curl", "-V").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            version = "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            version = "";
        }
        if (!version.contains("HTTP2")) {
            throw Prerequisites.missing("curl with HTTP/2 support is not installed (Debian package curl): `curl -V`"
                    + " said: " + (version.isEmpty() ? "not found" : version.lines().findFirst().orElse("")));
        }
    }

    @TempDir
    Path dir;

    private final ApnsFixture f = new ApnsFixture();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void close() {
        processes.forEach(Process::destroyForcibly);
        f.close();
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private Path cacert() throws IOException {
        return write("root.pem", Pem.encode(ApnsFixture.pki().root().certificate()));
    }

    private record Result(String status, String headers, String body) {
    }

    /** Runs curl; {@code status} is "{http_version} {response_code}" as curl's -w prints them. */
    private Result curl(List<String> args) throws Exception {
        Path headers = dir.resolve("headers.txt");
        Path body = dir.resolve("body.txt");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", cacert().toString(),
                "-D", headers.toString(), "-o", body.toString(), "-w", "%{http_version} %{response_code}"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), "curl " + cmd + ": " + out);
        return new Result(out.strip(), Files.readString(headers).toLowerCase(), Files.readString(body));
    }

    private List<String> push(String token, String topic, String... extra) {
        List<String> args = new ArrayList<>(List.of("--http2", "-H", "apns-topic: " + topic,
                "-H", "apns-push-type: mdm", "--data", "{\"mdm\":\"magic\"}"));
        args.addAll(List.of(extra));
        args.add(f.server.apnsUri() + "/3/device/" + token);
        return args;
    }

    @Test
    void curlPushesOverHttp2() throws Exception {
        String token = f.issueToken("UDID-A", TOPIC);
        Result ok = curl(push(token, TOPIC));
        assertEquals("2 200", ok.status());
        assertTrue(ok.headers().matches("(?s)http/2 200.*apns-id: [0-9a-f-]{36}.*"), ok.headers());
        assertEquals("", ok.body());

        Result unknown = curl(push("0".repeat(64), TOPIC));
        assertEquals("2 400", unknown.status());
        assertEquals("{\"reason\":\"BadDeviceToken\"}", unknown.body());

        Result h1 = curl(List.of("--http1.1", "-H", "apns-topic: " + TOPIC, "--data", "{\"mdm\":\"m\"}",
                f.server.apnsUri() + "/3/device/" + token));
        assertEquals("1.1 200", h1.status());
    }

    @Test
    void curlWithAPushCertificateIsHeldToItsTopic() throws Exception {
        String token = f.issueToken("UDID-A", null);
        Identity cert = ApnsFixture.pushCert();
        Path certPem = write("push.pem", Pem.encode(cert.certificate()));
        Path keyPem = write("push-key.pem", Pem.encode(cert.privateKey()));
        List<String> mtls = List.of("--cert", certPem.toString(), "--key", keyPem.toString());

        assertEquals("2 200", curl(push(token, TOPIC, mtls.toArray(String[]::new))).status());
        Result wrong = curl(push(token, "com.apple.mgmt.External.other", mtls.toArray(String[]::new)));
        assertEquals("2 400", wrong.status());
        assertEquals("{\"reason\":\"TopicDisallowed\"}", wrong.body());
    }

    @Test
    void curlReadsTheEventStreamAndItsHangUpIsNoticed() throws Exception {
        String token = f.issueToken("UDID-A", TOPIC);
        String connection = f.openConnection(token);
        Process p = new ProcessBuilder("curl", "-sSN", "--http2", "--cacert", cacert().toString(),
                f.server.apnsUri() + "/apns/v1/connections/" + connection + "/events").start();
        processes.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // curl ended
            }
        });
        f.awaitOnline(token, true);
        assertEquals(200, f.push(token, "via-curl").statusCode());
        await().atMost(30, TimeUnit.SECONDS).until(() -> lines.size() >= 2);
        assertEquals("event: push", lines.poll());
        String data = lines.poll();
        assertTrue(data.startsWith("data: {\"token\":\"" + token + "\""), data);
        assertTrue(data.endsWith("\"payload\":{\"mdm\":\"via-curl\"}}"), data);

        p.destroy();
        f.awaitOnline(token, false);
        assertEquals(200, f.push(token, "stored").statusCode());
        assertEquals(1, f.stats().get("pending").intValue());
    }
}
