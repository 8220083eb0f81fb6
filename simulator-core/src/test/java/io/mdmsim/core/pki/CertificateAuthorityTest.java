package io.mdmsim.core.pki;

import static io.mdmsim.core.cms.OpenSsl.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.cms.OpenSsl;
import io.mdmsim.core.scep.Scep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    private static final TestPki PKI = TestPki.get();
    private static final Instant NOW = TestPki.NOW;
    private static final Duration YEAR = TestPki.YEAR;

    @Test
    void rootIsASelfSignedCaValidFromNotBefore() throws Exception {
        X509Certificate root = PKI.root.certificate();
        assertEquals("CN=Test Root CA", root.getSubjectX500Principal().getName());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
        root.verify(root.getPublicKey());
        assertTrue(root.getBasicConstraints() >= 0, "cA=true");
        assertTrue(root.getKeyUsage()[5], "keyCertSign");
        assertEquals(NOW.minus(Duration.ofDays(1)), root.getNotBefore().toInstant());
        assertEquals(NOW.minus(Duration.ofDays(1)).plus(YEAR.multipliedBy(10)), root.getNotAfter().toInstant());
        assertEquals(List.of(), PKI.root.identity().chain());
        assertEquals(2048, ((java.security.interfaces.RSAPublicKey) root.getPublicKey()).getModulus().bitLength());
    }

    @Test
    void intermediateIsSignedByRootAndCarriesItsChain() throws Exception {
        X509Certificate inter = PKI.intermediate.certificate();
        inter.verify(PKI.root.certificate().getPublicKey());
        assertTrue(inter.getBasicConstraints() >= 0);
        assertEquals(List.of(PKI.root.certificate()), PKI.intermediate.identity().chain());
        assertEquals(List.of(PKI.intermediate.certificate(), PKI.root.certificate()), PKI.client.chain());
    }

    @Test
    void tlsServerCertificateHasIpAndDnsSansAndServerAuth() throws Exception {
        Identity tls = PKI.root.issueTlsServer(NOW, YEAR, "127.0.0.1", "localhost", "::1");
        X509Certificate c = tls.certificate();
        assertEquals("CN=127.0.0.1", c.getSubjectX500Principal().getName());
        Set<String> sans = c.getSubjectAlternativeNames().stream().map(l -> l.get(0) + ":" + l.get(1)).collect(Collectors.toSet());
        assertTrue(sans.contains("7:127.0.0.1"), sans::toString);
        assertTrue(sans.contains("2:localhost"), sans::toString);
        assertTrue(sans.stream().anyMatch(s -> s.startsWith("7:0:0:0:0:0:0:0:1")), sans::toString);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), c.getExtendedKeyUsage());
        assertEquals(-1, c.getBasicConstraints());
        assertTrue(c.getKeyUsage()[0] && c.getKeyUsage()[2], "digitalSignature + keyEncipherment");
        assertTrue(Certificates.keyMatches(c, tls.privateKey()));
        assertEquals(List.of(PKI.root.certificate()), tls.chain());
    }

    @Test
    void tlsServerNeedsANameAndRejectsBlankOnes() {
        var none = assertThrows(IllegalArgumentException.class, () -> PKI.root.issueTlsServer(NOW, YEAR));
        assertEquals("dnsNamesOrIps: none (expected at least one name, e.g. 127.0.0.1, localhost)", none.getMessage());
        var blank = assertThrows(IllegalArgumentException.class, () -> PKI.root.issueTlsServer(NOW, YEAR, "localhost", " "));
        assertEquals("dnsNamesOrIps: blank name (expected a DNS name or an IP address)", blank.getMessage());
    }

    @Test
    void clientCertificateHasClientAuthAndTheGivenSubject() {
        KeyPair key = KeyPairs.rsa2048();
        X509Certificate c = PKI.intermediate.issueClient(key.getPublic(), "CN=abc,OU=devices,O=mdmsim", NOW, YEAR);
        assertEquals("CN=abc,OU=devices,O=mdmsim", c.getSubjectX500Principal().getName());
        assertEquals(key.getPublic(), c.getPublicKey());
        assertEquals(PKI.intermediate.certificate().getSubjectX500Principal(), c.getIssuerX500Principal());
        assertDoesNotThrow(() -> c.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"));
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), assertDoesNotThrow(c::getExtendedKeyUsage));
        assertTrue(c.getKeyUsage()[0] && c.getKeyUsage()[2]);
        assertEquals(NOW, c.getNotBefore().toInstant());
        assertEquals(NOW.plus(YEAR), c.getNotAfter().toInstant());
    }

    @Test
    void serialNumbersDiffer() {
        Identity a = PKI.intermediate.issueClientIdentity("CN=same", NOW, YEAR);
        X509Certificate b = PKI.intermediate.issueClient(a.publicKey(), "CN=same", NOW, YEAR);
        assertTrue(!a.certificate().getSerialNumber().equals(b.getSerialNumber()));
        assertTrue(a.certificate().getSerialNumber().signum() > 0);
    }

    @Test
    void issuesFromACsrWithItsSubjectKeyAndSans() throws Exception {
        KeyPair key = KeyPairs.rsa2048();
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, new DERIA5String("device.example"))));
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=0000-UDID"), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
        X509Certificate c = PKI.intermediate.issue(csr, NOW, YEAR);
        assertEquals("CN=0000-UDID", c.getSubjectX500Principal().getName());
        assertEquals(key.getPublic(), c.getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        assertEquals("[[2, device.example]]", String.valueOf(c.getSubjectAlternativeNames()));
        c.verify(PKI.intermediate.certificate().getPublicKey());
    }

    @Test
    void csrWithoutSansGivesNoSanExtension() {
        KeyPair key = KeyPairs.rsa2048();
        X509Certificate c = PKI.intermediate.issue(Scep.csr(key, "CN=plain", "secret"), NOW, YEAR);
        assertNull(c.getExtensionValue(Extension.subjectAlternativeName.getId()));
    }

    @Test
    void csrSignedByAnotherKeyIsRefused() throws Exception {
        KeyPair key = KeyPairs.rsa2048();
        KeyPair other = KeyPairs.rsa2048();
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=forged"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(other.getPrivate()));
        var e = assertThrows(PkiException.class, () -> PKI.intermediate.issue(forged, NOW, YEAR));
        assertEquals("the CSR for CN=forged is not signed by the key it holds (signature does not verify)", e.getMessage());
    }

    @Test
    void badArgumentsSayWhatWasExpected() {
        var validity = assertThrows(IllegalArgumentException.class, () -> PKI.intermediate.issueClientIdentity("CN=x", NOW, Duration.ZERO));
        assertEquals("validity: PT0S (expected: positive)", validity.getMessage());
        var dn = assertThrows(IllegalArgumentException.class, () -> PKI.intermediate.issueClientIdentity("device 1", NOW, YEAR));
        assertTrue(dn.getMessage().startsWith("subjectDn: \"device 1\" is not a distinguished name ("), dn.getMessage());
        assertTrue(dn.getMessage().endsWith("expected e.g. CN=device,O=mdmsim)"), dn.getMessage());
        var cn = assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.selfSignedRoot(" ", NOW, YEAR));
        assertEquals("commonName: blank (expected a name such as \"mdmsim Root CA\")", cn.getMessage());
        var notCa = assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.of(PKI.client));
        assertEquals("certificate CN=device-1,O=mdmsim test is not a CA certificate (expected basicConstraints cA=true)", notCa.getMessage());
        var wrongKey = assertThrows(IllegalArgumentException.class,
                () -> CertificateAuthority.of(new Identity(PKI.root.certificate(), PKI.intermediate.privateKey())));
        assertEquals("the private key does not belong to certificate CN=Test Root CA", wrongKey.getMessage());
    }

    @Test
    void caAroundALoadedIdentityIssues() throws Exception {
        CertificateAuthority again = CertificateAuthority.of(PKI.intermediate.identity());
        X509Certificate c = again.issueClient(PKI.client.publicKey(), "CN=again", NOW, YEAR);
        c.verify(PKI.intermediate.certificate().getPublicKey());
        assertArrayEquals(PKI.intermediate.certificate().getEncoded(), again.certificate().getEncoded());
    }

    @Test
    void opensslVerifiesTheChainsWeIssue(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        Identity tls = PKI.intermediate.issueTlsServer(NOW, YEAR, "127.0.0.1", "localhost");
        Files.writeString(dir.resolve("root.pem"), Pem.encode(PKI.root.certificate()));
        Files.writeString(dir.resolve("inter.pem"), Pem.encode(PKI.intermediate.certificate()));
        Files.writeString(dir.resolve("tls.pem"), Pem.encode(tls.certificate()));
        // openssl checks validity against the wall clock; the fixture's dates are simulated, so pass the time.
        openssl(dir, "verify", "-attime", Long.toString(NOW.getEpochSecond() + 86400 * 30), "-CAfile", "root.pem",
                "-untrusted", "inter.pem", "-purpose", "sslserver", "-verify_ip", "127.0.0.1", "tls.pem").assertOk();
        Files.writeString(dir.resolve("client.pem"), Pem.encode(PKI.client.certificate()));
        openssl(dir, "verify", "-attime", Long.toString(NOW.getEpochSecond()), "-CAfile", "root.pem",
                "-untrusted", "inter.pem", "-purpose", "sslclient", "client.pem").assertOk();
    }
}
