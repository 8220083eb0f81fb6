package io.mdmsim.mdm;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.ChallengeStore.Redemption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The SCEP server (RFC 8894, PROTOCOL.md §5; behaviour after micromdm/scep {@code server/service.go}): PKCSReq with
 * a live one-time challenge gets a certificate for the CSR subject; RenewalReq signed by an identity this CA issued
 * gets a new one. Everything else is a CertRep FAILURE. Never PENDING.
 */
final class ScepService {

    private static final System.Logger LOG = System.getLogger(ScepService.class.getName());

    /** What GetCACaps advertises (micromdm/scep's default set, CONTRACT.md B). */
    static final String CAPABILITIES = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation";

    private final CertificateAuthority ca;
    private final ChallengeStore challenges;
    private final IdentityBindings bindings;
    private final SimClock clock;
    private final Duration validity;

    ScepService(CertificateAuthority ca, ChallengeStore challenges, IdentityBindings bindings, SimClock clock,
            Duration validity) {
        this.ca = requireNonNull(ca, "ca");
        this.challenges = requireNonNull(challenges, "challenges");
        this.bindings = requireNonNull(bindings, "bindings");
        this.clock = requireNonNull(clock, "clock");
        this.validity = requireNonNull(validity, "validity");
    }

    String capabilities() {
        return CAPABILITIES;
    }

    /** The GetCACert answer: the CA certificate, DER (application/x-x509-ca-cert; CONTRACT.md B). */
    byte[] caCertificate() {
        return Certificates.der(ca.certificate());
    }

    /**
     * Answers one pkiMessage with a CertRep.
     *
     * @throws io.mdmsim.core.scep.ScepException (400) if the message is not a pkiMessage whose signature verifies
     */
    byte[] pkiOperation(byte[] der) {
        if (der == null || der.length == 0) {
            throw new BadInputException("empty PKIOperation message (expected: a DER SCEP pkiMessage, RFC 8894 §3.2)");
        }
        PkiMessage request = Scep.parse(der);
        return switch (request.messageType()) {
            case PKCS_REQ -> pkcsReq(request);
            case RENEWAL_REQ -> renewalReq(request);
            default -> fail(request, FailInfo.BAD_REQUEST,
                    "messageType " + request.messageType() + " is not supported (expected: PKCSReq or RenewalReq)");
        };
    }

    private byte[] pkcsReq(PkiMessage request) {
        PKCS10CertificationRequest csr;
        try {
            csr = Scep.requestCsr(request, ca.identity());
        } catch (CmsException | io.mdmsim.core.scep.ScepException e) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "cannot read the CSR: " + e.getMessage());
        }
        if (!signatureValid(csr)) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "CSR signature does not verify");
        }
        Redemption r = challenges.redeem(Scep.challengePassword(csr));
        return switch (r) {
            case Redemption.Rejected rejected -> fail(request, FailInfo.BAD_REQUEST, rejected.reason());
            case Redemption.Accepted accepted -> issue(request, csr, accepted.udid());
        };
    }

    private byte[] renewalReq(PkiMessage request) {
        X509Certificate old = request.signerCertificate();
        try {
            CertificateChains.verify(old, List.of(), List.of(ca.certificate()), clock.now());
        } catch (CmsException e) {
            return fail(request, FailInfo.BAD_REQUEST, "RenewalReq must be signed by a current identity of this CA: "
                    + e.getMessage());
        }
        PKCS10CertificationRequest csr;
        try {
            csr = Scep.requestCsr(request, ca.identity());
        } catch (CmsException | io.mdmsim.core.scep.ScepException e) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "cannot read the CSR: " + e.getMessage());
        }
        if (!signatureValid(csr)) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "CSR signature does not verify");
        }
        return issue(request, csr, bindings.boundTo(old).orElse(null));
    }

    private byte[] issue(PkiMessage request, PKCS10CertificationRequest csr, String udid) {
        Instant now = clock.now();
        X509Certificate issued = ca.issue(csr, now, validity);
        bindings.recordIssued(issued, udid);
        LOG.log(DEBUG, "issued {0} (serial {1}) for {2}", issued.getSubjectX500Principal().getName(),
                issued.getSerialNumber().toString(16), udid == null ? "an OTA enrollment" : udid);
        List<X509Certificate> certs = new ArrayList<>();
        certs.add(issued);
        certs.addAll(ca.identity().certificateAndChain());
        return Scep.certRepSuccess(request, certs, ca.identity());
    }

    private byte[] fail(PkiMessage request, FailInfo info, String reason) {
        LOG.log(INFO, "SCEP {0} transaction {1} refused ({2}): {3}", request.messageType(), request.transactionId(),
                info, reason);
        return Scep.certRepFailure(request, info, ca.identity());
    }

    private static boolean signatureValid(PKCS10CertificationRequest csr) {
        try {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException | PKCSException e) {
            return false;
        }
    }
}
