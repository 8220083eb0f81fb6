package io.mdmsim.benchmarks;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.SimPki;
import java.time.Duration;
import java.time.Instant;

/** What the benchmarks share: the simulator PKI, a device's factory identity and its MDM identity. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-06-01T09:00:00Z");
    static final SimPki PKI = SimPki.create(NOW.minus(Duration.ofDays(1)));
    static final String UDID = "00008110-000A1B2C3D4E801E";
    static final String SERIAL = "F2LXK0ABCDEF";

    /** The device's factory identity (issued by the fake Apple device CA), as it signs MachineInfo. */
    static final Identity FACTORY = CertificateAuthority.of(PKI.appleDeviceCa().identity())
            .issueClientIdentity("CN=" + UDID, NOW.minus(Duration.ofDays(1)), Duration.ofDays(3650));

    /** The device's MDM identity (issued by the SCEP CA), as it signs check-ins with Mdm-Signature. */
    static final Identity MDM_IDENTITY = CertificateAuthority.of(PKI.scepCa().identity())
            .issueClientIdentity("CN=" + UDID, NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));

    private Fixtures() {
    }
}
