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
import io.mdmsim.core.scep.ScepAlgorithmException;
import io.mdmsim.core.scep.ScepException;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.enroll.ChallengeStore.Redemption;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The SCEP server (RFC 8894; behaviour after micromdm/scep {@code server/service.go}): PKCSReq with
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
     * GetCACert (RFC 8894 §4.2.1): a self-signed CA alone (DER, application/x-x509-ca-cert); a CA under a root, or an
     * RA, as a degenerate PKCS#7 (application/x-x509-ca-ra-cert) of the RA if any, the CA, then its chain up to the
     * root, so that a client that trusts only the root (OpenSSL-based ones such as certmonger) can build the path.
     */
    public CaCertificates caCertificates() {
        List<X509Certificate> chain = ca.identity().chain();
        if (ra == null && chain.isEmpty()) {
            return new CaCertificates(Certificates.der(ca.certificate()), CA_CERT);
        }
        List<X509Certificate> certs = new ArrayList<>();
        if (ra != null) {
            certs.add(ra.certificate());
        }
        certs.addAll(ca.identity().certificateAndChain());
        return new CaCertificates(Cms.degenerateCertificates(certs), CA_RA_CERT);
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
        PkiMessage request;
        try {
            request = Scep.parse(der);
        } catch (ScepAlgorithmException e) {
            // RFC 8894 §3.3.2.2: a CertRep FAILURE badAlg, which a SCEP client reads (not an HTTP error)
            return fail(e.request(), FailInfo.BAD_ALG, e.getMessage(), null);
        }
        return switch (request.messageType()) {
            case PKCS_REQ -> pending.containsKey(request.transactionId()) ? poll(request) : pkcsReq(request);
            case RENEWAL_REQ -> renewalReq(request);
            case CERT_POLL -> poll(request);
            default -> fail(request, FailInfo.BAD_REQUEST,
                    "messageType " + request.messageType() + " is not supported (expected: PKCSReq, RenewalReq or"
                            + " CertPoll)", null);
        };
    }

    private byte[] pkcsReq(PkiMessage request) {
        PKCS10CertificationRequest csr;
        try {
            csr = csr(request);
        } catch (PkiException | ScepException e) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "cannot read the CSR: " + e.getMessage(), null);
        }
        if (!signatureValid(csr)) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "CSR signature does not verify", null);
        }
        String challenge = Scep.challengePassword(csr);
        Issued prior = remembered(request.transactionId());
        if (prior != null && prior.key().equals(keyDigest(csr.getSubjectPublicKeyInfo()))
                && prior.challenge().equals(digest(challenge))) {
            // RFC 8894 §3.3.1: the client lost our reply and sends the same transaction again
            event(request, "SUCCESS", null, csr, "the same request again: the certificate issued for it",
                    prior.udid());
            return Scep.certRepSuccess(request, prior.certs(), replier());
        }
        Redemption r = challenges.redeem(challenge);
        return switch (r) {
            case Redemption.Rejected rejected -> fail(request, FailInfo.BAD_REQUEST, rejected.reason(), rejected.udid());
            case Redemption.Accepted accepted -> {
                if (pendingRounds > 0) {
                    pending.put(request.transactionId(), new Pending(csr, accepted.udid(), pendingRounds - 1));
                    yield pendingReply(request, csr, accepted.udid());
                }
                List<X509Certificate> certs = issueCertificates(csr, accepted.udid());
                remember(request.transactionId(), new Issued(keyDigest(csr.getSubjectPublicKeyInfo()),
                        digest(challenge), certs, clock.now().plus(challenges.ttl()), accepted.udid()));
                event(request, "SUCCESS", null, csr, null, accepted.udid());
                yield Scep.certRepSuccess(request, certs, replier());
            }
        };
    }

    /**
     * What was issued for a transaction, for a resent PKCSReq (same key, same challenge) or a CertPoll of it: kept for
     * a challenge's lifetime, at most {@value #MAX_REMEMBERED} transactions (the oldest are forgotten first).
     */
    private record Issued(String key, String challenge, List<X509Certificate> certs, Instant until, String udid) {}

    static final int MAX_REMEMBERED = 10_000;
    private final LinkedHashMap<String, Issued> issued = new LinkedHashMap<>(); // guarded by itself

    private void remember(String transactionId, Issued entry) {
        synchronized (issued) {
            issued.remove(transactionId);
            issued.put(transactionId, entry);
            Instant now = clock.now();
            var oldest = issued.entrySet().iterator();
            while (oldest.hasNext()) {
                var e = oldest.next();
                if (issued.size() <= MAX_REMEMBERED && e.getValue().until().isAfter(now)) {
                    break;
                }
                oldest.remove();
            }
        }
    }

    private Issued remembered(String transactionId) {
        synchronized (issued) {
            Issued e = issued.get(transactionId);
            return e == null || !e.until().isAfter(clock.now()) ? null : e;
        }
    }

    private static String keyDigest(SubjectPublicKeyInfo key) {
        try {
            return digest(key.getEncoded());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode a public key: " + e.getMessage(), e);
        }
    }

    private static String digest(String text) {
        return digest(String.valueOf(text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** CertPoll (GetCertInitial), or a PKCSReq repeated with the transactionID of a pending one. */
    private byte[] poll(PkiMessage request) {
        Pending p = pending.get(request.transactionId());
        if (p == null) {
            Issued prior = remembered(request.transactionId());
            X509Certificate signer = request.signerCertificate();
            if (prior != null && signer != null && prior.key().equals(keyDigest(
                    SubjectPublicKeyInfo.getInstance(signer.getPublicKey().getEncoded())))) {
                event(request, "SUCCESS", null, null, "CertPoll of an issued transaction: the certificate issued for it",
                        prior.udid());
                return Scep.certRepSuccess(request, prior.certs(), replier());
            }
            return fail(request, FailInfo.BAD_CERT_ID, "no pending or issued request with transactionID "
                    + request.transactionId() + " (expected: the transactionID of a PKCSReq answered PENDING or"
                    + " SUCCESS, polled with the key of that request)", null);
        }
        synchronized (p) {
            if (p.issued == null && p.pendingLeft > 0) {
                p.pendingLeft--;
                return pendingReply(request, p.csr, p.udid);
            }
            if (p.issued == null) {
                p.issued = issueCertificates(p.csr, p.udid);
            }
            event(request, "SUCCESS", null, p.csr, null, p.udid);
            return Scep.certRepSuccess(request, p.issued, replier());
        }
    }

    private byte[] renewalReq(PkiMessage request) {
        X509Certificate old = request.signerCertificate();
        String udid = bindings.boundTo(old).orElse(null);
        try {
            CertificateChains.verify(old, List.of(), List.of(ca.certificate()), clock.now());
        } catch (PkiException e) {
            return fail(request, FailInfo.BAD_REQUEST, "RenewalReq must be signed by a current identity of this CA: "
                    + e.getMessage(), udid);
        }
        PKCS10CertificationRequest csr;
        try {
            csr = csr(request);
        } catch (PkiException | ScepException e) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "cannot read the CSR: " + e.getMessage(), udid);
        }
        if (!signatureValid(csr)) {
            return fail(request, FailInfo.BAD_MESSAGE_CHECK, "CSR signature does not verify", udid);
        }
        List<X509Certificate> certs = issueCertificates(csr, null);
        bindings.renewed(old, certs.getFirst());
        event(request, "SUCCESS", null, csr, null, udid);
        return Scep.certRepSuccess(request, certs, replier());
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

    private byte[] pendingReply(PkiMessage request, PKCS10CertificationRequest csr, String udid) {
        event(request, "PENDING", null, csr, null, udid);
        return Scep.certRepPending(request, replier());
    }

    /** A CertRep FAILURE; {@code udid}: the device the request is known to come from, null if none is. */
    private byte[] fail(PkiMessage request, FailInfo info, String reason, String udid) {
        LOG.log(INFO, "SCEP {0} transaction {1} refused ({2}): {3}", request.messageType(), request.transactionId(),
                info, reason);
        event(request, "FAILURE", info, null, reason, udid);
        return Scep.certRepFailure(request, info, replier());
    }

    /** A "scep" event, for the device the challenge was minted for (or the renewing identity belongs to). */
    private void event(PkiMessage request, String status, FailInfo info, PKCS10CertificationRequest csr, String reason,
            String udid) {
        events.emit("scep", udid, "messageType", request.messageType().name(), "transactionId", request.transactionId(),
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
