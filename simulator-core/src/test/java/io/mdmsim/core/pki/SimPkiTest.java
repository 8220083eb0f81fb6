package io.mdmsim.core.pki;

import static io.mdmsim.core.cms.OpenSsl.openssl;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.cms.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimPkiTest {
    private static final Instant NOW = TestPki.NOW;

    @Test
    void inMemoryPkiHasTheFourIdentities() {
        SimPki pki = SimPki.create(NOW);
        var root = pki.root().certificate();
        assertEquals("CN=mdmsim Root CA", root.getSubjectX500Principal().getName());
        assertEquals("CN=Apple iPhone Device CA (mdmsim)", pki.appleDeviceCa().certificate().getSubjectX500Principal().getName());
        assertEquals("CN=mdmsim SCEP CA", pki.scepCa().certificate().getSubjectX500Principal().getName());
        assertEquals("CN=127.0.0.1", pki.tlsServer().certificate().getSubjectX500Principal().getName());
        for (var ca : List.of(pki.appleDeviceCa(), pki.scepCa())) {
            assertEquals(List.of(root), ca.identity().chain());
            assertDoesNotThrow(() -> CertificateChains.verify(ca.certificate(), List.of(), List.of(root), NOW));
        }
        assertDoesNotThrow(() -> CertificateChains.verify(pki.tlsServer().certificate(), pki.tlsServer().chain(), List.of(root), NOW));
        assertEquals(NOW.minus(Duration.ofHours(1)), root.getNotBefore().toInstant());
        String sans = assertDoesNotThrow(() -> pki.tlsServer().certificate().getSubjectAlternativeNames()).stream()
                .map(l -> String.valueOf(l.get(1))).collect(Collectors.joining(","));
        assertEquals("127.0.0.1,localhost,0:0:0:0:0:0:0:1", sans);
        // a device identity from the fake Apple CA verifies against it
        Identity device = pki.appleDeviceCa().issueClientIdentity("CN=F2LXXXXXXXXX", NOW, Duration.ofDays(30));
        assertDoesNotThrow(() -> CertificateChains.verify(device.certificate(), device.chain(), List.of(pki.appleDeviceCa().certificate()), NOW));
    }

    @Test
    void loadOrCreateTwiceGivesTheSameCertificatesAndKeys(@TempDir Path dir) throws Exception {
        Path pkiDir = dir.resolve("pki");
        SimPki first = SimPki.loadOrCreate(pkiDir, NOW);
        SimPki second = SimPki.loadOrCreate(pkiDir, NOW.plus(Duration.ofDays(3)));
        assertEquals(first.root().certificate(), second.root().certificate());
        assertEquals(first.appleDeviceCa().certificate(), second.appleDeviceCa().certificate());
        assertEquals(first.scepCa().certificate(), second.scepCa().certificate());
        assertEquals(first.tlsServer().certificate(), second.tlsServer().certificate());
        assertEquals(first.tlsServer().chain(), second.tlsServer().chain());
        assertTrue(Certificates.keyMatches(first.root().certificate(), second.root().privateKey()));
        assertTrue(Certificates.keyMatches(first.scepCa().certificate(), second.scepCa().privateKey()));
        assertEquals(List.of(first.root().certificate()), second.scepCa().identity().chain());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pkiDir.resolve(SimPki.ROOT_KEY))));
        try (var files = Files.list(pkiDir)) {
            assertEquals(List.of(".lock", "apple-device-ca-key.pem", "apple-device-ca.pem", "root-ca-key.pem", "root-ca.pem",
                    "scep-ca-key.pem", "scep-ca.pem", "tls-server-key.pem", "tls-server.pem"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void expiredTlsCertificateIsReissuedOnLoad(@TempDir Path dir) {
        SimPki first = SimPki.loadOrCreate(dir, NOW);
        Instant later = NOW.plus(Duration.ofDays(900));
        SimPki second = SimPki.loadOrCreate(dir, later);
        assertEquals(first.root().certificate(), second.root().certificate());
        assertNotEquals(first.tlsServer().certificate(), second.tlsServer().certificate());
        assertDoesNotThrow(() -> CertificateChains.verify(second.tlsServer().certificate(), List.of(),
                List.of(second.root().certificate()), later));
        assertEquals(second.tlsServer().certificate(), SimPki.loadOrCreate(dir, later).tlsServer().certificate());
    }

    @Test
    void incompleteDirectoryIsAnError(@TempDir Path dir) throws Exception {
        SimPki.loadOrCreate(dir, NOW);
        Files.delete(dir.resolve(SimPki.SCEP_CA_KEY));
        var e = assertThrows(IllegalStateException.class, () -> SimPki.loadOrCreate(dir, NOW));
        assertEquals("PKI directory " + dir + " is incomplete: it has [root-ca.pem, root-ca-key.pem, apple-device-ca.pem,"
                + " apple-device-ca-key.pem, scep-ca.pem, tls-server.pem, tls-server-key.pem] but not [scep-ca-key.pem]"
                + " (restore the missing files, or empty the directory to start a new PKI)", e.getMessage());
    }

    @Test
    void swappedKeyIsAnError(@TempDir Path dir) throws Exception {
        SimPki.loadOrCreate(dir, NOW);
        Files.copy(dir.resolve(SimPki.ROOT_KEY), dir.resolve(SimPki.SCEP_CA_KEY), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(IllegalStateException.class, () -> SimPki.loadOrCreate(dir, NOW));
        assertEquals("PKI directory " + dir + ": the key in scep-ca-key.pem does not belong to the certificate in scep-ca.pem"
                + " (CN=mdmsim SCEP CA)", e.getMessage());
    }

    @Test
    void exportedPemParsesWithOpenssl(@TempDir Path dir) throws Exception {
        OpenSsl.assumeInstalled();
        SimPki pki = SimPki.create(Instant.now());
        pki.exportPem(dir);
        String subject = openssl(dir, "x509", "-noout", "-subject", "-in", SimPki.APPLE_DEVICE_CA_CERT).assertOk().stdoutText();
        assertEquals("subject=CN = Apple iPhone Device CA (mdmsim)", subject.strip());
        openssl(dir, "x509", "-noout", "-text", "-in", SimPki.ROOT_CERT).assertOk();
        openssl(dir, "verify", "-CAfile", SimPki.ROOT_CERT, SimPki.SCEP_CA_CERT).assertOk();
        openssl(dir, "verify", "-CAfile", SimPki.ROOT_CERT, "-purpose", "sslserver", "-verify_ip", "127.0.0.1", SimPki.TLS_SERVER_CERT).assertOk();
        openssl(dir, "verify", "-CAfile", SimPki.ROOT_CERT, "-verify_hostname", "localhost", SimPki.TLS_SERVER_CERT).assertOk();
        openssl(dir, "pkey", "-noout", "-in", SimPki.TLS_SERVER_KEY).assertOk();
    }
}
