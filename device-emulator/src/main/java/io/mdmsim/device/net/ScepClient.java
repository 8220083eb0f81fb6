package io.mdmsim.device.net;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.ContentCipher;
import io.mdmsim.core.cms.DigestAlgorithm;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.scep.MessageType;
import io.mdmsim.core.scep.PkiMessage;
import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.StageFailure;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The device side of SCEP as iOS uses it (RFC 8894): GetCACaps, GetCACert, then PKCSReq with
 * the payload's challenge, polling while the server says PENDING. Every failure reads like the device's own message,
 * "The SCEP server returned an invalid response", followed by what exactly was wrong.
 */
public final class ScepClient {

    public static final String INVALID_RESPONSE = "The SCEP server returned an invalid response";

    private final DeviceHttp http;
    private final SimClock clock;
    private final SplittableRandom random;

    public ScepClient(DeviceHttp http, SimClock clock, SplittableRandom random) {
        this.http = requireNonNull(http, "http");
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
    }

    /** What the device picked from GetCACaps. */
    record Choice(ContentCipher cipher, DigestAlgorithm digest, boolean post) {
    }

    static Choice choose(Set<String> caps) {
        return new Choice(caps.contains("AES") ? ContentCipher.AES128_CBC : ContentCipher.DES_EDE3_CBC,
                caps.contains("SHA-256") ? DigestAlgorithm.SHA256 : DigestAlgorithm.SHA1,
                caps.contains("POSTPKIOPERATION"));
    }

    /** Enrolls {@code key} and returns the issued identity, with the CA certificates as its chain. */
    public Identity enroll(EnrollmentProfile.ScepPayload p, KeyPair key, String fallbackSubjectDn)
            throws StageFailure, InterruptedException {
        Choice choice = choose(caCaps(p));
        List<X509Certificate> caCerts = caCerts(p);
        checkFingerprint(p, caCerts);
        X509Certificate recipient = recipient(caCerts);
        String subject = p.subjectDn().isEmpty() ? fallbackSubjectDn : p.subjectDn();
        PKCS10CertificationRequest csr = Scep.csr(key, subject, p.challenge());
        Identity signer = Scep.selfSigned(key, subject, clock.now());
        String transactionId = Scep.transactionId(key.getPublic());
        for (int attempt = 0; ; attempt++) {
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            // A poll resends the PKCSReq with the same transactionId (RFC 8894 section 3.3.3 allows it; servers that
            // keep pending requests by transactionId answer it like a CertPoll).
            byte[] request = Scep.request(MessageType.PKCS_REQ, csr, signer, recipient, choice.cipher(),
                    choice.digest(), transactionId, nonce);
            DeviceHttp.Response r = choice.post()
                    ? http.post(operation(p, "PKIOperation", null), "application/x-pki-message", request, Map.of())
                    : http.get(operation(p, "PKIOperation", Base64.getEncoder().encodeToString(request)), Map.of());
            if (!r.ok()) {
                throw invalid("PKIOperation: " + r.describe());
            }
            PkiMessage reply;
            try {
                reply = Scep.parse(r.body());
            } catch (RuntimeException e) {
                throw invalid("PKIOperation reply is not a pkiMessage: " + e.getMessage());
            }
            check(reply, transactionId, nonce, caCerts);
            switch (reply.pkiStatus()) {
                case SUCCESS -> {
                    return issued(reply, signer, key, caCerts);
                }
                case FAILURE -> throw invalid("pkiStatus FAILURE, failInfo " + reply.failInfo());
                case PENDING -> {
                    if (attempt >= p.retries()) {
                        throw invalid("still PENDING after " + p.retries() + " retries every " + p.retryDelay()
                                .toSeconds() + " s");
                    }
                    clock.sleep(p.retryDelay());
                }
            }
        }
    }

