package io.mdmsim.mdm.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mdmsim.core.catalog.SkipKeys;
import io.mdmsim.core.dep.DepProfile;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An automated device enrollment profile with every setting the seeds list (docs/mdm-endpoint.md "The seeds' rules, one
 * by one", seeds 000_… "Create an Apple enrollment profile"). Null means "not set" and takes the seeds' default.
 *
 * @param userAffinity            WITH_USER, WITHOUT_USER or SHARED_DEVICE_MODE (default WITH_USER)
 * @param authentication          COMPANY_PORTAL, SETUP_ASSISTANT_LEGACY or SETUP_ASSISTANT_MODERN; only with user affinity
 * @param installCompanyPortal    install Company Portal (InstallApplication): from the App Store (the user gives an
 *                                Apple ID), or with a VPP license when vppToken is set (seeds)
 * @param vppToken                the VPP (apps and books) token the Company Portal license comes from (no Apple ID
 *                                prompt); the enrollment policy must know it
 * @param singleAppModeUntilAuth  run Company Portal in Single App Mode until the user signs in (iOS 11.3.1+); needs
 *                                Company Portal installed with a VPP token (seeds: "If you select a token for Install
 *                                Company Portal with VPP, you can lock the device in Single App Mode")
 * @param supervised              ignored on iOS 13+ (always supervised); default true
 * @param lockedEnrollment        the user cannot remove the management profile (is_mdm_removable false); needs
 *                                supervised (2020 page); default and required true with SHARED_DEVICE_MODE
 * @param sharedIpad              Shared iPad (without user affinity + supervised, iPadOS 13.4+)
 * @param maxCachedUsers          at least 1; the device caps it by its storage (24 on a 32-GB or 64-GB iPad)
 * @param lockGraceSeconds        one of 0, 60, 300, 900, 3600, 14400
 * @param inactivityLogoutSeconds the user session's inactivity logout: 0 or at least 30; cancelled by
 *                                temporarySessionOnly
 * @param temporarySessionLogoutSeconds the temporary session's inactivity logout: 0 or at least 30; only with
 *                                temporarySessionOnly true
 * @param awaitFinalConfiguration default true for new profiles, false for profiles from before the setting
 *                                ({@code settingsVersion} 1); unavailable (false) with user-less + Shared iPad
 * @param companyPortalPrimaryUser without user affinity: Company Portal gets the IntuneUDAUserlessDevice key in its
 *                                app configuration, and the first user who signs in to it becomes the device's primary
 *                                user (seeds); without it Company Portal does not work on a device without user
 *                                affinity (2020 page)
 * @param justInTimeRegistration  Just in Time Registration with Setup Assistant with modern authentication: the
 *                                device is registered at the Setup Assistant sign-in, without Company Portal; needs
 *                                the JIT device configuration policy first (seeds)
 * @param settingsVersion         the version of these settings the profile was written with: null or
 *                                {@value #SETTINGS_VERSION} for a new profile, 1 for one from before await final
 *                                configuration existed (an existing profile, imported)
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
        Integer temporarySessionLogoutSeconds, SyncWithComputers syncWithComputers, List<String> supervisingHostCertificates,
        Boolean awaitFinalConfiguration, String deviceNameTemplate, String cellularDataPlanUrl, String department,
        String supportPhoneNumber, List<String> hiddenPanes, List<String> criticalApps, List<String> criticalPolicies,
        Boolean companyPortalPrimaryUser, Boolean justInTimeRegistration, Integer settingsVersion) {

    public enum UserAffinity { WITH_USER, WITHOUT_USER, SHARED_DEVICE_MODE }

    public enum Authentication { COMPANY_PORTAL, SETUP_ASSISTANT_LEGACY, SETUP_ASSISTANT_MODERN }

    public enum SyncWithComputers { ALLOW_ALL, DENY_ALL, APPLE_CONFIGURATOR_BY_CERTIFICATE }

    public static final int MAX_NAME_TEMPLATE = 63;
    /** The settings version of new profiles; 1 is the version before await final configuration existed. */
    public static final int SETTINGS_VERSION = 2;
    /** The first settings version with await final configuration. */
    static final int AWAIT_SETTING_SINCE = 2;
    public static final Set<Integer> LOCK_GRACE_VALUES = Set.of(0, 60, 300, 900, 3600, 14400);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]*)}}");

    public UserAffinity affinity() {
        return userAffinity == null ? UserAffinity.WITH_USER : userAffinity;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // derived, not a setting (a GET then PUT round-trips)
    public boolean isShared() {
        return Boolean.TRUE.equals(sharedIpad);
    }

    /**
     * Whether the profile asks for the locked Awaiting final configuration experience (seeds): as set; when not set,
     * Yes for new profiles and No for profiles from before the setting; never with user-less + Shared iPad, where the
     * setting is unavailable.
     */
    public boolean awaits() {
        if (awaitUnavailable()) {
            return false;
        }
        if (awaitFinalConfiguration != null) {
            return awaitFinalConfiguration;
        }
        return settingsVersion == null || settingsVersion >= AWAIT_SETTING_SINCE;
    }

    /**
     * Whether this profile's authentication allows the locked Awaiting final configuration experience: the seeds
     * support it with Setup Assistant with modern authentication, without user affinity and in Microsoft Entra ID
     * shared mode, so not with Company Portal or Setup Assistant (legacy) authentication. A profile with user affinity
     * that names no authentication method enrolls without a user sign-in in Setup Assistant and is treated like one
     * without user affinity (the project's choice).
     */
    public boolean lockedExperienceSupported() {
        return affinity() != UserAffinity.WITH_USER || (authentication != Authentication.COMPANY_PORTAL
                && authentication != Authentication.SETUP_ASSISTANT_LEGACY);
    }

    /** "The await configuration setting is unavailable in profiles with" no user affinity and Shared iPad (seeds). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean awaitUnavailable() {
        return affinity() == UserAffinity.WITHOUT_USER && isShared();
    }

    /** Locked enrollment: as set; when not set, Yes with Microsoft Entra ID shared mode (seeds), else No. */
    public boolean locked() {
        return lockedEnrollment != null ? lockedEnrollment : affinity() == UserAffinity.SHARED_DEVICE_MODE;
    }

    /** Whether Company Portal is installed: authentication COMPANY_PORTAL or installCompanyPortal true. */
    public boolean installsCompanyPortal() {
        return Boolean.TRUE.equals(installCompanyPortal) || authentication == Authentication.COMPANY_PORTAL;
    }

    /**
     * This profile as stored when it is created: a profile that does not say its settings version is a new one
     * ({@value #SETTINGS_VERSION}), and await final configuration is written down as it resolves, so the default
     * of the version it was made with stays with it.
     */
    public EnrollmentProfile stamped(Integer inheritedVersion) {
        Integer version = settingsVersion != null ? settingsVersion
                : inheritedVersion != null ? inheritedVersion : SETTINGS_VERSION;
        EnrollmentProfile v = copy(awaitFinalConfiguration, version);
        Boolean await = awaitFinalConfiguration == null && !v.awaitUnavailable() ? Boolean.valueOf(v.awaits())
                : awaitFinalConfiguration;
        return copy(await, version);
    }

    private EnrollmentProfile copy(Boolean await, Integer version) {
        return new EnrollmentProfile(name, description, userAffinity, authentication, installCompanyPortal, vppToken,
                singleAppModeUntilAuth, supervised, lockedEnrollment, sharedIpad, maxCachedUsers, lockGraceSeconds,
                inactivityLogoutSeconds, temporarySessionOnly, temporarySessionLogoutSeconds, syncWithComputers,
                supervisingHostCertificates, await, deviceNameTemplate, cellularDataPlanUrl, department,
                supportPhoneNumber, hiddenPanes, criticalApps, criticalPolicies, companyPortalPrimaryUser,
                justInTimeRegistration, version);
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
            // seeds: "If you select a token for Install Company Portal with VPP, you can lock the device in Single
            // App Mode" -- after Company Portal or Setup Assistant (legacy or modern) authentication alike
            if (vppToken == null || vppToken.isBlank()) {
                v.add("singleAppModeUntilAuth: true needs a vppToken (Company Portal is installed with a VPP license)");
            }
            if (!withUser || !installsCompanyPortal()) {
                v.add("singleAppModeUntilAuth: true needs userAffinity WITH_USER and Company Portal installed"
                        + " (authentication COMPANY_PORTAL, or installCompanyPortal: true)");
            }
        }
        if (locked() && Boolean.FALSE.equals(supervised)) {
            v.add("lockedEnrollment: " + (lockedEnrollment == null ? "Yes (the default with SHARED_DEVICE_MODE)" : "true")
                    + " needs supervised: true (devices with locked enrollment must be supervised)");
        }
        if (affinity() == UserAffinity.SHARED_DEVICE_MODE && Boolean.FALSE.equals(lockedEnrollment)) {
            v.add("lockedEnrollment: false with userAffinity SHARED_DEVICE_MODE (expected: true, or leave it out;"
                    + " devices in Microsoft Entra ID shared mode use locked enrollment)");
        }
        if (Boolean.TRUE.equals(companyPortalPrimaryUser)
                && (affinity() != UserAffinity.WITHOUT_USER || !installsCompanyPortal())) {
            v.add("companyPortalPrimaryUser: true needs userAffinity WITHOUT_USER and installCompanyPortal: true (it"
                    + " sends IntuneUDAUserlessDevice to the Company Portal of a device without user affinity)");
        }
        if (Boolean.TRUE.equals(justInTimeRegistration)
                && (!withUser || authentication != Authentication.SETUP_ASSISTANT_MODERN)) {
            v.add("justInTimeRegistration: true needs userAffinity WITH_USER and authentication SETUP_ASSISTANT_MODERN"
                    + " (Just in Time Registration is for Setup Assistant with modern authentication)");
        }
        if (settingsVersion != null && (settingsVersion < 1 || settingsVersion > SETTINGS_VERSION)) {
            v.add("settingsVersion: " + settingsVersion + " (expected: 1.." + SETTINGS_VERSION + "; leave it out for a"
                    + " new profile)");
        }
        if (isShared()) {
            if (affinity() != UserAffinity.WITHOUT_USER) {
                v.add("sharedIpad: true needs userAffinity WITHOUT_USER (was " + affinity() + ")");
            }
            if (Boolean.FALSE.equals(supervised)) {
                v.add("sharedIpad: true needs supervised: true");
            }
            if (awaitUnavailable() && Boolean.TRUE.equals(awaitFinalConfiguration)) {
                v.add("awaitFinalConfiguration: true is not available with userAffinity WITHOUT_USER and sharedIpad"
                        + " (expected: false, or leave it out)");
            }
            if (maxCachedUsers != null && maxCachedUsers < 1) {
                v.add("maxCachedUsers: " + maxCachedUsers + " (expected: at least 1; the iPad caps it by its storage,"
                        + " 24 on a 32-GB or 64-GB device)");
            }
            if (temporarySessionLogoutSeconds != null && !Boolean.TRUE.equals(temporarySessionOnly)) {
                v.add("temporarySessionLogoutSeconds: needs temporarySessionOnly: true (expected: leave it out, or"
                        + " require temporary sessions)");
            }
        } else {
            for (var e : new Object[][] {{"maxCachedUsers", maxCachedUsers}, {"lockGraceSeconds", lockGraceSeconds},
                    {"inactivityLogoutSeconds", inactivityLogoutSeconds}, {"temporarySessionOnly", temporarySessionOnly},
                    {"temporarySessionLogoutSeconds", temporarySessionLogoutSeconds}}) {
                if (e[1] != null) {
                    v.add(e[0] + ": applies to Shared iPad only (expected: sharedIpad: true, or leave it out)");
                }
            }
        }
        if (lockGraceSeconds != null && !LOCK_GRACE_VALUES.contains(lockGraceSeconds)) {
            v.add("lockGraceSeconds: " + lockGraceSeconds + " (expected: one of 0, 60, 300, 900, 3600, 14400)");
        }
        for (var e : new Object[][] {{"inactivityLogoutSeconds", inactivityLogoutSeconds},
                {"temporarySessionLogoutSeconds", temporarySessionLogoutSeconds}}) {
            Integer seconds = (Integer) e[1];
            if (seconds != null && seconds != 0 && seconds < 30) {
                v.add(e[0] + ": " + seconds + " (expected: 0 or at least 30)");
            }
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
                if (!SkipKeys.isKnown(pane)) { // the one table the fake ABM also checks
                    v.add("hiddenPanes: unknown pane " + pane + " (expected: a Setup Assistant skip key of Apple's"
                            + " skipkeys.yaml such as Location, Siri, Privacy, Diagnostics)");
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
                .isMdmRemovable(!locked())
                .awaitDeviceConfigured(awaits() && lockedExperienceSupported())
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
