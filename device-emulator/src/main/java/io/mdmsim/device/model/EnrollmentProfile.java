package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Pem;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The parts of an MDM enrollment profile (ADM mdm/profiles: TopLevel.yaml, com.apple.security.scep.yaml,
 * com.apple.mdm.yaml) that a device acts on. {@link #parse} enforces what iOS refuses to install; every refusal reads
 * "Invalid Profile: ..." because that is what the device shows.
 */
public record EnrollmentProfile(String payloadIdentifier, List<X509Certificate> trustedCertificates, ScepPayload scep,
                                MdmPayload mdm) {

    public static final String INVALID = "Invalid Profile";

    public EnrollmentProfile {
        requireNonNull(payloadIdentifier, "payloadIdentifier");
        requireNonNull(scep, "scep");
        requireNonNull(mdm, "mdm");
        trustedCertificates = List.copyOf(trustedCertificates);
    }

    /** com.apple.security.scep. */
    public record ScepPayload(String payloadUuid, URI url, String name, String subjectDn, String challenge, int keysize,
                              int keyUsage, int retries, Duration retryDelay, byte[] caFingerprint) {
    }

    /** com.apple.mdm. */
    public record MdmPayload(String identityCertificateUuid, String topic, URI serverUrl, URI checkInUrl,
                             boolean signMessage, long accessRights, boolean checkOutWhenRemoved,
                             List<String> serverCapabilities) {
    }

    /** A profile that iOS would refuse; the message starts with "Invalid Profile: ". */
    public static final class InvalidProfileException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidProfileException(String detail) {
            super(INVALID + ": " + detail, null, false, false);
        }
    }

    public static EnrollmentProfile parse(NSDictionary top) throws InvalidProfileException {
        try {
            return parseUnchecked(top);
        } catch (PlistFields.FieldException e) {
            throw new InvalidProfileException(e.getMessage());
        }
    }

    private static EnrollmentProfile parseUnchecked(NSDictionary top) throws InvalidProfileException {
        PlistFields f = new PlistFields("profile", top);
        String type = f.string("PayloadType");
        if (!type.equals("Configuration")) {
            throw new InvalidProfileException("PayloadType is " + type + " (expected: Configuration)");
        }
        String identifier = f.string("PayloadIdentifier");
        f.string("PayloadUUID");
        List<NSObject> content = f.array("PayloadContent");
        if (content.isEmpty()) {
            throw new InvalidProfileException("PayloadContent is missing or empty (expected: SCEP and MDM payloads)");
        }
        List<X509Certificate> trusted = new ArrayList<>();
        List<PlistFields> sceps = new ArrayList<>();
        List<PlistFields> mdms = new ArrayList<>();
        List<String> identityPayloads = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            if (!(content.get(i) instanceof NSDictionary d)) {
                throw new InvalidProfileException("PayloadContent[" + i + "] is " + PlistFields.typeName(content.get(i))
                        + " (expected: a payload dictionary)");
            }
            String payloadType = new PlistFields("PayloadContent[" + i + "]", d).string("PayloadType");
            PlistFields p = new PlistFields(payloadType + " payload", d);
            p.string("PayloadUUID");
            p.string("PayloadIdentifier");
            switch (payloadType) {
                case "com.apple.security.root", "com.apple.security.pkcs1", "com.apple.security.pem" ->
                        trusted.add(certificate(p, payloadType));
                case "com.apple.security.scep" -> sceps.add(p);
                case "com.apple.mdm" -> mdms.add(p);
                case "com.apple.security.pkcs12", "com.apple.security.acme" -> identityPayloads.add(
                        p.string("PayloadUUID") + " (" + payloadType + ")");
                default -> { } // other payloads are installed later by the MDM; nothing to do for enrollment
            }
        }
        if (mdms.size() != 1) {
            throw new InvalidProfileException(mdms.size() + " com.apple.mdm payloads (expected: exactly one)");
        }
        MdmPayload mdm = mdm(mdms.getFirst());
        PlistFields scepFields = null;
        for (PlistFields s : sceps) {
            if (s.string("PayloadUUID").equals(mdm.identityCertificateUuid())) {
                scepFields = s;
            }
        }
        if (scepFields == null) {
            throw new InvalidProfileException("com.apple.mdm IdentityCertificateUUID " + mdm.identityCertificateUuid()
                    + " matches no com.apple.security.scep PayloadUUID (expected one of the profile's SCEP payloads; "
                    + "found SCEP " + sceps.stream().map(s -> s.string("PayloadUUID")).toList()
                    + (identityPayloads.isEmpty() ? "" : ", unsupported identity payloads " + identityPayloads) + ")");
        }
        return new EnrollmentProfile(identifier, trusted, scep(scepFields), mdm);
    }

    /** Reads one com.apple.security.scep payload outside an enrollment profile (InstallProfile). */
    public static ScepPayload scepPayload(NSDictionary payload) throws InvalidProfileException {
        try {
            return scep(new PlistFields("com.apple.security.scep payload", payload));
        } catch (PlistFields.FieldException e) {
            throw new InvalidProfileException(e.getMessage());
        }
    }

    /** Reads the certificate of a com.apple.security.root, pkcs1 or pem payload (InstallProfile). */
    public static X509Certificate certificatePayload(NSDictionary payload, String payloadType) throws InvalidProfileException {
        try {
            return certificate(new PlistFields(payloadType + " payload", payload), payloadType);
        } catch (PlistFields.FieldException e) {
            throw new InvalidProfileException(e.getMessage());
        }
    }

    private static X509Certificate certificate(PlistFields p, String payloadType) {
        byte[] bytes = p.optionalData("PayloadContent");
        if (bytes == null) {
            throw p.invalid("PayloadContent is missing (expected: the certificate)");
        }
        try {
            String text = new String(bytes, StandardCharsets.US_ASCII);
            return text.contains("-----BEGIN CERTIFICATE-----") ? Pem.certificate(text) : Certificates.fromDer(bytes);
        } catch (RuntimeException e) {
            throw p.invalid("PayloadContent is not a certificate (" + e.getMessage() + ")");
        }
    }

    private static MdmPayload mdm(PlistFields p) throws InvalidProfileException {
        String identity = p.string("IdentityCertificateUUID");
        String topic = p.string("Topic");
        if (topic.isBlank()) {
            throw new InvalidProfileException("com.apple.mdm Topic is blank (expected: com.apple.mgmt.…)");
        }
        URI serverUrl = CloudConfiguration.url(p, "ServerURL");
        if (serverUrl == null) {
            throw new InvalidProfileException("com.apple.mdm ServerURL is missing (expected: the MDM's command URL)");
        }
        URI checkInUrl = CloudConfiguration.url(p, "CheckInURL");
        long rights = p.integer("AccessRights", 0);
        if (rights <= 0 || rights > 8191) {
            throw new InvalidProfileException("com.apple.mdm AccessRights is " + rights + " (expected: 1..8191)");
        }
        if ((rights & 2) != 0 && (rights & 1) == 0) {
            throw new InvalidProfileException("com.apple.mdm AccessRights " + rights
                    + " grants install/remove profiles (2) without inspect profiles (1)");
        }
        if ((rights & 128) != 0 && (rights & 64) == 0) {
            throw new InvalidProfileException("com.apple.mdm AccessRights " + rights
                    + " grants install/remove provisioning profiles (128) without inspect them (64)");
        }
        return new MdmPayload(identity, topic, serverUrl, checkInUrl == null ? serverUrl : checkInUrl,
                p.bool("SignMessage", false), rights, p.bool("CheckOutWhenRemoved", false),
                p.stringArray("ServerCapabilities"));
    }

    private static ScepPayload scep(PlistFields outer) throws InvalidProfileException {
        NSDictionary inner = outer.optionalDictionary("PayloadContent");
        if (inner == null) {
            throw new InvalidProfileException("com.apple.security.scep PayloadContent is missing (expected: a dictionary"
                    + " with URL, Subject, Challenge...)");
        }
        PlistFields p = new PlistFields("com.apple.security.scep PayloadContent", inner);
        URI url = CloudConfiguration.url(p, "URL");
        if (url == null) {
            throw new InvalidProfileException("com.apple.security.scep URL is missing (expected: the SCEP server URL)");
        }
        String keyType = p.optionalString("Key Type");
        if (keyType != null && !keyType.equals("RSA")) {
            throw new InvalidProfileException("com.apple.security.scep Key Type is " + keyType + " (expected: RSA)");
        }
        long keysize = p.integer("Keysize", 1024);
        if (keysize != 1024 && keysize != 2048 && keysize != 4096) {
            throw new InvalidProfileException("com.apple.security.scep Keysize is " + keysize
                    + " (expected: 1024, 2048 or 4096)");
        }
        long retries = p.integer("Retries", 3);
        long retryDelay = p.integer("RetryDelay", 10);
        if (retries < 0 || retryDelay < 0) {
            throw new InvalidProfileException("com.apple.security.scep Retries " + retries + ", RetryDelay "
                    + retryDelay + " (expected: >= 0)");
        }
        return new ScepPayload(outer.string("PayloadUUID"), url, p.optionalString("Name"), subject(p),
                p.optionalString("Challenge"), (int) keysize, (int) p.integer("Key Usage", 0), (int) retries,
                Duration.ofSeconds(retryDelay), p.optionalData("CAFingerprint"));
    }

    /** Subject [[["CN","x"]],[["O","y"]]] as an RFC 2253 DN; "" when absent. */
    static String subject(PlistFields p) throws InvalidProfileException {
        List<NSObject> rdns = p.array("Subject");
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        for (int i = 0; i < rdns.size(); i++) {
            if (!(rdns.get(i) instanceof NSArray rdn)) {
                throw new InvalidProfileException("com.apple.security.scep Subject[" + i
                        + "] is not an array (expected: [[\"CN\", \"name\"]])");
            }
            for (NSObject ava : rdn.getArray()) {
                if (!(ava instanceof NSArray pair) || pair.count() != 2
                        || !(pair.objectAtIndex(0) instanceof NSString t)
                        || !(pair.objectAtIndex(1) instanceof NSString v)) {
                    throw new InvalidProfileException("com.apple.security.scep Subject[" + i
                            + "] holds something other than [type, value] string pairs");
                }
                b.addRDN(oid(t.getContent()), v.getContent());
            }
        }
        return rdns.isEmpty() ? "" : b.build().toString();
    }

    private static ASN1ObjectIdentifier oid(String type) throws InvalidProfileException {
        if (type.matches("\\d+(\\.\\d+)+")) {
            return new ASN1ObjectIdentifier(type);
        }
        try {
            return BCStyle.INSTANCE.attrNameToOID(type.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidProfileException("com.apple.security.scep Subject type " + type
                    + " is unknown (expected: CN, O, OU, C, L, ST, ... or a dotted OID)");
        }
    }
}
