package io.mdmsim.core.pki;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateChainsTest {
    private static final TestPki PKI = TestPki.get();
    private static final Instant NOW = TestPki.NOW;

    private static X509Certificate root() {
        return PKI.root.certificate();
    }

    private static X509Certificate inter() {
        return PKI.intermediate.certificate();
    }

    @Test
    void leafThroughIntermediateToRootVerifies() {
        assertDoesNotThrow(() -> CertificateChains.verify(PKI.client.certificate(), PKI.client.chain(), List.of(root()), NOW));
    }

    @Test
    void intermediateAsAnchorVerifiesWithoutTheRoot() {
        assertDoesNotThrow(() -> CertificateChains.verify(PKI.client.certificate(), List.of(), List.of(inter()), NOW));
    }

    @Test
    void trustedLeafItselfVerifies() {
        assertDoesNotThrow(() -> CertificateChains.verify(root(), List.of(), List.of(root()), NOW));
    }

    @Test
    void leafOfAnotherCaIsNotTrusted() {
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(PKI.otherClient.certificate(), List.of(), List.of(root()), NOW));
        assertEquals("certificate CN=stranger is not signed by any trusted CA (issuer: CN=Other Root CA; trusted: CN=Test Root CA)",
                e.getMessage());
    }

    @Test
    void missingIntermediateIsNamed() {
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(PKI.client.certificate(), List.of(), List.of(root()), NOW));
        assertEquals("certificate CN=device-1,O=mdmsim test is not signed by any trusted CA"
                + " (issuer: CN=Test Intermediate CA; trusted: CN=Test Root CA)", e.getMessage());
    }

    @Test
    void untrustedIntermediateChainSaysWhereItStopped() {
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(PKI.client.certificate(), PKI.client.chain(), List.of(PKI.otherRoot.certificate()), NOW));
        assertEquals("certificate CN=device-1,O=mdmsim test is not signed by any trusted CA (chain: CN=device-1,O=mdmsim test"
                + " -> CN=Test Intermediate CA -> CN=Test Root CA; trusted: CN=Other Root CA)", e.getMessage());
    }

    @Test
    void chainWithAGapNamesTheMissingIssuer() {
        Identity deep = PKI.intermediate.intermediate("Deep CA", NOW.minus(Duration.ofDays(1)), TestPki.YEAR)
                .issueClientIdentity("CN=deep", NOW.minus(Duration.ofDays(1)), TestPki.YEAR);
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(deep.certificate(), List.of(deep.chain().get(0)), List.of(root()), NOW));
        assertEquals("certificate CN=deep is not signed by any trusted CA (chain: CN=deep -> CN=Deep CA -> CN=Test Intermediate CA"
                + " (not given); trusted: CN=Test Root CA)", e.getMessage());
    }

    @Test
    void sameNameDifferentKeyIsExplained() {
        CertificateAuthority impostor = CertificateAuthority.selfSignedRoot("Test Root CA", NOW.minus(Duration.ofDays(1)), TestPki.YEAR);
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(inter(), List.of(), List.of(impostor.certificate()), NOW));
        assertEquals("certificate CN=Test Intermediate CA is not signed by any trusted CA (issuer: CN=Test Root CA; trusted: CN=Test Root CA;"
                + " a CA named CN=Test Root CA is known but its key did not make this signature (a different CA with the same name?))",
                e.getMessage());
    }

    @Test
    void expiredLeafSaysWhen() {
        Identity old = PKI.intermediate.issueClientIdentity("CN=old", Instant.parse("2020-01-01T00:00:00Z"), Duration.ofDays(30));
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(old.certificate(), old.chain(), List.of(root()), NOW));
        assertEquals("certificate CN=old expired at 2020-01-31T00:00:00Z (checked at 2026-03-01T12:00:00Z)", e.getMessage());
    }

    @Test
    void notYetValidLeafSaysFromWhen() {
        Identity future = PKI.intermediate.issueClientIdentity("CN=future", NOW.plus(Duration.ofDays(2)), Duration.ofDays(30));
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(future.certificate(), future.chain(), List.of(root()), NOW));
        assertEquals("certificate CN=future is not valid before 2026-03-03T12:00:00Z (checked at 2026-03-01T12:00:00Z)", e.getMessage());
    }

    @Test
    void expiredIntermediateIsReported() {
        CertificateAuthority shortLived = PKI.root.intermediate("Short CA", NOW.minus(Duration.ofDays(10)), Duration.ofDays(1));
        Identity leaf = shortLived.issueClientIdentity("CN=leaf", NOW.minus(Duration.ofDays(1)), Duration.ofDays(30));
        var e = assertThrows(PkiException.class, () -> CertificateChains.verify(leaf.certificate(), leaf.chain(), List.of(root()), NOW));
        assertEquals("certificate CN=Short CA expired at 2026-02-20T12:00:00Z (checked at 2026-03-01T12:00:00Z)", e.getMessage());
    }

    @Test
    void leafUsedAsIssuerIsNotACa() throws Exception {
        // A certificate signed with the key of a non-CA client certificate.
        var fake = new CertificateAuthorityShim(PKI.client).issue("CN=child");
        var e = assertThrows(PkiException.class,
                () -> CertificateChains.verify(fake, List.of(PKI.client.certificate()), List.of(root()), NOW));
        assertEquals("certificate CN=child is signed by CN=device-1,O=mdmsim test, which is not a CA"
                + " (its basicConstraints do not say cA=true)", e.getMessage());
    }

    @Test
    void noAnchorsIsItsOwnError() {
        var e = assertThrows(PkiException.class, () -> CertificateChains.verify(PKI.client.certificate(), List.of(), List.of(), NOW));
        assertEquals("certificate CN=device-1,O=mdmsim test cannot be trusted: no trusted CA certificates configured", e.getMessage());
    }

    /** Signs a certificate with any identity's key, CA or not (to build bad chains). */
    private record CertificateAuthorityShim(Identity signer) {
        X509Certificate issue(String subjectDn) {
            var issuer = org.bouncycastle.asn1.x500.X500Name.getInstance(signer.certificate().getSubjectX500Principal().getEncoded());
            var key = KeyPairs.rsa2048();
            return CertificateAuthority.build(issuer, signer.privateKey(), signer.certificate(), Certificates.x500Name(subjectDn),
                    key.getPublic(), NOW.minus(Duration.ofDays(1)), TestPki.YEAR, b -> { });
        }
    }
}
