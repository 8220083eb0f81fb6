package io.mdmsim.mdm;

import io.mdmsim.core.pki.SimPki;
import java.time.Instant;

/** One simulator PKI for all tests of this module (key generation is the slow part). */
final class TestPki {

    static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");
    static final SimPki PKI = SimPki.create(T0);
    /** A second, unrelated PKI: its "device CA" is not trusted by the servers under test. */
    static final SimPki OTHER = SimPki.create(T0);

    private TestPki() {}
}
