package io.mdmsim.mdm.management;

import io.mdmsim.core.plist.Plist;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Configuration profiles the reference MDM installs (ADM mdm/profiles/TopLevel.yaml and CommonPayloadKeys.yaml). */
public final class ConfigurationProfiles {

    private ConfigurationProfiles() {
    }

    /** A payload with its common keys (version 1); the caller adds the payload's own keys. */
    public static Map<String, Object> payload(String type, String identifier, String uuid, String displayName) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("PayloadType", type);
        p.put("PayloadVersion", 1);
        p.put("PayloadIdentifier", identifier);
        p.put("PayloadUUID", uuid);
        p.put("PayloadDisplayName", displayName);
        return p;
    }

    /** A Configuration profile holding these payloads, as an XML plist. */
    public static byte[] xml(String identifier, String uuid, String displayName, List<Map<String, Object>> payloads) {
        Map<String, Object> profile = payload("Configuration", identifier, uuid, displayName);
        profile.put("PayloadContent", payloads);
        return Plist.toXml(Plist.wrap(profile));
    }
}
