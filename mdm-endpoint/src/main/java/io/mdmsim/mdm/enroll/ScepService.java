package io.mdmsim.mdm.enroll;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.pki.CertificateAuthority;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.scep.FailInfo;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.scep.ScepException;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.enroll.ChallengeStore.Redemption;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The SCEP server (RFC 8894, PROTOCOL.md §5; behaviour after micromdm/scep {@code server/service.go}): PKCSReq with
 * a live one-time challenge gets a certificate for the CSR subject; RenewalReq signed by an identity this CA issued
 * gets a new one. Everything else is a CertRep FAILURE. Two options: an RA (GetCACert returns RA and CA; the RA
 * decrypts requests and signs replies), and a PENDING fault mode in which a good request is first answered PENDING
 * and the certificate is handed out to a later CertPoll (GetCertInitial), or to the same PKCSReq sent again.
 */
public final class ScepService {

    private static final System.Logger LOG = System.getLogger(ScepService.class.getName());

    /** What GetCACaps advertises (micromdm/scep's default set, docs/DESIGN.md "Wire contracts between the parts"). */
    static final String CAPABILITIES = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation";
    static final String CA_CERT = "application/x-x509-ca-cert";
    static final String CA_RA_CERT = "application/x-x509-ca-ra-cert";

    /** The GetCACert answer. */
    public record CaCertificates(byte[] body, String contentType) {}

    /** A request answered PENDING: its CSR is kept until a poll gets the certificate. */
    private static final class Pending {
        final PKCS10CertificationRequest csr;
        final String udid;
        int pendingLeft;
        List<X509Certificate> issued;

        Pending(PKCS10CertificationRequest csr, String udid, int pendingLeft) {
            this.csr = csr;
            this.udid = udid;
            this.pendingLeft = pendingLeft;
        }
    }

    private final CertificateAuthority ca;
    private final Identity ra;
    private final ChallengeStore challenges;
    private final IdentityBindings bindings;
    private final SimClock clock;
    private final Duration validity;
    private final int pendingRounds;
    private final EventLog events;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /**
     * @param ra the RA identity (issued by {@code ca}), or null to let the CA do everything
     * @param pendingRounds how often a good request is answered PENDING before it is issued (0: at once)
     */
    public ScepService(CertificateAuthority ca, Identity ra, int pendingRounds, ChallengeStore challenges,
            IdentityBindings bindings, SimClock clock, Duration validity, EventLog events) {
        this.ca = requireNonNull(ca, "ca");
        this.ra = ra;
        this.pendingRounds = pendingRounds;
        this.challenges = requireNonNull(challenges, "challenges");
        this.bindings = requireNonNull(bindings, "bindings");
        this.clock = requireNonNull(clock, "clock");
        this.validity = requireNonNull(validity, "validity");
        this.events = requireNonNull(events, "events");
    }

    public String capabilities() {
        return CAPABILITIES;
    }

    /**
     * GetCACert: the CA certificate alone (DER, application/x-x509-ca-cert), or with an RA the RA and the CA as a
     * degenerate PKCS#7 (application/x-x509-ca-ra-cert), RFC 8894 §4.2.1.
     */
    public CaCertificates caCertificates() {
        if (ra == null) {
            return new CaCertificates(Certificates.der(ca.certificate()), CA_CERT);
        }
        return new CaCertificates(Cms.degenerateCertificates(List.of(ra.certificate(), ca.certificate())), CA_RA_CERT);
    }

    /** The identity that decrypts requests and signs CertReps. */
    private Identity replier() {
        return ra != null ? ra : ca.identity();
    }

    /**
     * Answers one pkiMessage with a CertRep.
     *
     * @throws ScepException (400) if the message is not a pkiMessage whose signature verifies
     */
    public byte[] pkiOperation(byte[] der) {
        if (der == null || der.length == 0) {
            throw new BadInputException("empty PKIOperation message (expected: a DER SCEP pkiMessage, RFC 8894 §3.2)");
        }
        PkiMessage request = Scep.parse(der);
        return switch (request.messageType()) {
            case PKCS_REQ -> pending.containsKey(request.transactionId()) ? poll(request) : pkcsReq(request);
            case RENEWAL_REQ -> renewalReq(request);
            case CERT_POLL -> poll(request);
            default -> fail(request, FailInfo.BAD_REQUEST,
                    "messageType " + request.messageType() + " is not supported (expected: PKCSReq, RenewalReq or"
                            + " CertPoll)");
        };
    }

