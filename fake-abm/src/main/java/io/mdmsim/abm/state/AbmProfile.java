package io.mdmsim.abm.state;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An ADE enrollment profile as ABM keeps it after {@code POST /profile} (Apple's "Define a Profile"; ADS Profile.json),
 * with Apple's documented defaults already applied to the flags.
 */
public record AbmProfile(String profileUuid, String profileName, String url, String configurationWebUrl, boolean allowPairing,
        boolean isSupervised, boolean isMandatory, boolean isMdmRemovable, boolean awaitDeviceConfigured,
        boolean autoAdvanceSetup, boolean isMultiUser, boolean isReturnToService, boolean doNotUseProfileFromBackup,
        String department, String orgMagic, String supportPhoneNumber, String supportEmailAddress, String language,
        String region, List<String> anchorCerts, List<String> supervisingHostCerts, List<String> skipSetupItems) {

    public AbmProfile {
        requireNonNull(profileUuid, "profileUuid");
        requireNonNull(profileName, "profileName");
        requireNonNull(url, "url");
        anchorCerts = anchorCerts == null ? List.of() : List.copyOf(anchorCerts);
        supervisingHostCerts = supervisingHostCerts == null ? List.of() : List.copyOf(supervisingHostCerts);
        skipSetupItems = skipSetupItems == null ? List.of() : List.copyOf(skipSetupItems);
    }
}
