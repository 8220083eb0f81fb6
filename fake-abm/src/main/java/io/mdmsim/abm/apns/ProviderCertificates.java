package io.mdmsim.abm.apns;

import io.mdmsim.core.time.SimClock;
import java.security.MessageDigest;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Provider authentication: the client certificate a provider presents is checked on the {@link SimClock} and against
 * the push topic, and remembered (the last {@value #MAX_PROVIDERS}) for {@code GET /admin/apns/providers}.
 */
final class ProviderCertificates {

    static final String UID_OID = "0.9.2342.19200300.100.1.1";
    private static final int MAX_PROVIDERS = 1000;

    private final SimClock clock;
    private final Map<String, Provider> providers = new LinkedHashMap<>(); // guarded by itself

    /** What we remember of one client certificate. Mutable fields guarded by the providers map. */
    private static final class Provider {
        final String fingerprint;
        final String subject;
        final String issuer;
        final String serial;
        final String topic;
        final Instant notAfter;
        final Instant firstSeen;
        Instant lastSeen;
        long requests;

        Provider(String fingerprint, X509Certificate cert, String topic, Instant firstSeen) {
            this.fingerprint = fingerprint;
            this.subject = cert.getSubjectX500Principal().getName();
            this.issuer = cert.getIssuerX500Principal().getName();
            this.serial = cert.getSerialNumber().toString(16);
            this.topic = topic;
            this.notAfter = cert.getNotAfter().toInstant();
            this.firstSeen = firstSeen;
        }
    }

    ProviderCertificates(SimClock clock) {
        this.clock = clock;
    }

    /** See {@link ApnsService#checkProvider}. */
    void check(List<X509Certificate> chain, String topic) {
        if (chain.isEmpty()) {
            return;
        }
        X509Certificate cert = chain.get(0);
        String uid = uid(cert.getSubjectX500Principal());
        Instant now = clock.now();
        String fingerprint = fingerprint(cert);
        synchronized (providers) {
            Provider p = providers.get(fingerprint);
            if (p == null) {
                if (providers.size() >= MAX_PROVIDERS) {
                    providers.remove(providers.keySet().iterator().next());
                }
                p = new Provider(fingerprint, cert, uid, now);
                providers.put(fingerprint, p);
            }
            p.lastSeen = now;
            p.requests++;
        }
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new ApnsPush.Rejection(ApnsReason.BAD_CERTIFICATE, "client certificate "
                    + cert.getSubjectX500Principal().getName() + " is not valid at " + now + " (valid "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ")");
        }
        if (uid != null && !uid.equals(topic)) {
            throw new ApnsPush.Rejection(ApnsReason.TOPIC_DISALLOWED, "apns-topic " + topic + " is not the topic of "
                    + "the client certificate (UID " + uid + ")");
        }
    }

    /** The client certificates providers presented, in the order first seen. */
    List<ApnsService.ProviderCertificate> list() {
        synchronized (providers) {
            List<ApnsService.ProviderCertificate> out = new ArrayList<>();
            for (Provider p : providers.values()) {
                out.add(new ApnsService.ProviderCertificate(p.subject, p.topic, p.issuer, p.serial, p.fingerprint,
                        p.notAfter.toString(), p.firstSeen.toString(), p.lastSeen.toString(), p.requests));
            }
            return out;
        }
    }

    /** The UID attribute (OID 0.9.2342.19200300.100.1.1) of a subject, or null. */
    static String uid(X500Principal subject) {
        try {
            LdapName name = new LdapName(subject.getName(X500Principal.RFC2253, Map.of(UID_OID, "UID")));
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("UID") || rdn.getType().equals(UID_OID)) {
                    Object value = rdn.getValue();
                    return value instanceof String s ? s : null;
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot fingerprint " + cert.getSubjectX500Principal() + ": " + e, e);
        }
    }
}
