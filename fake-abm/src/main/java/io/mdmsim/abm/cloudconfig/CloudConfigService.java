package io.mdmsim.abm.cloudconfig;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.state.AbmProfile;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.CertificateChains;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.PkiException;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * The cloud configuration an activating device fetches (docs/fake-abm.md "Cloud configuration"; Apple does not document
 * it, so the transport is ours): the device sends its identity (serial, UDID, product) as a plist signed with its
 * Apple-issued certificate; ABM answers with the record made from the ADE profile assigned to that serial, and marks
 * the profile pushed.
 */
public final class CloudConfigService {

    private static final System.Logger LOG = System.getLogger(CloudConfigService.class.getName());

    static final String REQUEST_CONTENT_TYPE = "application/pkcs7-signature";

    /** A refusal with a status and a readable reason. */
    public static final class Refusal extends RuntimeException {
        private final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final FakeAbmConfig config;
    private final AbmState state;

    public CloudConfigService(FakeAbmConfig config, AbmState state) {
        this.config = requireNonNull(config, "config");
        this.state = requireNonNull(state, "state");
    }

    /** The XML plist cloud configuration record for a signed request body. */
    public byte[] cloudConfiguration(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith(REQUEST_CONTENT_TYPE)) {
            throw new Refusal(415, "Content-Type: " + contentType + " (expected: " + REQUEST_CONTENT_TYPE + ")");
        }
        if (body == null || body.length == 0) {
            throw new Refusal(400, "empty body (expected: a CMS SignedData with the device's request plist attached)");
        }
        SignedContent signed;
        try {
            signed = Cms.verifyAttached(body, "cloud configuration request signature");
        } catch (PkiException e) {
            throw new Refusal(400, e.getMessage());
        }
        try {
            CertificateChains.verify(signed.signer(), signed.certificates(), List.of(config.appleDeviceCa()), state.now());
        } catch (PkiException e) {
            throw new Refusal(403, "device certificate not trusted: " + e.getMessage()
                    + " (expected: issued by the fake Apple device CA " + config.appleDeviceCa().getSubjectX500Principal() + ")");
        }
        NSDictionary request;
        try {
            request = Plist.parseDictionary(signed.content());
        } catch (PlistException e) {
            throw new Refusal(400, "signed content is not a plist dictionary: " + e.getMessage());
        }
        String serial = string(request, "SerialNumber");
        if (serial == null || serial.isBlank()) {
            throw new Refusal(400, "SerialNumber missing from the request plist (expected keys: SerialNumber, UDID,"
                    + " ProductType, OSVersion, BuildVersion)");
        }
        requireSignerIsTheDevice(signed.signer(), serial, string(request, "UDID"));
        AbmState.CloudConfigGrant grant = state.pushProfile(serial);
        if (grant == null) {
            throw new Refusal(404, "serial " + serial + " is not in the inventory of any organization");
        }
        if (grant.profile() == null) {
            throw new Refusal(404, "serial " + serial + " is not assigned to an MDM server with an enrollment profile");
        }
        String productType = string(request, "ProductType");
        if (productType != null && !productType.equals(grant.device().device().productType())) {
            LOG.log(System.Logger.Level.WARNING, "cloud configuration for {0}: device says ProductType {1}, inventory has {2}",
                    serial, productType, grant.device().device().productType());
        }
        return Plist.toXml(record(grant.profile(), grant.organization()));
    }

    /**
     * A device certificate speaks only for its own device: the fake Apple factory writes the serial into its subject
     * (serialNumber) and the UDID as its CN. Otherwise any device could read any serial's configuration and mark its
     * profile pushed.
     */
    private static void requireSignerIsTheDevice(X509Certificate signer, String serial, String udid) {
        String certSerial = Certificates.subjectSerialNumber(signer);
        if (certSerial == null) {
            throw new Refusal(403, "device certificate " + Certificates.name(signer) + " names no serial number"
                    + " (expected: serialNumber=" + serial + " in its subject, as the fake Apple device CA issues)");
        }
        if (!certSerial.equals(serial)) {
            throw new Refusal(403, "the device certificate of serial " + certSerial + " asked for the configuration"
                    + " of serial " + serial + " (expected: a device asks for its own)");
        }
        String cn = Certificates.commonName(signer);
        if (udid != null && !udid.equals(cn)) {
            throw new Refusal(403, "the request names UDID " + udid + " but is signed by the device certificate of "
                    + cn + " (expected: a device asks for its own)");
        }
    }

    /** Waits an injected latency on the simulated clock. */
    public void delay(java.time.Duration latency) throws InterruptedException {
        config.clock().sleep(latency);
    }

    /** docs/fake-abm.md "Cloud configuration": DEP profile keys to record keys, plus the device's organization. */
    NSDictionary record(AbmProfile p, FakeAbmConfig.Organization org) {
        NSDictionary d = new NSDictionary();
        d.put("ConfigurationURL", p.url());
        if (p.configurationWebUrl() != null) {
            d.put("ConfigurationWebURL", p.configurationWebUrl());
        }
        d.put("IsSupervised", p.isSupervised());
        d.put("AllowPairing", p.allowPairing());
        d.put("IsMandatory", p.isMandatory());
        d.put("IsMDMUnremovable", !p.isMdmRemovable());
        d.put("AwaitDeviceConfigured", p.awaitDeviceConfigured());
        d.put("IsMultiUser", p.isMultiUser());
        d.put("AutoAdvanceSetup", p.autoAdvanceSetup());
        d.put("SkipSetup", new NSArray(p.skipSetupItems().stream().map(NSString::new).toArray(NSObject[]::new)));
        d.put("AnchorCertificates", certificates(p.anchorCerts()));
        if (!p.supervisingHostCerts().isEmpty()) {
            d.put("SupervisorHostCertificates", certificates(p.supervisingHostCerts()));
        }
        putIfPresent(d, "OrganizationMagic", p.orgMagic());
        putIfPresent(d, "OrganizationDepartment", p.department());
        putIfPresent(d, "OrganizationSupportPhone", p.supportPhoneNumber());
        putIfPresent(d, "OrganizationSupportEmail", p.supportEmailAddress());
        putIfPresent(d, "Language", p.language());
        putIfPresent(d, "Region", p.region());
        d.put("OrganizationName", org.name());
        d.put("OrganizationAddress", org.address());
        d.put("OrganizationAddressLine1", org.addressLine1());
        d.put("OrganizationCity", org.city());
        d.put("OrganizationRegion", org.region());
        d.put("OrganizationZipCode", org.zipCode());
        d.put("OrganizationCountry", org.country());
        d.put("OrganizationPhone", org.phone());
        d.put("OrganizationEmail", org.email());
        d.put("MDMProtocolVersion", 1);
        return d;
    }

    private static NSArray certificates(List<String> base64Ders) {
        return new NSArray(base64Ders.stream().map(b -> new NSData(Base64.getMimeDecoder().decode(b))).toArray(NSObject[]::new));
    }

    private static void putIfPresent(NSDictionary d, String key, String value) {
        if (value != null && !value.isEmpty()) {
            d.put(key, value);
        }
    }

    private static String string(NSDictionary d, String key) {
        NSObject o = d.get(key);
        if (o == null) {
            return null;
        }
        if (!(o instanceof NSString s)) {
            throw new Refusal(400, key + " is a " + o.getClass().getSimpleName() + " (expected: a string)");
        }
        return s.getContent();
    }
}
