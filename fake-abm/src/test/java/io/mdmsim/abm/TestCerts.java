package io.mdmsim.abm;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away self-signed certificate for tests that only need some certificate. */
public final class TestCerts {

    private TestCerts() {
    }

    public static X509Certificate selfSigned(String cn) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.parse("2025-01-01T00:00:00Z");
            X500Name name = new X500Name("CN=" + cn);
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now),
                    Date.from(now.plus(3650, ChronoUnit.DAYS)), name, kp.getPublic());
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
