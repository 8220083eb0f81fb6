package io.mdmsim.mdm.management;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration profile of Just in Time Registration: one Extensible SSO payload (ADM
 * mdm/profiles/com.apple.extensiblesso.yaml, iOS 13+, no supervision needed) for the Microsoft Enterprise SSO plug-in
 * with device registration, the payload Intune's JIT device configuration policy carries.
 */
public final class JitSso {

    public static final String IDENTIFIER = "io.mdmsim.jit-registration";
    public static final String PAYLOAD_TYPE = "com.apple.extensiblesso";
    public static final String EXTENSION = "com.microsoft.azureauthenticator.ssoextension";
    static final List<String> URLS = List.of("https://login.microsoftonline.com", "https://login.microsoft.com",
            "https://sts.windows.net");

    private JitSso() {
    }

    /** The profile as an XML plist. */
    public static byte[] profile(String profileUuid, String payloadUuid) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("device_registration", "{{DEVICEREGISTRATION}}");
        data.put("browser_sso_interaction_enabled", 1);
        Map<String, Object> sso = ConfigurationProfiles.payload(PAYLOAD_TYPE, IDENTIFIER + ".sso", payloadUuid,
                "Microsoft Enterprise SSO (JIT registration)");
        sso.put("ExtensionIdentifier", EXTENSION);
        sso.put("Type", "Redirect");
        sso.put("URLs", URLS);
        sso.put("ExtensionData", data);
        return ConfigurationProfiles.xml(IDENTIFIER, profileUuid, "Just in Time Registration", List.of(sso));
    }
}
