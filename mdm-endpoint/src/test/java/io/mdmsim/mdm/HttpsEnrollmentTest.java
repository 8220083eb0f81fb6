package io.mdmsim.mdm;

import static io.mdmsim.mdm.TestDevice.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.Authenticate;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.TokenUpdate;
import io.mdmsim.core.scep.PkiStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Enrollment over real HTTPS (SimPki TLS identity), with Mdm-Signature and with a TLS client certificate. */
class HttpsEnrollmentTest {

    private final TestServer t = new TestServer(b -> b.tls(TestPki.PKI.tlsServer()).requestClientCertificates(true)
            .profileSigner(TestPki.PKI.tlsServer()));
    private final URI https = t.server.httpsUri();

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void deviceEnrollsOverHttpsAndTheProfileCarriesHttpsUrlsAndTheTlsRoot() {
        X509Certificate root = TestPki.PKI.root().certificate();
        TestDevice d = t.newDevice("UDID-TLS-1");
        d.useTls(root, false);

        HttpResponse<byte[]> r = d.postMachineInfo(https, d.signedMachineInfo(d.machineInfoValues()));
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("application/x-apple-aspen-config", r.headers().firstValue("Content-Type").orElseThrow());
        // Signed with the configured identity; the content is the profile.
        SignedContent signed = Cms.verifyAttached(r.body());
        assertEquals(TestPki.PKI.tlsServer().certificate(), signed.signer());
        d.profile = Plist.parseDictionary(signed.content());

        assertEquals(https.toString(), t.server.publicBaseUrl().toString());
        assertTrue(https.toString().startsWith("https://127.0.0.1:"), https.toString());
        NSDictionary mdm = d.payload("com.apple.mdm");
        assertEquals(https + "/mdm/connect", str(mdm, "ServerURL"));
        assertEquals(https + "/mdm/checkin", str(mdm, "CheckInURL"));
        assertEquals(https + "/scep", str((NSDictionary) d.payload("com.apple.security.scep").get("PayloadContent"),
                "URL"));
        List<X509Certificate> trusted = trustPayloads(d.profile);
        assertTrue(trusted.contains(root), "the trust payloads hold the root the TLS certificate chains to");
        for (NSObject p : ((NSArray) d.profile.get("PayloadContent")).getArray()) {
            NSDictionary payload = (NSDictionary) p;
            String type = str(payload, "PayloadType");
            AppleYaml.assertPayload(type + ".yaml", payload);
        }

        TestDevice.ScepAttempt scep = d.scep(https, d.challenge(), t.clock.now());
        assertEquals(PkiStatus.SUCCESS, scep.certRep().pkiStatus());
        d.mdmIdentity = scep.identity();
        TestServer.expect200(d.checkin(https, Authenticate.forDevice(d.topic(), d.udid, d.serial, "iPhone15,2",
                "18.1", "22B83", null, null)));
        TestServer.expect200(d.checkin(https, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m", null, true)));
        Command info = Command.parse(d.report(https, CommandResult.idle(d.udid)).body());
        assertEquals("DeviceInformation", info.requestType());
        Command configured = Command.parse(d.report(https, CommandResult.acknowledged(d.udid, info.commandUuid(),
                Map.of("QueryResponses", Map.of("DeviceName", "TLS phone")))).body());
        assertEquals("DeviceConfigured", configured.requestType());
        assertEquals(0, d.report(https, CommandResult.acknowledged(d.udid, configured.commandUuid(), Map.of()))
                .body().length);
    }

    @Test
    void theTlsClientCertificateIdentifiesADeviceThatDoesNotSign() {
        TestDevice d = enrolledWithoutSigning("UDID-TLS-CLIENT");
        HttpResponse<byte[]> idle = d.report(https, CommandResult.idle(d.udid));
        assertEquals(200, idle.statusCode(), () -> new String(idle.body()));

        // Without a client certificate and without a signature the device is not recognised.
        d.useTls(TestPki.PKI.root().certificate(), false);
        HttpResponse<byte[]> anonymous = d.report(https, CommandResult.idle(d.udid));
        assertEquals(403, anonymous.statusCode());
        assertTrue(new String(anonymous.body()).contains("no TLS client certificate"));
    }

    @Test
    void aTlsClientCertificateSpeaksOnlyForTheDeviceItWasIssuedTo() {
        TestDevice a = enrolledWithoutSigning("UDID-TLS-A");
        TestDevice b = enrolledWithoutSigning("UDID-TLS-B");
        assertEquals(200, b.report(https, CommandResult.idle(b.udid)).statusCode(), "B speaks for itself");

        // A's connection presents A's certificate; the message claims B's UDID
        HttpResponse<byte[]> asB = a.report(https, CommandResult.idle(b.udid));
        assertEquals(403, asB.statusCode(), () -> new String(asB.body()));
        assertTrue(new String(asB.body()).contains("belongs to enrollment UDID-TLS-A, not to UDID-TLS-B"),
                () -> new String(asB.body()));
        HttpResponse<byte[]> tokenAsB = a.checkin(https, TokenUpdate.forDevice(a.topic(), b.udid, new byte[32], "m",
                null, false));
        assertEquals(403, tokenAsB.statusCode(), () -> new String(tokenAsB.body()));
        assertEquals(200, a.report(https, CommandResult.idle(a.udid)).statusCode(), "A still speaks for itself");
    }

    /** A device enrolled over HTTPS that identifies itself by its TLS client certificate only (no Mdm-Signature). */
    private TestDevice enrolledWithoutSigning(String udid) {
        TestDevice d = t.newDevice(udid);
        d.useTls(TestPki.PKI.root().certificate(), false);
        HttpResponse<byte[]> r = d.postMachineInfo(https, d.signedMachineInfo(d.machineInfoValues()));
        d.profile = Plist.parseDictionary(Cms.verifyAttached(r.body()).content());
        d.mdmIdentity = d.scep(https, d.challenge(), t.clock.now()).identity();
        d.useTls(TestPki.PKI.root().certificate(), true);
        d.signMessages = false;
        TestServer.expect200(d.checkin(https, Authenticate.forDevice(d.topic(), d.udid, d.serial, "iPhone15,2",
                "18.1", "22B83", null, null)));
        TestServer.expect200(d.checkin(https, TokenUpdate.forDevice(d.topic(), d.udid, new byte[32], "m", null,
                false)));
        return d;
    }

    @Test
    void aClientThatDoesNotTrustTheRootCannotConnectButPlainHttpStillServes() {
        TestDevice d = t.newDevice("UDID-TLS-UNTRUSTED");
        d.useTls(TestPki.OTHER.root().certificate(), false);
        assertThrows(java.io.UncheckedIOException.class,
                () -> d.postMachineInfo(https, d.signedMachineInfo(d.machineInfoValues())));
        HttpResponse<byte[]> plain = TestDevice.send(HttpRequest.newBuilder(t.base.resolve("/scep?operation=GetCACaps"))
                .GET().build());
        assertEquals(200, plain.statusCode());
    }

    @Test
    void withoutHttpsTheProfileHasOnlyTheScepCasRootAndHttpUrls() {
        try (TestServer plain = new TestServer()) {
            TestDevice d = plain.newDevice("UDID-PLAIN");
            d.enroll(plain.base);
            assertEquals(List.of(TestPki.PKI.root().certificate()), trustPayloads(d.profile),
                    "the root the SCEP CA chains to, not the CA (an intermediate)");
            assertTrue(str(d.payload("com.apple.mdm"), "ServerURL").startsWith("http://127.0.0.1:"));
            assertEquals(true, ((NSNumber) d.payload("com.apple.mdm").get("SignMessage")).boolValue());
            assertEquals(null, plain.server.httpsUri());
        }
    }

    static List<X509Certificate> trustPayloads(NSDictionary profile) {
        List<X509Certificate> out = new ArrayList<>();
        for (NSObject p : ((NSArray) profile.get("PayloadContent")).getArray()) {
            NSDictionary payload = (NSDictionary) p;
            if (((NSString) payload.get("PayloadType")).getContent().equals("com.apple.security.root")) {
                out.add(Certificates.fromDer(((NSData) payload.get("PayloadContent")).bytes()));
            }
        }
        return out;
    }

    @Test
    void oneTrustPayloadWhenTheTlsCertificateAndTheScepCaShareTheRoot() {
        TestDevice d = t.newDevice("UDID-TLS-ORDER");
        d.useTls(TestPki.PKI.root().certificate(), false);
        d.profile = Plist.parseDictionary(Cms.verifyAttached(d.postMachineInfo(https,
                d.signedMachineInfo(d.machineInfoValues())).body()).content());
        List<X509Certificate> roots = trustPayloads(d.profile);
        assertArrayEquals(Certificates.der(TestPki.PKI.root().certificate()), Certificates.der(roots.getFirst()));
        assertEquals(1, roots.size(), "the simulator root is the SCEP CA's root and the TLS certificate's");
    }
}
