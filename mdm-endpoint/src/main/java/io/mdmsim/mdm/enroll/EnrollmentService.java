package io.mdmsim.mdm.enroll;

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
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.events.EventLog;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.model.DeviceError;
import io.mdmsim.mdm.model.Ids;
import io.mdmsim.mdm.model.MachineInfo;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * ADE enrollment (Apple's "MachineInfo"): verifies the CMS-signed MachineInfo against the trusted device CAs, applies
 * the enrollment policy (minimum OS), and renders the enrollment profile with a fresh one-time SCEP challenge,
 * CMS-signed when configured. OTA enrollment gets the same profile with a challenge not bound to a device.
 */
public final class EnrollmentService {

    private static final System.Logger LOG = System.getLogger(EnrollmentService.class.getName());

    static final List<String> REQUIRED_MACHINE_INFO_KEYS = List.of("UDID", "SERIAL", "PRODUCT", "VERSION");
    static final List<String> SERVER_CAPABILITIES = List.of("com.apple.mdm.per-user-connections",
            "com.apple.mdm.bootstraptoken", "com.apple.mdm.token");
    /** All access rights of the com.apple.mdm payload (ADM com.apple.mdm.yaml AccessRights). */
    static final int ALL_ACCESS_RIGHTS = 8191;

    private final SimClock clock;
    private final List<X509Certificate> trustedDeviceCas;
    private final X509Certificate scepRoot;
    private final ChallengeStore challenges;
    private final Ids ids;
    private final Supplier<URI> publicBase;
    private final String topic;
    private final String organization;
    private final X509Certificate tlsRoot;
    private final Identity profileSigner;
    private final boolean signMessage;
    private final String minimumOsVersion;
    private final String minimumBuildVersion;
    private final EventLog events;

    /**
     * @param scepRoot the root the SCEP CA chains to (the CA itself when self-signed), installed by the profile's trust
     *     payload: a device trusts the root, and GetCACert sends the CA with its chain up to it
     * @param tlsRoot the root the HTTPS certificate chains to, installed by a second trust payload when it is another
     *     root (null: HTTP)
     */
    public EnrollmentService(MdmConfig config, X509Certificate scepRoot, X509Certificate tlsRoot,
            ChallengeStore challenges, Ids ids, Supplier<URI> publicBase, EventLog events) {
        this.clock = config.clock();
        this.trustedDeviceCas = config.trustedDeviceCas();
        this.scepRoot = requireNonNull(scepRoot, "scepRoot");
        this.tlsRoot = tlsRoot;
        this.challenges = requireNonNull(challenges, "challenges");
        this.ids = requireNonNull(ids, "ids");
        this.publicBase = requireNonNull(publicBase, "publicBase");
        this.topic = config.topic();
        this.organization = config.organization();
        this.profileSigner = config.profileSigner();
        this.signMessage = config.signMessage();
        this.minimumOsVersion = config.minimumOsVersion();
        this.minimumBuildVersion = config.minimumBuildVersion();
        this.events = requireNonNull(events, "events");
    }

    /**
     * Checks the signature and the signer's chain, then the plist.
     *
     * @throws CmsException (400) if the body is not a valid CMS SignedData with attached content
     * @throws EnrollmentRefusedException (403) if the signer does not chain to a trusted device CA
     * @throws PlistException or BadInputException (400) for a bad or incomplete plist
     */
    public MachineInfo verifyMachineInfo(byte[] body) {
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
        } catch (PkiException e) {
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
        boolean canUpdate = dict.get("MDM_CAN_REQUEST_SOFTWARE_UPDATE") instanceof com.dd.plist.NSNumber n
                && n.isBoolean() && n.boolValue();
        requireSignerIsTheDevice(signed.signer(), str(dict, "UDID"), str(dict, "SERIAL"));
        MachineInfo info = new MachineInfo(str(dict, "UDID"), str(dict, "SERIAL"), str(dict, "PRODUCT"),
                str(dict, "VERSION"), str(dict, "OS_VERSION"), str(dict, "IMEI"), str(dict, "MEID"),
                str(dict, "LANGUAGE"), canUpdate, signed.content());
        LOG.log(System.Logger.Level.DEBUG, "MachineInfo from {0} (serial {1}, {2})", info.udid(), info.serial(),
                info.product());
        return info;
    }

    /**
     * A device certificate speaks only for its own device: its subject CN is the UDID, and a serialNumber in its
     * subject (the fake Apple device CA writes one) is the serial. Otherwise any device could ask for another's
     * enrollment profile, and the SCEP challenge minted for that UDID.
     */
    private static void requireSignerIsTheDevice(X509Certificate signer, String udid, String serial) {
        String cn = Certificates.commonName(signer);
        if (!cn.equals(udid)) {
            throw new EnrollmentRefusedException("MachineInfo for UDID " + udid + " is signed by the device certificate"
                    + " of " + cn + " (expected: a MachineInfo signed by the device it describes, CN = its UDID)");
        }
        String certSerial = Certificates.subjectSerialNumber(signer);
        if (certSerial != null && !certSerial.equals(serial)) {
            throw new EnrollmentRefusedException("MachineInfo names serial " + serial + " but is signed by the device"
                    + " certificate of serial " + certSerial + " (expected: the serial of the device that signs)");
        }
    }

    /**
     * The {@code x-apple-aspen-deviceinfo} header of the web-view flow (Apple's "Authenticating through web views"):
     * base64 of the same CMS-signed MachineInfo a device POSTs.
     */
    public MachineInfo verifyDeviceInfoHeader(String header) {
        byte[] der;
        try {
            der = java.util.Base64.getDecoder().decode(header.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("x-apple-aspen-deviceinfo is not base64: " + e.getMessage()
                    + " (expected: base64 of the CMS-signed MachineInfo)");
        }
        if (der.length == 0) {
            throw new BadInputException("x-apple-aspen-deviceinfo is empty (expected: base64 of the CMS-signed"
                    + " MachineInfo)");
        }
        return verifyMachineInfo(der);
    }

    /**
     * The enrollment policy: a device below the minimum OS version is told to update (403
     * com.apple.softwareupdate.required) when its MachineInfo says it can, and refused otherwise.
     */
    public void checkPolicy(MachineInfo info) {
        if (minimumOsVersion == null) {
            return;
        }
        String os = info.osVersion();
        if (os != null && compareVersions(os, minimumOsVersion) >= 0) {
            return;
        }
        String why = "OS " + (os == null ? "(OS_VERSION not sent, so older than 17)" : os) + " of " + info.udid()
                + " is below the minimum " + minimumOsVersion;
        if (info.canRequestSoftwareUpdate()) {
            throw new EnrollmentRefusedException(DeviceError.softwareUpdateRequired(minimumOsVersion,
                    minimumBuildVersion, why));
        }
        throw new EnrollmentRefusedException(why + ", and the device cannot update during enrollment"
                + " (MachineInfo MDM_CAN_REQUEST_SOFTWARE_UPDATE is not true)");
    }

    private volatile io.mdmsim.mdm.policy.PolicyService policy;

    /** The enrollment policy (device type restrictions, corporate identifiers, licences, VPP); null: none. */
    public void policy(io.mdmsim.mdm.policy.PolicyService policy) {
        this.policy = policy;
    }

    /**
     * The enrollment policy's rules for a verified MachineInfo (POST: {@code webView} false; the web view's GET:
     * true), after the minimum OS.
     */
    public void checkPolicy(MachineInfo info, boolean webView, String userAgent) {
        checkPolicy(info);
        check(new io.mdmsim.mdm.policy.PolicyService.EnrollmentRequest(webView
                ? io.mdmsim.mdm.policy.PolicyService.Channel.WEB_VIEW : io.mdmsim.mdm.policy.PolicyService.Channel.ADE,
                info.udid(), info.serial(), info.imei(), info.product(), userAgent));
    }

    /** The enrollment policy's rules for an over-the-air profile download (optional ?serial= and ?imei=). */
    public void checkOta(String userAgent, String serial, String imei) {
        check(new io.mdmsim.mdm.policy.PolicyService.EnrollmentRequest(
                io.mdmsim.mdm.policy.PolicyService.Channel.OTA, null, serial, imei, null, userAgent));
    }

    private void check(io.mdmsim.mdm.policy.PolicyService.EnrollmentRequest request) {
        io.mdmsim.mdm.policy.PolicyService p = policy;
        if (p != null) {
            p.checkEnrollment(request).ifPresent(e -> {
                throw new EnrollmentRefusedException(e);
            });
        }
    }

    /** Numeric comparison of dotted versions; a supplemental suffix such as " (a)" is ignored. */
    public static int compareVersions(String a, String b) {
        int[] x = versionParts(a);
        int[] y = versionParts(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int[] versionParts(String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[0-9]+(\\.[0-9]+)*").matcher(v.trim());
        if (!m.find()) {
            return new int[] {0};
        }
        return java.util.Arrays.stream(m.group().split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The enrollment profile for a verified device: its SCEP challenge is bound to its UDID. */
    public byte[] profileFor(MachineInfo info) {
        byte[] body = render(profile(info.udid(), challenges.mint(info.udid())));
        events.emit("enroll", info.udid(), "serialNumber", info.serial(), "product", info.product(),
                "osVersion", info.osVersion(), "ota", false, "signed", profileSigner != null);
        return body;
    }

    /** The OTA enrollment profile: the challenge is good for any one device. */
    public byte[] otaProfile() {
        byte[] body = render(profile(null, challenges.mint(null)));
        events.emit("enroll", null, "ota", true, "signed", profileSigner != null);
        return body;
    }

    /** A refusal, as an event. */
    public void refused(MachineInfo info, EnrollmentRefusedException e) {
        events.emit("enroll", info == null ? null : info.udid(), "refused", e.error().code(), "reason", e.getMessage());
    }

    private byte[] render(NSDictionary profile) {
        byte[] xml = Plist.toXml(profile);
        return profileSigner == null ? xml : Cms.signAttached(xml, profileSigner);
    }

    NSDictionary profile(String udid, String challenge) {
        String base = publicBase.get().toString();
        String scepUuid = ids.uuid();

        List<NSObject> payloads = new ArrayList<>();
        NSDictionary root = payload("com.apple.security.root", "io.mdmsim.mdm.enrollment.ca", ids.uuid());
        root.put("PayloadDisplayName", organization + " root CA");
        root.put("PayloadCertificateFileName", "root-ca.cer");
        root.put("PayloadContent", new NSData(Certificates.der(scepRoot)));
        payloads.add(root);
        if (tlsRoot != null && !tlsRoot.equals(scepRoot)) {
            NSDictionary tls = payload("com.apple.security.root", "io.mdmsim.mdm.enrollment.tls-root", ids.uuid());
            tls.put("PayloadDisplayName", organization + " server trust");
            tls.put("PayloadCertificateFileName", "tls-root.cer");
            tls.put("PayloadContent", new NSData(Certificates.der(tlsRoot)));
            payloads.add(tls);
        }

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
        mdm.put("SignMessage", signMessage);
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
        payloads.add(scep);
        payloads.add(mdm);
        top.put("PayloadContent", new NSArray(payloads.toArray(NSObject[]::new)));
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