    private byte[] pkcsReq(PkiMessage request) {
        PKCS10CertificationRequest csr;
        try {
            csr = csr(request);
        } catch (PkiException | ScepException e) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "cannot read the CSR: " + e.getMessage());
        }
        if (!signatureValid(csr)) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "CSR signature does not verify");
        }
        Redemption r = challenges.redeem(Scep.challengePassword(csr));
        return switch (r) {
            case Redemption.Rejected rejected -> fail(request, FailInfo.BAD_REQUEST, rejected.reason());
            case Redemption.Accepted accepted -> {
                if (pendingRounds > 0) {
                    pending.put(request.transactionId(), new Pending(csr, accepted.udid(), pendingRounds - 1));
                    yield pendingReply(request, csr);
                }
                yield issue(request, csr, accepted.udid());
            }
        };
    }

    /** CertPoll (GetCertInitial), or a PKCSReq repeated with the transactionID of a pending one. */
    private byte[] poll(PkiMessage request) {
        Pending p = pending.get(request.transactionId());
        if (p == null) {
            return fail(request, FailInfo.BAD_CERT_ID, "no pending request with transactionID "
                    + request.transactionId() + " (expected: the transactionID of a PKCSReq answered PENDING)");
        }
        synchronized (p) {
            if (p.issued == null && p.pendingLeft > 0) {
                p.pendingLeft--;
                return pendingReply(request, p.csr);
            }
            if (p.issued == null) {
                p.issued = issueCertificates(p.csr, p.udid);
            }
            event(request, "SUCCESS", null, p.csr, null);
            return Scep.certRepSuccess(request, p.issued, replier());
        }
    }

    private byte[] renewalReq(PkiMessage request) {
        X509Certificate old = request.signerCertificate();
        try {
            CertificateChains.verify(old, List.of(), List.of(ca.certificate()), clock.now());
        } catch (PkiException e) {
            return fail(request, FailInfo.BAD_REQUEST, "RenewalReq must be signed by a current identity of this CA: "
                    + e.getMessage());
        }
        PKCS10CertificationRequest csr;
        try {
            csr = csr(request);
        } catch (PkiException | ScepException e) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "cannot read the CSR: " + e.getMessage());
        }
        if (!signatureValid(csr)) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "CSR signature does not verify");
        }
        return issue(request, csr, bindings.boundTo(old).orElse(null));
    }

    /** The CSR, decrypted by the RA when the requester encrypted to it, else by the CA. */
    private PKCS10CertificationRequest csr(PkiMessage request) {
        if (ra != null) {
            try {
                return Scep.requestCsr(request, ra);
            } catch (ScepException e) {
                // Not encrypted to the RA: a client that chose the CA certificate.
            }
        }
        return Scep.requestCsr(request, ca.identity());
    }

    private byte[] issue(PkiMessage request, PKCS10CertificationRequest csr, String udid) {
        List<X509Certificate> certs = issueCertificates(csr, udid);
        event(request, "SUCCESS", null, csr, null);
        return Scep.certRepSuccess(request, certs, replier());
    }

    private List<X509Certificate> issueCertificates(PKCS10CertificationRequest csr, String udid) {
        Instant now = clock.now();
        X509Certificate issued = ca.issue(csr, now, validity);
        bindings.recordIssued(issued, udid);
        LOG.log(DEBUG, "issued {0} (serial {1}) for {2}", issued.getSubjectX500Principal().getName(),
                issued.getSerialNumber().toString(16), udid == null ? "an OTA enrollment" : udid);
        List<X509Certificate> certs = new ArrayList<>();
        certs.add(issued);
        certs.addAll(ca.identity().certificateAndChain());
        return certs;
    }

    private byte[] pendingReply(PkiMessage request, PKCS10CertificationRequest csr) {
        event(request, "PENDING", null, csr, null);
        return Scep.certRepPending(request, replier());
    }

    private byte[] fail(PkiMessage request, FailInfo info, String reason) {
        LOG.log(INFO, "SCEP {0} transaction {1} refused ({2}): {3}", request.messageType(), request.transactionId(),
                info, reason);
        event(request, "FAILURE", info, null, reason);
        return Scep.certRepFailure(request, info, replier());
    }

    private void event(PkiMessage request, String status, FailInfo info, PKCS10CertificationRequest csr, String reason) {
        events.emit("scep", null, "messageType", request.messageType().name(), "transactionId", request.transactionId(),
                "pkiStatus", status, "failInfo", info == null ? null : failInfoWire(info),
                "subject", csr == null ? null : csr.getSubject().toString(), "reason", reason);
    }

    /** The RFC 8894 name of a failInfo ("badRequest"). */
    static String failInfoWire(FailInfo info) {
        return switch (info) {
            case BAD_ALG -> "badAlg";
            case BAD_MESSAGE_CHECK -> "badMessageCheck";
            case BAD_REQUEST -> "badRequest";
            case BAD_TIME -> "badTime";
            case BAD_CERT_ID -> "badCertId";
        };
    }

    private static boolean signatureValid(PKCS10CertificationRequest csr) {
        try {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException | PKCSException e) {
            return false;
        }
    }
}
