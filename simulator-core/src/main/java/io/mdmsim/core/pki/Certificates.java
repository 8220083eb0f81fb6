package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;

/** Small certificate helpers: DER in and out, names, fingerprints, key matching. */
public final class Certificates {
    private Certificates() {}

    /** A DER certificate; PkiException if it is not one. */
    public static X509Certificate fromDer(byte[] der) {
        requireNonNull(der, "der");
        if (der.length == 0) {
            throw new PkiException("not a DER X.509 certificate: no bytes");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new PkiException("not a DER X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** A JDK certificate for a BouncyCastle holder. */
    public static X509Certificate fromHolder(X509CertificateHolder holder) {
        try {
            return fromDer(holder.getEncoded());
        } catch (java.io.IOException e) {
            throw new PkiException("cannot encode certificate " + holder.getSubject() + ": " + e.getMessage(), e);
        }
    }

    public static byte[] der(X509Certificate certificate) {
        requireNonNull(certificate, "certificate");
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new PkiException("cannot encode certificate " + name(certificate) + ": " + e.getMessage(), e);
        }
    }

    /**
     * An RFC 2253 DN as the JDK reads it ("CN=x,O=y"), so that the certificate's getSubjectX500Principal().getName()
     * gives the same text back; IllegalArgumentException naming the text if it is not a DN.
     */
    public static X500Name x500Name(String subjectDn) {
        requireNonNull(subjectDn, "subjectDn");
        try {
            X500Name name = X500Name.getInstance(new X500Principal(subjectDn).getEncoded());
            if (name.getRDNs().length == 0) {
                throw new IllegalArgumentException("no attributes");
            }
            return name;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("subjectDn: \"" + subjectDn + "\" is not a distinguished name ("
                    + e.getMessage() + "; expected e.g. CN=device,O=mdmsim)", e);
        }
    }

    /** A self-signed end-entity certificate (digitalSignature, keyEncipherment), e.g. the signer of a SCEP PKCSReq. */
    public static X509Certificate selfSigned(KeyPair key, String subjectDn, Instant notBefore, Duration validity) {
        requireNonNull(key, "key");
        X500Name subject = x500Name(subjectDn);
        return CertificateAuthority.build(subject, key.getPrivate(), null, subject, key.getPublic(), notBefore, validity, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        });
    }

    /** The subject DN in RFC 2253 form, as error messages show it: "CN=x,O=y". */
    public static String name(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /** The subject's CN, or the whole subject DN if it has none. */
    public static String commonName(X509Certificate certificate) {
        requireNonNull(certificate, "certificate");
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return name(certificate);
        }
        return IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** The subject's serialNumber attribute (2.5.4.5), as device certificates carry a serial; null without one. */
    public static String subjectSerialNumber(X509Certificate certificate) {
        requireNonNull(certificate, "certificate");
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] serials = subject.getRDNs(BCStyle.SERIALNUMBER);
        return serials.length == 0 ? null : IETFUtils.valueToString(serials[0].getFirst().getValue());
    }

    /** Lower-case hex SHA-256 of the DER certificate. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der(certificate)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** Whether key is the private half of the certificate's public key. */
    public static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
        requireNonNull(certificate, "certificate");
        requireNonNull(key, "key");
        return keyMatches(certificate.getPublicKey(), key);
    }

    public static boolean keyMatches(PublicKey publicKey, PrivateKey key) {
        if (publicKey instanceof RSAPublicKey rsaPublic && key instanceof RSAPrivateKey rsaPrivate) {
            return rsaPublic.getModulus().equals(rsaPrivate.getModulus());
        }
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        try {
            String algorithm = publicKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + publicKey.getAlgorithm();
            byte[] probe = "mdmsim key match probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