    private Set<String> caCaps(EnrollmentProfile.ScepPayload p) throws StageFailure, InterruptedException {
        DeviceHttp.Response r = http.get(operation(p, "GetCACaps", null), Map.of());
        if (!r.ok()) {
            throw invalid("GetCACaps: " + r.describe());
        }
        Set<String> caps = new HashSet<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("[\\r\\n]+")) {
            if (!line.isBlank()) {
                caps.add(line.strip().toUpperCase(Locale.ROOT));
            }
        }
        return caps;
    }

    private List<X509Certificate> caCerts(EnrollmentProfile.ScepPayload p) throws StageFailure, InterruptedException {
        DeviceHttp.Response r = http.get(operation(p, "GetCACert", p.name()), Map.of());
        if (!r.ok()) {
            throw invalid("GetCACert: " + r.describe());
        }
        try {
            return switch (r.mediaType()) {
                case "application/x-x509-ca-cert" -> List.of(Certificates.fromDer(r.body()));
                case "application/x-x509-ca-ra-cert" -> {
                    List<X509Certificate> certs = Cms.parseDegenerate(r.body());
                    if (certs.isEmpty()) {
                        throw invalid("GetCACert returned no certificates");
                    }
                    yield certs;
                }
                default -> throw invalid("GetCACert answered Content-Type " + r.contentType()
                        + " (expected: application/x-x509-ca-cert or application/x-x509-ca-ra-cert)");
            };
        } catch (StageFailure f) {
            throw f;
        } catch (RuntimeException e) {
            throw invalid("GetCACert body is not a certificate: " + e.getMessage());
        }
    }

    private static void checkFingerprint(EnrollmentProfile.ScepPayload p, List<X509Certificate> caCerts)
            throws StageFailure {
        byte[] expected = p.caFingerprint();
        if (expected == null) {
            return;
        }
        String algorithm = switch (expected.length) {
            case 16 -> "MD5";
            case 20 -> "SHA-1";
            case 32 -> "SHA-256";
            default -> null;
        };
        if (algorithm == null) {
            throw invalid("CAFingerprint has " + expected.length + " bytes (expected: an MD5, SHA-1 or SHA-256 hash)");
        }
        try {
            for (X509Certificate c : caCerts) {
                if (Arrays.equals(expected, MessageDigest.getInstance(algorithm).digest(c.getEncoded()))) {
                    return;
                }
            }
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw StageFailure.failed(INVALID_RESPONSE + " (cannot hash the CA certificate: " + e + ")", e);
        }
        throw invalid("no GetCACert certificate matches the payload's CAFingerprint");
    }

    /** The certificate to encrypt to: an RA (a non-CA certificate) when the server sent one, else the CA. */
    private static X509Certificate recipient(List<X509Certificate> caCerts) {
        for (X509Certificate c : caCerts) {
            if (c.getBasicConstraints() < 0) {
                return c;
            }
        }
        return caCerts.getFirst();
    }

    private static void check(PkiMessage reply, String transactionId, byte[] nonce, List<X509Certificate> caCerts)
            throws StageFailure {
        if (reply.messageType() != MessageType.CERT_REP) {
            throw invalid("reply messageType " + reply.messageType() + " (expected: CERT_REP)");
        }
        if (!transactionId.equals(reply.transactionId())) {
            throw invalid("reply transactionId " + reply.transactionId() + " (expected: " + transactionId + ")");
        }
        if (reply.recipientNonce() != null && !Arrays.equals(nonce, reply.recipientNonce())) {
            throw invalid("reply recipientNonce does not echo the request's senderNonce");
        }
        if (reply.pkiStatus() == null) {
            throw invalid("reply has no pkiStatus");
        }
        if (!caCerts.contains(reply.signerCertificate())) {
            throw invalid("reply signed by " + reply.signerCertificate().getSubjectX500Principal().getName()
                    + " (expected: the CA or RA certificate from GetCACert)");
        }
    }

    private static Identity issued(PkiMessage reply, Identity signer, KeyPair key, List<X509Certificate> caCerts)
            throws StageFailure {
        List<X509Certificate> certs;
        try {
            certs = Scep.issuedCertificates(reply, signer);
        } catch (RuntimeException e) {
            throw invalid("cannot read the issued certificate: " + e.getMessage());
        }
        for (X509Certificate c : certs) {
            if (c.getPublicKey().equals(key.getPublic())) {
                List<X509Certificate> chain = new ArrayList<>();
                for (X509Certificate ca : caCerts) {
                    if (ca.getBasicConstraints() >= 0) {
                        chain.add(ca);
                    }
                }
                return new Identity(c, key.getPrivate(), chain);
            }
        }
        throw invalid("none of the " + certs.size() + " returned certificates is for the requested key");
    }

    static URI operation(EnrollmentProfile.ScepPayload p, String operation, String message) {
        String base = p.url().toString();
        StringBuilder sb = new StringBuilder(base).append(base.contains("?") ? '&' : '?')
                .append("operation=").append(operation);
        if (message != null) {
            sb.append("&message=").append(URLEncoder.encode(message, StandardCharsets.UTF_8));
        }
        return URI.create(sb.toString());
    }

    private static StageFailure invalid(String detail) {
        return StageFailure.failed(INVALID_RESPONSE + " (" + detail + ")");
    }
}
