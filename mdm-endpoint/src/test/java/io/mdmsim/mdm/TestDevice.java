package io.mdmsim.mdm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.KeyPairs;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.Scep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-side device built from core primitives only: it signs MachineInfo with a "factory" identity, reads the
 * enrollment profile, gets its MDM identity over SCEP and signs check-ins and reports with it.
 */
final class TestDevice {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final String udid;
    final String serial;
    final Identity factory;
    NSDictionary profile;
    Identity mdmIdentity;
    /** How this device talks to the server: plain HTTP by default, see {@link #useTls}. */
    HttpClient client = HTTP;
    /** Whether check-ins and reports carry Mdm-Signature (SignMessage). */
    boolean signMessages = true;

    TestDevice(String udid, String serial, CertificateAuthority deviceCa, Instant now) {
        this.udid = udid;
        this.serial = serial;
        this.factory = deviceCa.issueClientIdentity("CN=" + udid + ",SERIALNUMBER=" + serial + ",OU=Device", now.minus(Duration.ofDays(1)),
                Duration.ofDays(3650));
    }

    Map<String, Object> machineInfoValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("UDID", udid);
        m.put("SERIAL", serial);
        m.put("PRODUCT", "iPhone15,2");
        m.put("VERSION", "22B83");
        m.put("OS_VERSION", "18.1");
        m.put("IMEI", "35 123456 789012 3");
        m.put("LANGUAGE", "en");
        return m;
    }

    byte[] signedMachineInfo(Map<String, Object> values) {
        return Cms.signAttached(Plist.toXml(Plist.wrap(values)), factory);
    }

    /**
     * Talks HTTPS from now on, trusting {@code root}; presents the MDM identity as TLS client certificate when
     * {@code clientCertificate} (call after SCEP).
     */
    void useTls(X509Certificate root, boolean clientCertificate) {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTls.context(root, clientCertificate ? mdmIdentity : null)).build();
    }

    HttpResponse<byte[]> postMachineInfo(URI base, byte[] body) {
        return send(client, HttpRequest.newBuilder(base.resolve("/mdm/enroll"))
                .header("Content-Type", "application/pkcs7-signature")
                .POST(BodyPublishers.ofByteArray(body)).build());
    }

    /** POST MachineInfo with Setup Assistant (legacy) credentials. */
    HttpResponse<byte[]> postMachineInfo(URI base, byte[] body, String user, String password) {
        return send(client, HttpRequest.newBuilder(base.resolve("/mdm/enroll"))
                .header("Content-Type", "application/pkcs7-signature")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(BodyPublishers.ofByteArray(body)).build());
    }

    /** The user this test device signs in as when the MDM asks (Setup Assistant legacy authentication). */
    String userName() {
        return "user-" + udid.toLowerCase(java.util.Locale.ROOT) + "@example.com";
    }

    /**
     * POST MachineInfo, expect 200 aspen-config, keep the profile. A 401 with a Basic challenge (Setup Assistant legacy
     * authentication) is answered with {@link #userName()} as Setup Assistant would.
     */
    NSDictionary enroll(URI base) {
        byte[] signed = signedMachineInfo(machineInfoValues());
        HttpResponse<byte[]> first = postMachineInfo(base, signed);
        HttpResponse<byte[]> r = first.statusCode() == 401
                && first.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic ")
                ? postMachineInfo(base, signed, userName(), "secret") : first;
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("application/x-apple-aspen-config", r.headers().firstValue("Content-Type").orElse(null));
        profile = Plist.parseDictionary(r.body());
        return profile;
    }

    NSDictionary payload(String type) {
        return payload(profile, type);
    }

    static NSDictionary payload(NSDictionary profile, String type) {
        for (NSObject o : ((NSArray) profile.get("PayloadContent")).getArray()) {
            NSDictionary p = (NSDictionary) o;
            if (type.equals(((NSString) p.get("PayloadType")).getContent())) {
                return p;
            }
        }
        throw new AssertionError("profile has no payload of type " + type);
    }

    static String str(NSDictionary d, String key) {
        return ((NSString) d.get(key)).getContent();
    }

    String challenge() {
        return str((NSDictionary) payload("com.apple.security.scep").get("PayloadContent"), "Challenge");
    }

    String topic() {
        return str(payload("com.apple.mdm"), "Topic");
    }

    // ---- SCEP ---------------------------------------------------------------------------------------------------

    X509Certificate caCertificate(URI base) {
        HttpResponse<byte[]> r = send(client, HttpRequest.newBuilder(base.resolve("/scep?operation=GetCACert")).GET()
                .build());
        assertEquals(200, r.statusCode());
        if (r.headers().firstValue("Content-Type").orElse("").equals("application/x-x509-ca-ra-cert")) {
            return io.mdmsim.core.cms.Cms.parseDegenerate(r.body()).getFirst(); // the CA, then its chain
        }
        return Certificates.fromDer(r.body());
    }

    /** A PKCSReq for CN=udid with the given challenge; returns the parsed CertRep and keeps the key for it. */
    ScepAttempt scep(URI base, String challenge, Instant now) {
        KeyPair key = KeyPairs.rsa2048();
        Identity signer = Scep.selfSigned(key, "CN=" + udid, now);
        byte[] req = Scep.request(MessageType.PKCS_REQ, Scep.csr(key, "CN=" + udid, challenge), signer,
                caCertificate(base), ContentCipher.AES128_CBC, DigestAlgorithm.SHA256,
                Scep.transactionId(key.getPublic()), Scep.newNonce());
        HttpResponse<byte[]> r = send(client, HttpRequest.newBuilder(base.resolve("/scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message")
                .POST(BodyPublishers.ofByteArray(req)).build());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("application/x-pki-message", r.headers().firstValue("Content-Type").orElse(null));
        return new ScepAttempt(Scep.parse(r.body()), signer, key);
    }

    record ScepAttempt(PkiMessage certRep, Identity signer, KeyPair key) {
        Identity identity() {
            List<X509Certificate> certs = Scep.issuedCertificates(certRep, signer);
            return new Identity(certs.getFirst(), key.getPrivate(), certs.subList(1, certs.size()));
        }
    }

    // ---- check-in and commands ------------------------------------------------------------------------------

    HttpResponse<byte[]> checkin(URI base, CheckinMessage m) {
        return checkin(base, CheckinCodec.encode(m));
    }

    /** A check-in with this exact body (a fixture). */
    HttpResponse<byte[]> checkin(URI base, byte[] body) {
        return put(client, base, "/mdm/checkin", "application/x-apple-aspen-mdm-checkin", body,
                signMessages ? mdmIdentity : null);
    }

    HttpResponse<byte[]> report(URI base, CommandResult r) {
        return put(client, base, "/mdm/connect", "application/x-apple-aspen-mdm; charset=UTF-8", r.toXml(),
                signMessages ? mdmIdentity : null);
    }

    static HttpResponse<byte[]> put(URI base, String path, String contentType, byte[] body, Identity signer) {
        return put(HTTP, base, path, contentType, body, signer);
    }

    static HttpResponse<byte[]> put(HttpClient client, URI base, String path, String contentType, byte[] body,
            Identity signer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .PUT(BodyPublishers.ofByteArray(body));
        if (signer != null) {
            b.header("Mdm-Signature", Base64.getEncoder().encodeToString(Cms.signDetached(body, signer)));
        }
        return send(client, b.build());
    }

    static HttpResponse<byte[]> send(HttpRequest request) {
        return send(HTTP, request);
    }

    static HttpResponse<byte[]> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(io.mdmsim.core.testing.AdminTokens.authorize(request), BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
