package io.mdmsim.core.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A certificate whose chain was validated is known again only while its whole chain is valid; failures are not kept. */
class ValidatedChainsTest {
    private static final TestPki PKI = TestPki.get();
    private static final X509Certificate LEAF = PKI.client.certificate();

    @Test
    void aValidatedCertificateIsKnownWhileItsChainIsValid() {
        ValidatedChains chains = new ValidatedChains(List.of(PKI.root.certificate()), 10);
        assertNull(chains.known(Certificates.der(LEAF), TestPki.NOW), "not known before it was validated");
        assertSame(LEAF, chains.verify(LEAF, PKI.client.chain(), TestPki.NOW));
        assertSame(LEAF, chains.known(Certificates.der(LEAF), TestPki.NOW.plus(Duration.ofDays(30))));
        // past the leaf's notAfter (a year), and before its notBefore: validated again, in full
        assertNull(chains.known(Certificates.der(LEAF), LEAF.getNotAfter().toInstant().plusSeconds(1)));
        assertNull(chains.known(Certificates.der(LEAF), LEAF.getNotBefore().toInstant().minusSeconds(1)));
        PkiException expired = assertThrows(PkiException.class,
                () -> chains.verify(LEAF, PKI.client.chain(), LEAF.getNotAfter().toInstant().plusSeconds(1)));
        assertTrue(expired.getMessage().contains("expired at"), expired.getMessage());
    }

    @Test
    void aChainThatFailsIsNotRemembered() {
        ValidatedChains chains = new ValidatedChains(List.of(PKI.root.certificate()), 10);
        X509Certificate stranger = PKI.otherClient.certificate();
        PkiException e = assertThrows(PkiException.class, () -> chains.verify(stranger, List.of(), TestPki.NOW));
        assertTrue(e.getMessage().contains("is not signed by any trusted CA"), e.getMessage());
        assertNull(chains.known(Certificates.der(stranger), TestPki.NOW));
        assertEquals(0, chains.size());
    }

    @Test
    void theLeastRecentlyUsedGoesFirstPastTheCapacity() {
        ValidatedChains chains = new ValidatedChains(List.of(PKI.root.certificate(), PKI.otherRoot.certificate()), 2);
        X509Certificate intermediate = PKI.intermediate.certificate();
        chains.verify(LEAF, PKI.client.chain(), TestPki.NOW);
        chains.verify(intermediate, List.of(), TestPki.NOW);
        chains.known(Certificates.der(LEAF), TestPki.NOW); // the leaf is used again: the intermediate is older now
        chains.verify(PKI.otherClient.certificate(), List.of(), TestPki.NOW);
        assertEquals(2, chains.size());
        assertNull(chains.known(Certificates.der(intermediate), TestPki.NOW));
        assertSame(LEAF, chains.known(Certificates.der(LEAF), TestPki.NOW));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ValidatedChains(List.of(PKI.root.certificate()), 0));
        assertEquals("capacity: 0 (expected: at least 1)", bad.getMessage());
    }
}
