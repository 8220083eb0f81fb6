package io.mdmsim.mdm.http;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.ParsedSignature;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.pki.ValidatedChains;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.service.UnrecognizedDeviceException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Finds and checks the device identity of a check-in or command request: the signer of the {@code Mdm-Signature}
 * header (Apple's MDM payload key SignMessage; nanomdm {@code cryptoutil.VerifyMdmSignature}), or the TLS client
 * certificate, which must chain to the SCEP CA. Any failure means the device is not recognised.
 *
 * <p>A device signs every request with the same identity, so the chain of a signer certificate seen before is not
 * validated again while every certificate of it is valid ({@link ValidatedChains}, the last 10,000 certificates): a
 * known device costs the parse of the signature and one public-key operation. Whether that identity belongs to the
 * device the request names is checked after this, at every request.
 */
public final class MdmIdentityVerifier {

    static final String HEADER = "Mdm-Signature";

    private final ValidatedChains chains;
    private final SimClock clock;

    public MdmIdentityVerifier(X509Certificate scepCa, SimClock clock) {
        this.chains = new ValidatedChains(List.of(requireNonNull(scepCa, "scepCa")), ValidatedChains.DEFAULT_CAPACITY);
        this.clock = requireNonNull(clock, "clock");
    }

    X509Certificate verify(String mdmSignature, byte[] body, List<X509Certificate> tlsPeer) {
        if (mdmSignature == null || mdmSignature.isBlank()) {
            if (tlsPeer != null && !tlsPeer.isEmpty()) {
                return chained(tlsPeer.getFirst(), tlsPeer.subList(1, tlsPeer.size()), "TLS client certificate");
            }
            throw new UnrecognizedDeviceException("no " + HEADER + " header and no TLS client certificate (expected: "
                    + HEADER + " = base64 detached CMS signature over the body by the device identity, SignMessage=true)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(mdmSignature.trim());
        } catch (IllegalArgumentException e) {
            throw new UnrecognizedDeviceException(HEADER + " is not base64: " + e.getMessage());
        }
        SignedContent signed;
        try {
            ParsedSignature parsed = ParsedSignature.parseDetached(der, body == null ? new byte[0] : body, HEADER);
            X509Certificate known = chains.known(parsed.signerCertificateDer(), clock.now());
            if (known != null) {
                parsed.verifyBy(known);
                return known;
            }
            signed = parsed.verify();
        } catch (PkiException e) {
            throw new UnrecognizedDeviceException(e.getMessage());
        }
        return chained(signed.signer(), signed.intermediates(), HEADER + " signer");
    }

    private X509Certificate chained(X509Certificate leaf, List<X509Certificate> intermediates, String what) {
        Instant now = clock.now();
        if (chains.known(Certificates.der(leaf), now) != null) {
            return leaf;
        }
        try {
            return chains.verify(leaf, intermediates, now);
        } catch (PkiException e) {
            throw new UnrecognizedDeviceException(what + " is not a device identity of this server: " + e.getMessage());
        }
    }
}
