package io.mdmsim.abm.dep;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code skip_setup_items} values a profile may carry (PROTOCOL.md §10). Apple does not document what its service
 * answers for an unknown one; the fake refuses it with {@code SKIP_SETUP_ITEM_INVALID}, the code
 * deploymenttheory/go-apple-dm's profile validation uses ({@code appleplatformservices/dep/errors.go}), so an MDM
 * misspelling a pane finds out.
 */
final class SkipKeys {

    /** Every key of ADM {@code other/skipkeys.yaml} (apple/device-management at b6202ca); a test keeps them in step. */
    static final List<String> ADM = List.of("Accessibility", "ActionButton", "Android", "Appearance", "AppleID",
            "AppStore", "Biometric", "CameraButton", "DeviceToDeviceMigration", "Diagnostics", "DisplayTone",
            "EnableLockdownMode", "FileVault", "HomeButtonSensitivity", "iCloudDiagnostics", "iCloudStorage",
            "iMessageAndFaceTime", "Intelligence", "Keyboard", "Location", "MessagingActivationUsingPhoneNumber",
            "OnBoarding", "Passcode", "Payment", "Privacy", "Restore", "RestoreCompleted", "ScreenSaver", "Safety",
            "ScreenTime", "SIMSetup", "Siri", "SoftwareUpdate", "SpokenLanguage", "TapToSetup", "TermsOfAddress", "TOS",
            "TVHomeScreenSync", "TVProviderSignIn", "TVRoom", "UpdateCompleted", "Wallpaper", "WatchMigration",
            "Welcome", "Zoom");

    /** Keys of later ADM releases than the vendored one, which current MDM servers already send. */
    static final List<String> NEWER = List.of("WebContentFiltering", "SafetyAndHandling", "Multitasking",
            "OSShowcase", "AdditionalPrivacySettings", "Tips", "AccessibilityAppearance", "DeviceFeaturesTour",
            "LiquidGlass");

    /** Retired keys still seen in the wild (PROTOCOL.md §10). */
    static final List<String> LEGACY = List.of("IntendedUser", "CloudStorage", "PreferredLanguage", "Registration");

    static final String INVALID = "SKIP_SETUP_ITEM_INVALID";

    private static final Set<String> KNOWN = new LinkedHashSet<>();

    static {
        KNOWN.addAll(ADM);
        KNOWN.addAll(NEWER);
        KNOWN.addAll(LEGACY);
    }

    private SkipKeys() {
    }

    static boolean isKnown(String key) {
        return KNOWN.contains(key);
    }
}
