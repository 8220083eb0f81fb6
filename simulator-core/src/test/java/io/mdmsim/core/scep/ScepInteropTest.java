package io.mdmsim.core.scep;

import static io.mdmsim.core.cms.OpenSsl.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.cms.OpenSsl;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.pki.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import io.mdmsim.core.testing.Prerequisites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our pkiMessages through openssl, and a real SCEP client (Debian's scepclient, micromdm/scep) against our codec. */
class ScepInteropTest {
    private static final TestPki PKI = TestPki.get();
    private static final CertificateAuthority CA = PKI.intermediate;

    @TempDir
    Path dir;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @EnumSource(ContentCipher.class)
    void opensslVerifiesOurPkcsReqAndDecryptsTheCsr(ContentCipher cipher) throws Exception {
        OpenSsl.assumeInstalled();
        KeyPair key = KeyPairs.rsa2048();
        Identity signer = Scep.selfSigned(key, "CN=device", TestPki.NOW);
        byte[] wire = Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=device", "secret"), signer, CA.certificate(),
                cipher, DigestAlgorithm.SHA1, Scep.transactionId(key.getPublic()), Scep.newNonce());
        Files.write(dir.resolve("pki.der"), wire);
        Files.writeString(dir.resolve("ca.pem"), Pem.encode(CA.certificate()));
        Files.writeString(dir.resolve("ca-key.pem"), Pem.encode(CA.privateKey()));
        openssl(dir, "cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", "pki.der", "-out", "inner.der").assertOk();
        List<String> decrypt = Stream.of("cms", "-decrypt", "-binary", "-inform", "DER", "-in", "inner.der", "-recip", "ca.pem",
                "-inkey", "ca-key.pem", "-out", "csr.der").collect(Collectors.toList());
        if (cipher == ContentCipher.DES_CBC) {
            gate(openssl(dir, "list", "-provider", "legacy", "-cipher-algorithms").exitCode() == 0,
                    "OpenSSL's legacy provider is not installed; skipping the DES-CBC cross-check");
            decrypt.addAll(List.of("-provider", "legacy", "-provider", "default"));
        }
        openssl(dir, decrypt.toArray(String[]::new)).assertOk();
        var verified = openssl(dir, "req", "-inform", "DER", "-in", "csr.der", "-verify", "-noout", "-subject").assertOk();
        assertTrue((verified.stderr() + verified.stdoutText()).contains("verify OK"), verified.stderr() + verified.stdoutText());
        assertTrue(verified.stdoutText().contains("subject=CN = device"), verified.stdoutText());
        String text = openssl(dir, "req", "-inform", "DER", "-in", "csr.der", "-noout", "-text").assertOk().stdoutText();
        assertTrue(text.contains("challengePassword") && text.contains("secret"), text);
    }

    @Test
    void opensslVerifiesOurCertRep() throws Exception {
        OpenSsl.assumeInstalled();
        KeyPair key = KeyPairs.rsa2048();
        Identity signer = Scep.selfSigned(key, "CN=device", TestPki.NOW);
        PkiMessage request = Scep.parse(Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=device", "secret"), signer,
                CA.certificate(), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256, "tid-1", Scep.newNonce()));
        X509Certificate issued = CA.issue(Scep.requestCsr(request, CA.identity()), TestPki.NOW, Duration.ofDays(1));
        Files.write(dir.resolve("rep.der"), Scep.certRepSuccess(request, List.of(issued), CA.identity()));
        Files.writeString(dir.resolve("me.pem"), Pem.encode(signer.certificate()));
        Files.writeString(dir.resolve("me-key.pem"), Pem.encode(signer.privateKey()));
        openssl(dir, "cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", "rep.der", "-out", "inner.der").assertOk();
        openssl(dir, "cms", "-decrypt", "-binary", "-inform", "DER", "-in", "inner.der", "-recip", "me.pem", "-inkey", "me-key.pem",
                "-out", "certs.p7b").assertOk();
        String certs = openssl(dir, "pkcs7", "-inform", "DER", "-in", "certs.p7b", "-print_certs", "-noout").assertOk().stdoutText();
        assertTrue(certs.contains("subject=CN = device"), certs);
        Files.write(dir.resolve("fail.der"), Scep.certRepFailure(request, FailInfo.BAD_REQUEST, CA.identity()));
        openssl(dir, "cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", "fail.der", "-out", "empty.bin").assertOk();
        assertEquals(0, Files.size(dir.resolve("empty.bin")));
    }

    /** What the tiny SCEP server saw. */
    private final List<PkiMessage> requests = new CopyOnWriteArrayList<>();

    private String startScepServer(String challenge) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/scep", exchange -> {
            try (exchange) {
                handle(exchange, challenge);
            } catch (RuntimeException e) {
                byte[] body = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(400, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/scep";
    }

    private void handle(HttpExchange exchange, String challenge) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String operation = query.getOrDefault("operation", "");
        switch (operation) {
            case "GetCACaps" -> reply(exchange, "text/plain", "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation"
                    .getBytes(StandardCharsets.US_ASCII));
            case "GetCACert" -> reply(exchange, "application/x-x509-ca-cert", io.mdmsim.core.pki.Certificates.der(CA.certificate()));
            case "PKIOperation" -> {
                byte[] body = exchange.getRequestMethod().equals("POST") ? exchange.getRequestBody().readAllBytes()
                        : Base64.getDecoder().decode(query.get("message"));
                PkiMessage request = Scep.parse(body);
                requests.add(request);
                PKCS10CertificationRequest csr = Scep.requestCsr(request, CA.identity());
                byte[] answer;
                if (!challenge.equals(Scep.challengePassword(csr))) {
                    answer = Scep.certRepFailure(request, FailInfo.BAD_REQUEST, CA.identity());
                } else {
                    X509Certificate issued = CA.issue(csr, TestPki.NOW, Duration.ofDays(1));
                    answer = Scep.certRepSuccess(request, List.of(issued, CA.certificate()), CA.identity());
                }
                reply(exchange, "application/x-pki-message", answer);
            }
            default -> reply(exchange, "text/plain", ("unknown operation " + operation).getBytes(StandardCharsets.UTF_8), 400);
        }
    }

    private static void reply(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        reply(exchange, contentType, body, 200);
    }

    private static void reply(HttpExchange exchange, String contentType, byte[] body, int status) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        return Stream.of(raw.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "", (a, b) -> a));
    }

    private static void gate(boolean present, String missing) {
        if (!present) {
            throw Prerequisites.missing(missing);
        }
    }

    private static void assumeScepclient() {
        gate(OpenSsl.probe("scepclient", "-version"),
                "scepclient is not installed (Debian package scep): apt-get install -y scep");
    }

    @Test
    void debianScepclientEnrollsAgainstOurCodec() throws Exception {
        assumeScepclient();
        String url = startScepServer("s3cret");
        var result = OpenSsl.run(dir, List.of("scepclient", "-server-url", url, "-private-key", dir.resolve("key.pem").toString(),
                "-certificate", dir.resolve("cert.pem").toString(), "-challenge", "s3cret", "-cn", "device-1", "-keySize", "2048"));
        result.assertOk();
        assertEquals(1, requests.size());
        PkiMessage request = requests.get(0);
        assertEquals(MessageType.PKCS_REQ, request.messageType());
        assertEquals(16, request.senderNonce().length);
        // What it sent is what iOS sends too: DES-CBC content, SHA-1 digest (asserting it documents the interop case).
        assertEquals(ContentCipher.DES_CBC, request.cipher(), request::toString);
        assertEquals(DigestAlgorithm.SHA1, request.digest(), request::toString);

        X509Certificate issued = Pem.certificate(Files.readString(dir.resolve("cert.pem")));
        assertEquals("CN=device-1,OU=MDM,O=scep-client,C=US", issued.getSubjectX500Principal().getName());
        CertificateChains.verify(issued, List.of(), List.of(CA.certificate()), TestPki.NOW);
        assertArrayEquals(issued.getPublicKey().getEncoded(),
                Pem.certificate(Files.readString(dir.resolve("cert.pem"))).getPublicKey().getEncoded());
        assertTrue(io.mdmsim.core.pki.Certificates.keyMatches(issued, Pem.privateKey(Files.readString(dir.resolve("key.pem")))));
    }

    @Test
    void debianScepclientReadsOurFailure() throws Exception {
        assumeScepclient();
        String url = startScepServer("s3cret");
        var result = OpenSsl.run(dir, List.of("scepclient", "-server-url", url, "-private-key", dir.resolve("key.pem").toString(),
                "-certificate", dir.resolve("cert.pem").toString(), "-challenge", "wrong", "-cn", "device-2"));
        assertEquals(1, result.exitCode(), result.stdoutText() + result.stderr());
        assertTrue(result.stdoutText().contains("request failed, failInfo: badRequest"), result.stdoutText() + result.stderr());
        assertFalse(Files.exists(dir.resolve("cert.pem")));
        assertEquals(1, requests.size());
    }
}
