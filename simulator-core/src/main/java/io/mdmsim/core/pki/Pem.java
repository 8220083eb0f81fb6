package io.mdmsim.core.pki;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM text of certificates and private keys. Decoding failures are {@link PemException}s. */
public final class Pem {
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private Pem() {}

    /** "-----BEGIN CERTIFICATE-----" block. */
    public static String encode(X509Certificate certificate) {
        requireNonNull(certificate, "certificate");
        return block("CERTIFICATE", Certificates.der(certificate));
    }

    /** One CERTIFICATE block per certificate, in order. */
    public static String encode(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certificates) {
            out.append(encode(c));
        }
        return out.toString();
    }

    /** PKCS#8 "-----BEGIN PRIVATE KEY-----". */
    public static String encode(PrivateKey key) {
        requireNonNull(key, "key");
        if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
            throw new PemException("private key of format " + key.getFormat() + " cannot be written as PEM (expected: PKCS#8)");
        }
        return block("PRIVATE KEY", key.getEncoded());
    }

    /** PKCS#1 "-----BEGIN RSA PRIVATE KEY-----" (RSA keys only). */
    public static String encodePkcs1(PrivateKey key) {
        requireNonNull(key, "key");
        if (!"RSA".equals(key.getAlgorithm())) {
            throw new PemException("PKCS#1 holds RSA keys only (key algorithm: " + key.getAlgorithm() + ")");
        }
        try {
            byte[] pkcs1 = PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
            return block("RSA PRIVATE KEY", pkcs1);
        } catch (IOException | RuntimeException e) {
            throw new PemException("cannot encode RSA key as PKCS#1: " + e.getMessage(), e);
        }
    }

    /** The first certificate of the text. */
    public static X509Certificate certificate(String pem) {
        return certificates(pem).get(0);
    }

    /** All certificates of the text, in order; at least one. */
    public static List<X509Certificate> certificates(String pem) {
        requireNonNull(pem, "pem");
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(pem)) {
            if (o instanceof X509CertificateHolder holder) {
                out.add(Certificates.fromHolder(holder));
            }
        }
        if (out.isEmpty()) {
            throw new PemException("no CERTIFICATE block in the PEM text (found: " + found(pem) + ")");
        }
        return List.copyOf(out);
    }

    /** The first private key: PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY" or "EC PRIVATE KEY"; not encrypted. */
    public static PrivateKey privateKey(String pem) {
        requireNonNull(pem, "pem");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(pem)) {
            try {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            } catch (PEMException | RuntimeException e) {
                throw new PemException("cannot read private key: " + e.getMessage(), e);
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                throw new PemException("the private key is encrypted, which is not supported"
                        + " (expected an unencrypted key; decrypt it with: openssl pkey -in key.pem -out plain-key.pem)");
            }
        }
        throw new PemException("no private key in the PEM text (found: " + found(pem)
                + "; expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static List<Object> objects(String pem) {
        if (!BEGIN.matcher(pem).find()) {
            throw new PemException("no PEM block in the text (expected a line like -----BEGIN CERTIFICATE-----; got "
                    + (pem.isBlank() ? "empty text" : pem.length() + " characters starting " + quote(pem)) + ")");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new PemException("malformed PEM text: " + e.getMessage(), e);
        }
        return out;
    }

    private static String found(String pem) {
        Set<String> types = new LinkedHashSet<>();
        Matcher m = BEGIN.matcher(pem);
        while (m.find()) {
            types.add(m.group(1));
        }
        return types.isEmpty() ? "no PEM blocks" : String.join(", ", types);
    }

    private static String quote(String s) {
        String head = s.strip();
        head = head.length() > 20 ? head.substring(0, 20) + "..." : head;
        return "\"" + head.replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
