package io.mdmsim.mdm;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.CmsException;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.time.SimClock;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * ADE enrollment (PROTOCOL.md §3–4): verifies the CMS-signed MachineInfo against the trusted device CAs and renders
 * the enrollment profile with a fresh one-time SCEP challenge. OTA enrollment gets the same profile with a challenge
 * not bound to a device.
 */
final class EnrollmentService {

    private static final System.Logger LOG = System.getLogger(EnrollmentService.class.getName());

    static final List<String> REQUIRED_MACHINE_INFO_KEYS = List.of("UDID", "SERIAL", "PRODUCT", "VERSION");
    static final List<String> SERVER_CAPABILITIES = List.of("com.apple.mdm.per-user-connections",
            "com.apple.mdm.bootstraptoken");
    /** All access rights of the com.apple.mdm payload (ADM com.apple.mdm.yaml AccessRights). */
    static final int ALL_ACCESS_RIGHTS = 8191;

    private final SimClock clock;
    private final List<X509Certificate> trustedDeviceCas;
    private final X509Certificate scepCaCertificate;
    private final ChallengeStore challenges;
    private final Ids ids;
    private final Supplier<URI> publicBase;
    private final String topic;
    private final String organization;

    EnrollmentService(SimClock clock, List<X509Certificate> trustedDeviceCas, X509Certificate scepCaCertificate,
            ChallengeStore challenges, Ids ids, Supplier<URI> publicBase, String topic, String organization) {
        this.clock = requireNonNull(clock, "clock");
        this.trustedDeviceCas = List.copyOf(trustedDeviceCas);
        this.scepCaCertificate = requireNonNull(scepCaCertificate, "scepCaCertificate");
        this.challenges = requireNonNull(challenges, "challenges");
        this.ids = requireNonNull(ids, "ids");
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.topic = requireNonNull(topic, "topic");
        this.organization = requireNonNull(organization, "organization");
    }

    /**
     * Checks the signature and the signer's chain, then the plist.
     *
     * @throws CmsException (400) if the body is not a valid CMS SignedData with attached content
     * @throws EnrollmentRefusedException (403) if the signer does not chain to a trusted device CA
     * @throws PlistException or BadInputException (400) for a bad or incomplete plist
     */
    MachineInfo verifyMachineInfo(byte[] body) {
        if (body == null || body.length == 0) {
            throw new BadInputException("empty body (expected: a CMS SignedData of a MachineInfo plist, "
                    + "as a device POSTs to its ADE configuration URL)");
        }
        SignedContent signed = Cms.verifyAttached(body, "MachineInfo signature");
        if (trustedDeviceCas.isEmpty()) {
            throw new EnrollmentRefusedException("MachineInfo signer " + subject(signed.signer())
                    + " is not trusted: this server trusts no device CA (configure trustedDeviceCas)");
        }
        try {
            CertificateChains.verify(signed.signer(), signed.intermediates(), trustedDeviceCas, clock.now());
        } catch (CmsException e) {
            throw new EnrollmentRefusedException("MachineInfo signer " + subject(signed.signer())
                    + " is not trusted: " + e.getMessage());
        }
        NSDictionary dict = Plist.parseDictionary(signed.content());
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED_MACHINE_INFO_KEYS) {
            if (!(dict.get(key) instanceof NSString s) || s.getContent().isBlank()) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException("MachineInfo lacks required key(s) " + String.join(", ", missing)
                    + " (expected strings: " + String.join(", ", REQUIRED_MACHINE_INFO_KEYS) + "; ADM other/machineinfo.yaml)");
        }
        MachineInfo info = new MachineInfo(str(dict, "UDID"), str(dict, "SERIAL"), str(dict, "PRODUCT"),
                str(dict, "VERSION"), str(dict, "OS_VERSION"), str(dict, "IMEI"), str(dict, "MEID"),
                str(dict, "LANGUAGE"), signed.content());
        LOG.log(System.Logger.Level.DEBUG, "MachineInfo from {0} (serial {1}, {2})", info.udid(), info.serial(),
                info.product());
        return info;
    }

    /** The enrollment profile for a verified device: its SCEP challenge is bound to its UDID. */
    byte[] profileFor(MachineInfo info) {
        return Plist.toXml(profile(info.udid(), challenges.mint(info.udid())));
    }

    /** The OTA enrollment profile: the challenge is good for any one device. */
    byte[] otaProfile() {
        return Plist.toXml(profile(null, challenges.mint(null)));
    }

    NSDictionary profile(String udid, String challenge) {
        String base = publicBase.get().toString();
        String scepUuid = ids.uuid();

        NSDictionary root = payload("com.apple.security.root", "io.mdmsim.mdm.enrollment.ca", ids.uuid());
        root.put("PayloadDisplayName", organization + " SCEP CA");
        root.put("PayloadCertificateFileName", "scep-ca.cer");
        root.put("PayloadContent", new NSData(Certificates.der(scepCaCertificate)));

        NSDictionary scepContent = new NSDictionary();
        scepContent.put("URL", base + "/scep");
        scepContent.put("Name", organization);
        String cn = udid != null ? udid : "mdmsim-device";
        scepContent.put("Subject", new NSArray(new NSArray(new NSArray(new NSString("CN"), new NSString(cn)))));
        scepContent.put("Challenge", challenge);
        scepContent.put("Keysize", 2048);
        scepContent.put("Key Type", "RSA");
        scepContent.put("Key Usage", 5);
        scepContent.put("Retries", 3);
        scepContent.put("RetryDelay", 10);
        NSDictionary scep = payload("com.apple.security.scep", "io.mdmsim.mdm.enrollment.scep", scepUuid);
        scep.put("PayloadDisplayName", "Device identity (SCEP)");
        scep.put("PayloadContent", scepContent);

        NSDictionary mdm = payload("com.apple.mdm", "io.mdmsim.mdm.enrollment.mdm", ids.uuid());
        mdm.put("PayloadDisplayName", "Device management");
        mdm.put("IdentityCertificateUUID", scepUuid);
        mdm.put("Topic", topic);
        mdm.put("ServerURL", base + "/mdm/connect");
        mdm.put("CheckInURL", base + "/mdm/checkin");
        mdm.put("SignMessage", true);
        mdm.put("AccessRights", ALL_ACCESS_RIGHTS);
        mdm.put("CheckOutWhenRemoved", true);
        NSObject[] caps = SERVER_CAPABILITIES.stream().map(NSString::new).toArray(NSObject[]::new);
        mdm.put("ServerCapabilities", new NSArray(caps));

        NSDictionary top = new NSDictionary();
        top.put("PayloadType", "Configuration");
        top.put("PayloadVersion", 1);
        top.put("PayloadIdentifier", "io.mdmsim.mdm.enrollment");
        top.put("PayloadUUID", ids.uuid());
        top.put("PayloadDisplayName", organization + " MDM enrollment");
        top.put("PayloadOrganization", organization);
        top.put("PayloadDescription", "Enrolls this device in the mdmsim reference MDM server.");
        top.put("PayloadContent", new NSArray(root, scep, mdm));
        return top;
    }

    private static NSDictionary payload(String type, String identifier, String uuid) {
        NSDictionary d = new NSDictionary();
        d.put("PayloadType", type);
        d.put("PayloadVersion", 1);
        d.put("PayloadIdentifier", identifier);
        d.put("PayloadUUID", uuid);
        return d;
    }

    private static String str(NSDictionary d, String key) {
        return d.get(key) instanceof NSString s ? s.getContent() : null;
    }

    private static String subject(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "'";
    }
}
