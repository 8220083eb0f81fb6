package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A device's identity as it keeps it between uses: the certificate as DER (about 1 KiB, where the JDK's parsed
 * certificate holds 5-6 KiB of decoded fields), the private key and the issuers' certificates as given (the key comes
 * from the fleet's key source, the chain is the fleet's CA: both shared by many devices). {@link #identity()} parses
 * the certificate again when the device signs or presents it; the JDK's certificate factory keeps recently parsed
 * certificates, so a busy device does not pay the parse each time.
 */
public final class CompactIdentity {

    private final byte[] certificate;
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    private CompactIdentity(byte[] certificate, PrivateKey privateKey, List<X509Certificate> chain) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.chain = chain;
    }

    public static CompactIdentity of(Identity identity) {
        requireNonNull(identity, "identity");
        return new CompactIdentity(Certificates.der(identity.certificate()), identity.privateKey(), identity.chain());
    }

    /** The identity with its certificate parsed (a new or the JDK's cached instance; equal each time). */
    public Identity identity() {
        return new Identity(Certificates.fromDer(certificate), privateKey, chain);
    }

    /** The certificate's DER encoding (a copy). */
    public byte[] certificateDer() {
        return certificate.clone();
    }
}
