package io.mdmsim.abm.apns;

import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.Identity;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The TLS identity of the fake APNs listener and the certificate a client must trust to reach it. */
public record ApnsTls(Identity identity, X509Certificate trustAnchor) {

    /** The identity itself: its last issuer (or the certificate, if self-signed or alone) is the anchor. */
    public static ApnsTls of(Identity identity) {
        List<X509Certificate> chain = identity.chain();
        return new ApnsTls(identity, chain.isEmpty() ? identity.certificate() : chain.get(chain.size() - 1));
    }

    /** One throw-away root and server certificate for 127.0.0.1 and localhost per JVM (key generation is slow). */
    public static ApnsTls ephemeral() {
        return Ephemeral.TLS;
    }

    private static final class Ephemeral {
        static final ApnsTls TLS = create();

        private static ApnsTls create() {
            // TLS clients check validity against the wall clock, whatever the SimClock says.
            Instant from = Instant.now().minus(Duration.ofDays(1));
            CertificateAuthority root = CertificateAuthority.selfSignedRoot("mdmsim fake APNs Root (ephemeral)", from,
                    Duration.ofDays(3650));
            Identity server = root.issueTlsServer(from, Duration.ofDays(3650), "127.0.0.1", "localhost");
            return new ApnsTls(server, root.certificate());
        }
    }
}
