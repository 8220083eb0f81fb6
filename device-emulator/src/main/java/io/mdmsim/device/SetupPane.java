package io.mdmsim.device;

import io.mdmsim.core.catalog.DeviceCatalog;
import io.mdmsim.core.catalog.SkipKeys.SkipKey;
import io.mdmsim.core.catalog.SkipKeys;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.catalog.DeviceCatalog.Family;
import io.mdmsim.core.catalog.DeviceCatalog.Feature;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The iOS/iPadOS Setup Assistant panes, in the order a device shows them, with the SkipSetup key that hides each
 * (ADM other/skipkeys.yaml) and the OS versions that have it (skipkeys.yaml and the seeds'
 * Setup Assistant screen table). {@link #decide(Context)} says whether a device shows a pane and why not.
 *
 * <p>Rules from the seeds: a Shared iPad skips every pane after activation; on iOS/iPadOS 14.5 and later the
 * Passcode and Touch ID panes do not work (a device never shows them: a passcode must come from a policy after
 * enrollment); direct device-to-device transfer is not offered to ADE devices on iOS 13 and later; a pane whose key is
 * not always skippable (Keyboard, SpokenLanguage, TermsOfAddress) comes before the cloud configuration, so SkipSetup
 * can hide it only when the device already holds the record (after a reboot in Setup Assistant).
 */
public enum SetupPane {

    LANGUAGE(Phase.BEFORE_ACTIVATION, null, "Language", "7.0", Kind.PANE, 6),
    REGION(Phase.BEFORE_ACTIVATION, null, "Country or Region", "7.0", Kind.PANE, 5),
    KEYBOARD(Phase.BEFORE_ACTIVATION, "Keyboard", "Keyboard", "13.0", Kind.PANE, 5),
    SPOKEN_LANGUAGE(Phase.BEFORE_ACTIVATION, "SpokenLanguage", "Dictation", "13.0", Kind.PANE, 4),
    TERMS_OF_ADDRESS(Phase.BEFORE_ACTIVATION, "TermsOfAddress", "Terms of Address", "16.0", Kind.PANE, 5),
    WIFI(Phase.BEFORE_ACTIVATION, null, "Wi-Fi", "7.0", Kind.PANE, 15),

    PRIVACY(Phase.BEFORE_REMOTE_MANAGEMENT, "Privacy", "Data & Privacy", "11.3", Kind.PANE, 5),

    BIOMETRIC(Phase.AFTER_CONFIGURATION, "Biometric", "Touch ID / Face ID", "8.1", Kind.PANE, 30),
    PASSCODE(Phase.AFTER_CONFIGURATION, "Passcode", "Passcode", "7.0", Kind.PANE, 20),
    RESTORE(Phase.AFTER_CONFIGURATION, "Restore", "Apps & Data", "7.0", Kind.PANE, 8),
    ANDROID(Phase.AFTER_CONFIGURATION, "Android", "Move Data from Android (Apps & Data option)", "9.0", Kind.OPTION, 0),
    DEVICE_TO_DEVICE_MIGRATION(Phase.AFTER_CONFIGURATION, "DeviceToDeviceMigration", "Transfer Directly from iPhone (Apps & Data option)", "12.4", Kind.OPTION, 0),
    RESTORE_COMPLETED(Phase.AFTER_CONFIGURATION, "RestoreCompleted", "Restore Completed", "14.0", Kind.PANE, 4),
    APPLE_ID(Phase.AFTER_CONFIGURATION, "AppleID", "Apple ID", "7.0", Kind.PANE, 12),
    TOS(Phase.AFTER_CONFIGURATION, "TOS", "Terms and Conditions", "7.0", Kind.PANE, 8),
    ENABLE_LOCKDOWN_MODE(Phase.AFTER_CONFIGURATION, "EnableLockdownMode", "Lockdown Mode", "17.1", Kind.PANE, 4),
    SOFTWARE_UPDATE(Phase.AFTER_CONFIGURATION, "SoftwareUpdate", "Software Update", "12.0", Kind.PANE, 4),
    UPDATE_COMPLETED(Phase.AFTER_CONFIGURATION, "UpdateCompleted", "Software Update Completed", "14.0", Kind.PANE, 4),
    LOCATION(Phase.AFTER_CONFIGURATION, "Location", "Location Services", "7.0", Kind.PANE, 4),
    SIRI(Phase.AFTER_CONFIGURATION, "Siri", "Siri", "7.0", Kind.PANE, 8),
    SCREEN_TIME(Phase.AFTER_CONFIGURATION, "ScreenTime", "Screen Time", "12.0", Kind.PANE, 4),
    DIAGNOSTICS(Phase.AFTER_CONFIGURATION, "Diagnostics", "App Analytics", "7.0", Kind.PANE, 3),
    DISPLAY_TONE(Phase.AFTER_CONFIGURATION, "DisplayTone", "True Tone Display", "9.3.2", Kind.PANE, 4),
    APPEARANCE(Phase.AFTER_CONFIGURATION, "Appearance", "Appearance", "13.0", Kind.PANE, 4),
    ZOOM(Phase.AFTER_CONFIGURATION, "Zoom", "Display Zoom", "8.3", Kind.PANE, 4),
    HOME_BUTTON_SENSITIVITY(Phase.AFTER_CONFIGURATION, "HomeButtonSensitivity", "Home Button", "10.0", Kind.PANE, 8),
    ON_BOARDING(Phase.AFTER_CONFIGURATION, "OnBoarding", "Onboarding", "11.0", Kind.PANE, 10),
    WATCH_MIGRATION(Phase.AFTER_CONFIGURATION, "WatchMigration", "Watch Migration", "11.0", Kind.PANE, 3),
    IMESSAGE_AND_FACETIME(Phase.AFTER_CONFIGURATION, "iMessageAndFaceTime", "iMessage & FaceTime", "9.0", Kind.PANE, 4),
    MESSAGING_ACTIVATION(Phase.AFTER_CONFIGURATION, "MessagingActivationUsingPhoneNumber", "iMessage activation by phone number (option)", "10.0", Kind.OPTION, 0),
    SIM_SETUP(Phase.AFTER_CONFIGURATION, "SIMSetup", "Cellular Setup", "12.0", Kind.PANE, 10),
    PAYMENT(Phase.AFTER_CONFIGURATION, "Payment", "Apple Pay", "8.1", Kind.PANE, 6),
    APP_STORE(Phase.AFTER_CONFIGURATION, "AppStore", "App Store", "14.3", Kind.PANE, 3),
    SAFETY(Phase.AFTER_CONFIGURATION, "Safety", "Safety", "16.0", Kind.PANE, 4),
    ACTION_BUTTON(Phase.AFTER_CONFIGURATION, "ActionButton", "Action Button", "17.0", Kind.PANE, 6),
    CAMERA_BUTTON(Phase.AFTER_CONFIGURATION, "CameraButton", "Camera Control", "18.0", Kind.PANE, 6),
    INTELLIGENCE(Phase.AFTER_CONFIGURATION, "Intelligence", "Apple Intelligence", "18.0", Kind.PANE, 5),
    WELCOME(Phase.AFTER_CONFIGURATION, "Welcome", "Get Started", "13.0", Kind.PANE, 2);

    /** When a pane comes in Setup Assistant. */
    public enum Phase {
        /** After power-on, before activation and the cloud configuration fetch. */
        BEFORE_ACTIVATION,
        /** After the cloud configuration, before the Remote Management pane. */
        BEFORE_REMOTE_MANAGEMENT,
        /** After enrollment (and DeviceConfigured when the record asks to await it), before the home screen. */
        AFTER_CONFIGURATION
    }

    /** A pane of its own, or an option inside another pane (no time of its own). */
    public enum Kind { PANE, OPTION }

    /** Languages that have Terms of Address (Apple, iOS 16 features). */
    public static final Set<String> TERMS_OF_ADDRESS_LANGUAGES = Set.of("fr", "de", "es", "it", "pt");

    /** The first release where Passcode and Touch ID panes do not work (seeds). */
    public static final String PASSCODE_QUIRK_SINCE = "14.5";

    private final Phase phase;
    private final String skipKey;
    private final String title;
    private final String since;
    private final SkipKey key;
    private final Kind kind;
    private final int medianSeconds;

    /** The key's versions and skippability come from the one skip key table ({@link SkipKeys}). */
    SetupPane(Phase phase, String skipKey, String title, String since, Kind kind, int medianSeconds) {
        this.phase = phase;
        this.skipKey = skipKey;
        this.title = title;
        this.since = since;
        this.key = skipKey == null ? null : SkipKeys.find(skipKey).filter(SkipKey::onIos).orElseThrow(
                () -> new IllegalStateException("pane " + title + ": " + skipKey + " is not an iOS key of SkipKeys"));
        this.kind = kind;
        this.medianSeconds = medianSeconds;
    }

    public Phase phase() {
        return phase;
    }

    /** The SkipSetup key that hides it, null for panes that cannot be hidden (Language, Region, Wi-Fi). */
    public String skipKey() {
        return skipKey;
    }

    public String title() {
        return title;
    }

    /** The first iOS version that shows the pane. */
    public String since() {
        return since;
    }

    /** The first iOS version that honours {@link #skipKey()} (skipkeys.yaml "introduced"), null without a key. */
    public String keySince() {
        return key == null ? null : key.ios();
    }

    /** The iOS version from which the pane is gone (skipkeys.yaml "deprecated"), null if still shown. */
    public String deprecated() {
        return key == null ? null : key.iosDeprecated();
    }

    public Kind kind() {
        return kind;
    }

    /** False for keys skipkeys.yaml marks "always-skippable: false". */
    public boolean alwaysSkippable() {
        return key == null || key.alwaysSkippable();
    }

    /** Median time a user spends on the pane, before the fleet's dwell scale. Zero for options. */
    public Duration medianDwell() {
        return Duration.ofSeconds(medianSeconds);
    }

    public static List<SetupPane> inPhase(Phase phase) {
        requireNonNull(phase, "phase");
        return Arrays.stream(values()).filter(p -> p.phase == phase).toList();
    }

    public static Optional<SetupPane> forSkipKey(String key) {
        return Arrays.stream(values()).filter(p -> p.skipKey != null && p.skipKey.equals(key)).findFirst();
    }

    /**
     * What one device knows when it reaches a pane.
     *
     * @param osVersion        e.g. "17.5"
     * @param family           iPhone or iPad
     * @param features         its hardware
     * @param skipSetup        the record's SkipSetup keys (empty before the record is known)
     * @param cloudConfigKnown whether the device already holds the cloud configuration
     * @param sharedIpad       whether the record made it a Shared iPad
     * @param language         the language chosen on the Language pane, e.g. "en"
     * @param restored         whether the user restored a backup on the Apps &amp; Data pane
     * @param updated          whether a software update was installed in Setup Assistant
     */
    public record Context(String osVersion, Family family, Set<Feature> features, Set<String> skipSetup,
                          boolean cloudConfigKnown, boolean sharedIpad, String language, boolean restored,
                          boolean updated) {
        public Context {
            requireNonNull(osVersion, "osVersion");
            requireNonNull(family, "family");
            features = Set.copyOf(features);
            skipSetup = Set.copyOf(skipSetup);
            requireNonNull(language, "language");
        }

        /** A device that neither restored a backup nor updated in Setup Assistant. */
        public Context(String osVersion, Family family, Set<Feature> features, Set<String> skipSetup,
                       boolean cloudConfigKnown, boolean sharedIpad, String language) {
            this(osVersion, family, features, skipSetup, cloudConfigKnown, sharedIpad, language, false, false);
        }

        /** This context after a restore ({@code restored}) or an update ({@code updated}). */
        public Context with(boolean restored, boolean updated) {
            return new Context(osVersion, family, features, skipSetup, cloudConfigKnown, sharedIpad, language,
                    restored, updated);
        }

        boolean atLeast(String version) {
            return DeviceCatalog.compareVersions(osVersion, version) >= 0;
        }
    }

    /** Whether the device shows this pane, with the reason; the event's dwell is zero (the runner times it). */
    public PaneEvent decide(Context c) {
        requireNonNull(c, "c");
        String os = (c.family() == Family.IPAD && c.atLeast("13.0") ? "iPadOS " : "iOS ") + c.osVersion();
        if (!c.atLeast(since)) {
            return hidden("not in " + os + " (since " + since + ")");
        }
        if (deprecated() != null && c.atLeast(deprecated())) {
            return hidden("gone from " + os + " (deprecated in " + deprecated() + ")");
        }
        if (c.sharedIpad() && phase != Phase.BEFORE_ACTIVATION) {
            return hidden("Shared iPad: every pane after activation is skipped");
        }
        String hardware = hardwareMissing(c);
        if (hardware != null) {
            return hidden(hardware);
        }
        // a key newer than the OS is unknown to the device: the pane shows (iMessageAndFaceTime before 12.0)
        if (skipKey != null && c.skipSetup().contains(skipKey) && c.atLeast(keySince())) {
            if (!alwaysSkippable() && !c.cloudConfigKnown()) {
                return shown("shown although SkipSetup has " + skipKey
                        + ": not always skippable, it comes before the cloud configuration");
            }
            return hidden("skipped: SkipSetup has " + skipKey);
        }
        if ((this == PASSCODE || this == BIOMETRIC) && c.atLeast(PASSCODE_QUIRK_SINCE)) {
            return hidden("not shown on " + os + ": the Passcode and Touch ID panes do not work on 14.5 and later"
                    + " (a passcode comes from a policy after enrollment)");
        }
        String condition = conditionUnmet(c);
        if (condition != null) {
            return hidden(condition);
        }
        return shown("shown");
    }

    private String hardwareMissing(Context c) {
        return switch (this) {
            case BIOMETRIC -> c.features().contains(Feature.TOUCH_ID) || c.features().contains(Feature.FACE_ID)
                    ? null : "no Touch ID or Face ID";
            case SIM_SETUP -> c.features().contains(Feature.CELLULAR) ? null : "no cellular modem";
            case MESSAGING_ACTIVATION -> c.features().contains(Feature.CELLULAR) ? null : "no phone number";
            case DISPLAY_TONE -> c.features().contains(Feature.TRUE_TONE) ? null : "no True Tone display";
            case HOME_BUTTON_SENSITIVITY -> c.features().contains(Feature.HAPTIC_HOME_BUTTON)
                    ? null : "no solid-state home button";
            case ACTION_BUTTON -> c.features().contains(Feature.ACTION_BUTTON) ? null : "no Action button";
            case CAMERA_BUTTON -> c.features().contains(Feature.CAMERA_CONTROL) ? null : "no Camera Control";
            case INTELLIGENCE -> c.features().contains(Feature.APPLE_INTELLIGENCE)
                    ? null : "not Apple Intelligence capable";
            case WATCH_MIGRATION -> c.family() == Family.IPHONE ? null : "iPhone only";
            default -> null;
        };
    }

    private String conditionUnmet(Context c) {
        return switch (this) {
            case TERMS_OF_ADDRESS -> TERMS_OF_ADDRESS_LANGUAGES.contains(c.language().toLowerCase(Locale.ROOT))
                    ? null : "language " + c.language() + " has no Terms of Address";
            case DEVICE_TO_DEVICE_MIGRATION -> c.atLeast("13.0")
                    ? "not offered to automated-enrollment devices on iOS 13 and later" : null;
            // seeds: "Shows users the Restore Completed screen after a backup and restore is performed during Setup
            // Assistant"; "Shows the user all software updates that happen during Setup Assistant"
            case RESTORE_COMPLETED -> c.restored() ? null
                    : "shown only after a restore from backup (this user did not restore)";
            case UPDATE_COMPLETED -> c.updated() ? null
                    : "shown only after a software update in Setup Assistant (none happened)";
            case ENABLE_LOCKDOWN_MODE -> "shown only when an Apple Account is set up (the simulated user chooses"
                    + " Set Up Later)";
            default -> null;
        };
    }

    private PaneEvent shown(String reason) {
        return new PaneEvent(this, true, reason, Duration.ZERO);
    }

    private PaneEvent hidden(String reason) {
        return new PaneEvent(this, false, reason, Duration.ZERO);
    }

    @Override
    public String toString() {
        return title + (skipKey == null ? "" : " (" + skipKey + ")");
    }
}
