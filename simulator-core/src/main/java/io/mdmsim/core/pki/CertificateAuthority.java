package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.crypto.HashAlgorithm;
import io.mdmsim.core.crypto.RsaContentSigner;
import io.mdmsim.core.crypto.RsaException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A CA of the simulator PKI: a CA certificate, its key and its chain. Issues intermediates, TLS server certificates,
 * client certificates and certificates for PKCS#10 requests (SCEP). Times come from the caller (SimClock); serial
 * numbers are random. Certificates are signed SHA-256 with RSA (or ECDSA for an EC CA key).
 */
public final class CertificateAuthority {
    private final Identity identity;

    private CertificateAuthority(Identity identity) {
        this.identity = identity;
    }

    /** A CA around an existing CA identity (for example one loaded from PEM); the certificate must be a CA. */
    public static CertificateAuthority of(Identity identity) {
        requireNonNull(identity, "identity");
        X509Certificate c = identity.certificate();
        if (c.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("certificate " + Certificates.name(c)
                    + " is not a CA certificate (expected basicConstraints cA=true)");
        }
        if (!Certificates.keyMatches(c, identity.privateKey())) {
            throw new IllegalArgumentException("the private key does not belong to certificate " + Certificates.name(c));
        }
        return new CertificateAuthority(identity);
    }

    public static CertificateAuthority selfSignedRoot(String commonName, Instant notBefore, Duration validity) {
        X500Name subject = cn(commonName);
        KeyPair key = KeyPairs.rsa2048();
        X509Certificate cert = build(subject, key.getPrivate(), null, subject, key.getPublic(), notBefore, validity,
                b -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                });
        return new CertificateAuthority(new Identity(cert, key.getPrivate(), List.of()));
    }

    public CertificateAuthority intermediate(String commonName, Instant notBefore, Duration validity) {
        KeyPair key = KeyPairs.rsa2048();
        X509Certificate cert = issue(cn(commonName), key.getPublic(), notBefore, validity, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        });
        return new CertificateAuthority(new Identity(cert, key.getPrivate(), identity.certificateAndChain()));
    }

    public X509Certificate certificate() {
        return identity.certificate();
    }

    public PrivateKey privateKey() {
        return identity.privateKey();
    }

    public Identity identity() {
        return identity;
    }

    /** A new key and a serverAuth certificate; CN = the first name; SANs: IP literals as iPAddress, others as dNSName. */
    public Identity issueTlsServer(Instant notBefore, Duration validity, String... dnsNamesOrIps) {
        requireNonNull(dnsNamesOrIps, "dnsNamesOrIps");
        if (dnsNamesOrIps.length == 0) {
            throw new IllegalArgumentException("dnsNamesOrIps: none (expected at least one name, e.g. 127.0.0.1, localhost)");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String name : dnsNamesOrIps) {
            requireNonNull(name, "dnsNamesOrIps element");
            if (name.isBlank()) {
                throw new IllegalArgumentException("dnsNamesOrIps: blank name (expected a DNS name or an IP address)");
            }
            names.add(isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, new DERIA5String(name)));
        }
        KeyPair key = KeyPairs.rsa2048();
        X509Certificate cert = issue(cn(dnsNamesOrIps[0]), key.getPublic(), notBefore, validity, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        });
        return new Identity(cert, key.getPrivate(), identity.certificateAndChain());
    }

    /** digitalSignature + keyEncipherment, extendedKeyUsage clientAuth. */
    public X509Certificate issueClient(PublicKey key, String subjectDn, Instant notBefore, Duration validity) {
        requireNonNull(key, "key");
        return issue(dn(subjectDn), key, notBefore, validity, CertificateAuthority::clientExtensions);
    }

    /** A client certificate for the CSR's subject and public key (SCEP); the CSR's signature must verify. */
    public X509Certificate issue(PKCS10CertificationRequest csr, Instant notBefore, Duration validity) {
        requireNonNull(csr, "csr");
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        PublicKey key;
        try {
            key = publicKey(spki);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new PkiException("the CSR for " + csr.getSubject() + " is not signed by the key it holds (signature does not verify)");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new PkiException("cannot verify the CSR for " + csr.getSubject() + ": " + e.getMessage(), e);
        }
        GeneralNames sans = requestedSans(csr);
        X500Name subject = X500Name.getInstance(csr.getSubject().toASN1Primitive());
        if (subject.getRDNs().length == 0 && sans == null) {
            throw new PkiException("the CSR has an empty subject and no subjectAltName (expected e.g. CN=<udid>)");
        }
        return issue(subject, key, notBefore, validity, b -> {
            clientExtensions(b);
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0, sans);
            }
        });
    }

    /** A new RSA 2048 key and a client certificate for it, with this CA's chain. */
    public Identity issueClientIdentity(String subjectDn, Instant notBefore, Duration validity) {
        X500Name subject = dn(subjectDn);
        KeyPair key = KeyPairs.rsa2048();
        X509Certificate cert = issue(subject, key.getPublic(), notBefore, validity, CertificateAuthority::clientExtensions);
        return new Identity(cert, key.getPrivate(), identity.certificateAndChain());
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + identity.subjectDn() + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Extender {
        void extend(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private X509Certificate issue(X500Name subject, PublicKey key, Instant notBefore, Duration validity, Extender extender) {
        X509Certificate ca = identity.certificate();
        return build(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), identity.privateKey(), ca,
                subject, key, notBefore, validity, extender);
    }

    private static void clientExtensions(X509v3CertificateBuilder b) throws CertIOException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }

    static X509Certificate build(X500Name issuer, PrivateKey issuerKey, X509Certificate issuerCert, X500Name subject,
            PublicKey subjectKey, Instant notBefore, Duration validity, Extender extender) {
        requireNonNull(notBefore, "notBefore");
        requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity: " + validity + " (expected: positive)");
        }
        Instant notAfter = notBefore.plus(validity);
        BigInteger serial = new BigInteger(127, Bc.RANDOM).add(BigInteger.ONE);
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter),
                    subject, SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCert.getPublicKey()));
            }
            extender.extend(b);
            ContentSigner signer = RsaContentSigner.of(issuerKey, HashAlgorithm.SHA256);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (CertIOException | OperatorCreationException | CertificateException | java.security.NoSuchAlgorithmException
                | RsaException e) {
            throw new PkiException("cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    static X500Name cn(String commonName) {
        requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName: blank (expected a name such as \"mdmsim Root CA\")");
        }
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    static X500Name dn(String subjectDn) {
        return Certificates.x500Name(subjectDn);
    }

    private static GeneralNames requestedSans(PKCS10CertificationRequest csr) {
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                GeneralNames sans = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
                if (sans != null) {
                    return sans;
                }
            }
        }
        return null;
    }

    private static boolean isIpLiteral(String name) {
        return name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (name.contains(":") && name.matches("[0-9A-Fa-f:.]+"));
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo spki) {
        try {
            return new JcaPEMKeyConverter().getPublicKey(spki);
        } catch (PEMException e) {
            throw new PkiException("the CSR holds a public key this JDK cannot read: " + e.getMessage(), e);
        }
    }
}
