package io.mdmsim.mdm.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mdmsim.core.dep.DepProfile;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An automated device enrollment profile with every setting the seeds list (DESIGN.md "The reference MDM's rules",
 * seeds 000_… "Create an Apple enrollment profile"). Null means "not set" and takes the seeds' default.
 *
 * @param userAffinity            WITH_USER, WITHOUT_USER or SHARED_DEVICE_MODE (default WITH_USER)
 * @param authentication          COMPANY_PORTAL, SETUP_ASSISTANT_LEGACY or SETUP_ASSISTANT_MODERN; only with user affinity
 * @param installCompanyPortal    install Company Portal (InstallApplication): from the App Store (the user gives an
 *                                Apple ID), or with a VPP license when vppToken is set (seeds)
 * @param vppToken                the VPP (apps and books) token the Company Portal license comes from (no Apple ID
 *                                prompt); the enrollment policy must know it
 * @param singleAppModeUntilAuth  run Company Portal in Single App Mode until the user signs in (iOS 11.3.1+)
 * @param supervised              ignored on iOS 13+ (always supervised); default true
 * @param lockedEnrollment        the user cannot remove the management profile (is_mdm_removable false)
 * @param sharedIpad              Shared iPad (without user affinity + supervised, iPadOS 13.4+)
 * @param lockGraceSeconds        one of 0, 60, 300, 900, 3600, 14400
 * @param inactivityLogoutSeconds 0 or at least 30
 * @param awaitFinalConfiguration default true for new profiles; not with user-less + Shared iPad
 * @param deviceNameTemplate      at most 63 characters; {{DEVICETYPE}} and {{SERIAL}} are replaced
 * @param hiddenPanes             Setup Assistant panes hidden (DEP skip_setup_items keys)
 * @param criticalApps            apps the device must have before DeviceConfigured (await final configuration)
 * @param criticalPolicies        policies the device must have before DeviceConfigured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollmentProfile(String name, String description, UserAffinity userAffinity,
        Authentication authentication, Boolean installCompanyPortal, String vppToken, Boolean singleAppModeUntilAuth,
        Boolean supervised, Boolean lockedEnrollment, Boolean sharedIpad, Integer maxCachedUsers,
        Integer lockGraceSeconds, Integer inactivityLogoutSeconds, Boolean temporarySessionOnly,
        SyncWithComputers syncWithComputers, List<String> supervisingHostCertificates,
        Boolean awaitFinalConfiguration, String deviceNameTemplate, String cellularDataPlanUrl, String department,
        String supportPhoneNumber, List<String> hiddenPanes, List<String> criticalApps, List<String> criticalPolicies) {

    public enum UserAffinity { WITH_USER, WITHOUT_USER, SHARED_DEVICE_MODE }

    public enum Authentication { COMPANY_PORTAL, SETUP_ASSISTANT_LEGACY, SETUP_ASSISTANT_MODERN }

    public enum SyncWithComputers { ALLOW_ALL, DENY_ALL, APPLE_CONFIGURATOR_BY_CERTIFICATE }

    public static final int MAX_NAME_TEMPLATE = 63;
    public static final Set<Integer> LOCK_GRACE_VALUES = Set.of(0, 60, 300, 900, 3600, 14400);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]*)}}");
    /** ADS skip_setup_items keys (AppleDoc "SkipKeys"). */
    public static final Set<String> PANES = Set.of("Accessibility", "ActionButton", "Android", "Appearance",
            "AppleID", "AppStore", "Biometric", "CameraButton", "DeviceToDeviceMigration", "Diagnostics",
            "EnableLockdownMode", "FileVault", "iCloudDiagnostics", "iCloudStorage", "iMessageAndFaceTime",
            "Intelligence", "Keyboard", "Location", "MessagingActivationUsingPhoneNumber", "Passcode", "Payment",
            "Privacy", "Restore", "RestoreCompleted", "Safety", "ScreenSaver", "ScreenTime", "SIMSetup", "Siri",
            "SoftwareUpdate", "SpokenLanguage", "TapToSetup", "TermsOfAddress", "TOS", "TVHomeScreenSync",
            "TVProviderSignIn", "TVRoom", "UnlockWithWatch", "UpdateCompleted", "Wallpaper", "WatchMigration",
            "Welcome", "Zoom", "DisplayTone", "HomeButtonSensitivity", "OnBoarding", "Registration", "Avatar",
            "PreferredLanguage", "Tone", "iCloudKeychain");

    public UserAffinity affinity() {
        return userAffinity == null ? UserAffinity.WITH_USER : userAffinity;
    }

    public boolean isShared() {
        return Boolean.TRUE.equals(sharedIpad);
    }

    public boolean awaits() {
        return awaitFinalConfiguration == null || awaitFinalConfiguration;
    }

    /** Every violation of the seeds' constraints, each a message saying what was wrong and what is expected. */
    public List<String> violations() {
        List<String> v = new ArrayList<>();
        if (name == null || name.isBlank()) {
            v.add("name: missing (expected: a profile name)");
        }
        boolean withUser = affinity() == UserAffinity.WITH_USER;
        if (authentication != null && !withUser) {
            v.add("authentication: " + authentication + " needs userAffinity WITH_USER (was " + affinity() + ")");
        }
        if (Boolean.TRUE.equals(singleAppModeUntilAuth)) {
            if (vppToken == null || vppToken.isBlank()) {
                v.add("singleAppModeUntilAuth: true needs a vppToken (Company Portal is installed with a VPP license)");
            }
            if (!withUser || authentication != Authentication.COMPANY_PORTAL) {
                v.add("singleAppModeUntilAuth: true needs userAffinity WITH_USER and authentication COMPANY_PORTAL");
            }
        }
        if (isShared()) {
            if (affinity() != UserAffinity.WITHOUT_USER) {
                v.add("sharedIpad: true needs userAffinity WITHOUT_USER (was " + affinity() + ")");
            }
            if (Boolean.FALSE.equals(supervised)) {
                v.add("sharedIpad: true needs supervised: true");
            }
            if (affinity() == UserAffinity.WITHOUT_USER && awaits()) {
                v.add("awaitFinalConfiguration: true is not supported with userAffinity WITHOUT_USER and sharedIpad"
                        + " (expected: false)");
            }
            if (maxCachedUsers != null && (maxCachedUsers < 1 || maxCachedUsers > 32)) {
                v.add("maxCachedUsers: " + maxCachedUsers + " (expected: 1..32)");
            }
        } else {
            for (var e : new Object[][] {{"maxCachedUsers", maxCachedUsers}, {"lockGraceSeconds", lockGraceSeconds},
                    {"inactivityLogoutSeconds", inactivityLogoutSeconds}, {"temporarySessionOnly", temporarySessionOnly}}) {
                if (e[1] != null) {
                    v.add(e[0] + ": applies to Shared iPad only (expected: sharedIpad: true, or leave it out)");
                }
            }
        }
        if (lockGraceSeconds != null && !LOCK_GRACE_VALUES.contains(lockGraceSeconds)) {
            v.add("lockGraceSeconds: " + lockGraceSeconds + " (expected: one of 0, 60, 300, 900, 3600, 14400)");
        }
        if (inactivityLogoutSeconds != null && inactivityLogoutSeconds != 0 && inactivityLogoutSeconds < 30) {
            v.add("inactivityLogoutSeconds: " + inactivityLogoutSeconds + " (expected: 0 or at least 30)");
        }
        if (syncWithComputers == SyncWithComputers.APPLE_CONFIGURATOR_BY_CERTIFICATE
                && (supervisingHostCertificates == null || supervisingHostCertificates.isEmpty())) {
            v.add("syncWithComputers: APPLE_CONFIGURATOR_BY_CERTIFICATE needs at least one supervisingHostCertificates"
                    + " entry");
        }
        if (deviceNameTemplate != null) {
            if (deviceNameTemplate.length() > MAX_NAME_TEMPLATE) {
                v.add("deviceNameTemplate: " + deviceNameTemplate.length() + " characters (expected: at most "
                        + MAX_NAME_TEMPLATE + ")");
            }
            Matcher m = PLACEHOLDER.matcher(deviceNameTemplate);
            while (m.find()) {
                if (!m.group(1).equals("DEVICETYPE") && !m.group(1).equals("SERIAL")) {
                    v.add("deviceNameTemplate: unknown placeholder {{" + m.group(1)
                            + "}} (expected: {{DEVICETYPE}} or {{SERIAL}})");
                }
            }
        }
        if (cellularDataPlanUrl != null) {
            try {
                URI u = new URI(cellularDataPlanUrl);
                if (!u.isAbsolute() || !"https".equalsIgnoreCase(u.getScheme())) {
                    v.add("cellularDataPlanUrl: " + cellularDataPlanUrl + " (expected: an absolute https URL)");
                }
            } catch (java.net.URISyntaxException e) {
                v.add("cellularDataPlanUrl: " + cellularDataPlanUrl + " (expected: an absolute https URL)");
            }
        }
        if (hiddenPanes != null) {
            for (String pane : hiddenPanes) {
                if (!PANES.contains(pane)) {
                    v.add("hiddenPanes: unknown pane " + pane + " (expected: a Setup Assistant skip key such as"
                            + " Location, Siri, Privacy, Diagnostics)");
                }
            }
        }
        return v;
    }

    /** The device name for this template (the seeds: {{DEVICETYPE}}, {{SERIAL}}); null if there is no template. */
    public String deviceName(String deviceType, String serial) {
        if (deviceNameTemplate == null || deviceNameTemplate.isBlank()) {
            return null;
        }
        return deviceNameTemplate.replace("{{DEVICETYPE}}", deviceType == null ? "" : deviceType)
                .replace("{{SERIAL}}", serial == null ? "" : serial.toUpperCase(Locale.ROOT));
    }

    /** The DEP profile ABM stores (ADS Profile.json) for this enrollment profile. */
    public DepProfile toDep(String enrollUrl, String modernAuthUrl, String orgMagic, List<String> anchorCerts) {
        DepProfile.Builder b = DepProfile.builder()
                .profileName(name)
                .url(enrollUrl)
                .isSupervised(!Boolean.FALSE.equals(supervised) || isShared())
                .isMandatory(true)
                .isMdmRemovable(!Boolean.TRUE.equals(lockedEnrollment))
                .awaitDeviceConfigured(awaits())
                .isMultiUser(isShared())
                .orgMagic(orgMagic)
                .allowPairing(syncWithComputers != SyncWithComputers.DENY_ALL);
        if (department != null) {
            b.department(department);
        }
        if (supportPhoneNumber != null) {
            b.supportPhoneNumber(supportPhoneNumber);
        }
        if (hiddenPanes != null && !hiddenPanes.isEmpty()) {
            b.skipSetupItems(List.copyOf(hiddenPanes));
        }
        if (authentication == Authentication.SETUP_ASSISTANT_MODERN && modernAuthUrl != null) {
            b.configurationWebUrl(modernAuthUrl);
        }
        if (anchorCerts != null && !anchorCerts.isEmpty()) {
            b.anchorCerts(anchorCerts);
        }
        if (supervisingHostCertificates != null && !supervisingHostCertificates.isEmpty()) {
            b.supervisingHostCerts(supervisingHostCertificates);
        }
        return b.build();
    }
}
