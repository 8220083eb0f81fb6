package io.mdmsim.device.model;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.pki.Certificates;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cloud configuration ("activation record") a device fetched from Apple, docs/fake-abm.md "Cloud configuration".
 *
 * @param configurationUrl      where to POST MachineInfo; null if the record has none
 * @param configurationWebUrl   web-view enrollment URL (Apple's "Authenticating through web views"); null if none
 * @param awaitDeviceConfigured the raw record value; see {@link #awaitsConfiguration(int)}
 * @param anchorCertificates    parsed once per distinct certificate and shared by the devices that got it (a fleet's
 *                              records carry the same few anchors; a parsed certificate is 5-6 KiB)
 */
public record CloudConfiguration(URI configurationUrl, URI configurationWebUrl, boolean isSupervised,
                                 boolean isMandatory, boolean isMdmUnremovable, boolean awaitDeviceConfigured,
                                 boolean isMultiUser, List<String> skipSetup, List<X509Certificate> anchorCertificates,
                                 String organizationName) {

    public CloudConfiguration {
        requireNonNull(skipSetup, "skipSetup");
        requireNonNull(anchorCertificates, "anchorCertificates");
        skipSetup = List.copyOf(skipSetup);
        anchorCertificates = List.copyOf(anchorCertificates);
    }

    /** Reads a record; {@link PlistFields.FieldException} says which key is wrong. */
    public static CloudConfiguration parse(NSDictionary record) {
        PlistFields f = new PlistFields("cloud configuration", record);
        List<X509Certificate> anchors = new ArrayList<>();
        List<byte[]> ders = f.dataArray("AnchorCertificates");
        for (int i = 0; i < ders.size(); i++) {
            try {
                anchors.add(sharedAnchor(ders.get(i)));
            } catch (RuntimeException e) {
                throw f.invalid("AnchorCertificates[" + i + "] is not a DER certificate (" + e.getMessage() + ")");
            }
        }
        return new CloudConfiguration(url(f, "ConfigurationURL"), url(f, "ConfigurationWebURL"),
                f.bool("IsSupervised", false), f.bool("IsMandatory", false), f.bool("IsMDMUnremovable", false),
                f.bool("AwaitDeviceConfigured", false), f.bool("IsMultiUser", false), f.stringArray("SkipSetup"),
                anchors, f.optionalString("OrganizationName"));
    }

    /** Distinct anchors kept parsed for the fleet; past this many, each record parses its own. */
    private static final int SHARED_ANCHORS = 64;
    private static final Map<ByteBuffer, X509Certificate> ANCHORS = new ConcurrentHashMap<>();

    private static X509Certificate sharedAnchor(byte[] der) {
        ByteBuffer key = ByteBuffer.wrap(der);
        X509Certificate known = ANCHORS.get(key);
        if (known != null) {
            return known;
        }
        X509Certificate parsed = Certificates.fromDer(der);
        if (ANCHORS.size() < SHARED_ANCHORS) {
            X509Certificate first = ANCHORS.putIfAbsent(key, parsed);
            return first != null ? first : parsed;
        }
        return parsed;
    }

    /** Devices on iOS 13 and later are always supervised under ADE (seeds; Apple's Profile documentation). */
    public boolean supervised(int osMajor) {
        return isSupervised || osMajor >= 13;
    }

    /** Not supervised means AwaitDeviceConfigured is ignored (docs/fake-abm.md "Cloud configuration"). */
    public boolean awaitsConfiguration(int osMajor) {
        return awaitDeviceConfigured && supervised(osMajor);
    }

    static URI url(PlistFields f, String key) {
        String s = f.optionalString(key);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(s);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                throw f.invalid(key + " is " + s + " (expected: an absolute http or https URL)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw f.invalid(key + " is " + s + " (expected: a URL; " + e.getReason() + ")");
        }
    }
}
