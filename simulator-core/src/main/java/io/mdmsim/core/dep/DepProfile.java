package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * An ADE enrollment profile (ADS {@code Profile.json}, Apple's "Define a Profile"): body of {@code POST /profile} and
 * response of {@code GET /profile}. The schema requires {@code is_mdm_removable} and {@code org_magic}.
 *
 * @param url                 where the device POSTs its MachineInfo
 * @param anchorCerts         base64 DER certificates the device pins the TLS connection to {@code url} against
 * @param supervisingHostCerts base64 DER certificates
 * @param skipSetupItems      Setup Assistant panes to skip (ADM {@code other/skipkeys.yaml})
 * @param devices             serials to assign at define time
 * @param profileUuid         only in {@code GET /profile} responses
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DepProfile(String profileName, String url, String configurationWebUrl, Boolean allowPairing,
        Boolean isSupervised, Boolean isMandatory, Boolean isMdmRemovable, Boolean awaitDeviceConfigured,
        Boolean autoAdvanceSetup, Boolean isMultiUser, Boolean isReturnToService, Boolean doNotUseProfileFromBackup,
        String department, String orgMagic, String supportPhoneNumber, String supportEmailAddress, String language,
        String region, List<String> anchorCerts, List<String> supervisingHostCerts, List<String> skipSetupItems,
        List<String> devices, String profileUuid) {

    public DepProfile {
        anchorCerts = anchorCerts == null ? null : List.copyOf(anchorCerts);
        supervisingHostCerts = supervisingHostCerts == null ? null : List.copyOf(supervisingHostCerts);
        skipSetupItems = skipSetupItems == null ? null : List.copyOf(skipSetupItems);
        devices = devices == null ? null : List.copyOf(devices);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().profileName(profileName).url(url).configurationWebUrl(configurationWebUrl)
                .allowPairing(allowPairing).isSupervised(isSupervised).isMandatory(isMandatory)
                .isMdmRemovable(isMdmRemovable).awaitDeviceConfigured(awaitDeviceConfigured)
                .autoAdvanceSetup(autoAdvanceSetup).isMultiUser(isMultiUser).isReturnToService(isReturnToService)
                .doNotUseProfileFromBackup(doNotUseProfileFromBackup).department(department).orgMagic(orgMagic)
                .supportPhoneNumber(supportPhoneNumber).supportEmailAddress(supportEmailAddress).language(language)
                .region(region).anchorCerts(anchorCerts).supervisingHostCerts(supervisingHostCerts)
                .skipSetupItems(skipSetupItems).devices(devices).profileUuid(profileUuid);
    }

    /** This profile as {@code GET /profile} returns it. */
    public DepProfile withProfileUuid(String uuid) {
        return toBuilder().profileUuid(uuid).build();
    }

    public static final class Builder {
        private String profileName;
        private String url;
        private String configurationWebUrl;
        private Boolean allowPairing;
        private Boolean isSupervised;
        private Boolean isMandatory;
        private Boolean isMdmRemovable;
        private Boolean awaitDeviceConfigured;
        private Boolean autoAdvanceSetup;
        private Boolean isMultiUser;
        private Boolean isReturnToService;
        private Boolean doNotUseProfileFromBackup;
        private String department;
        private String orgMagic;
        private String supportPhoneNumber;
        private String supportEmailAddress;
        private String language;
        private String region;
        private List<String> anchorCerts;
        private List<String> supervisingHostCerts;
        private List<String> skipSetupItems;
        private List<String> devices;
        private String profileUuid;

        private Builder() {
        }

        public Builder profileName(String v) { profileName = v; return this; }
        public Builder url(String v) { url = v; return this; }
        public Builder configurationWebUrl(String v) { configurationWebUrl = v; return this; }
        public Builder allowPairing(Boolean v) { allowPairing = v; return this; }
        public Builder isSupervised(Boolean v) { isSupervised = v; return this; }
        public Builder isMandatory(Boolean v) { isMandatory = v; return this; }
        public Builder isMdmRemovable(Boolean v) { isMdmRemovable = v; return this; }
        public Builder awaitDeviceConfigured(Boolean v) { awaitDeviceConfigured = v; return this; }
        public Builder autoAdvanceSetup(Boolean v) { autoAdvanceSetup = v; return this; }
        public Builder isMultiUser(Boolean v) { isMultiUser = v; return this; }
        public Builder isReturnToService(Boolean v) { isReturnToService = v; return this; }
        public Builder doNotUseProfileFromBackup(Boolean v) { doNotUseProfileFromBackup = v; return this; }
        public Builder department(String v) { department = v; return this; }
        public Builder orgMagic(String v) { orgMagic = v; return this; }
        public Builder supportPhoneNumber(String v) { supportPhoneNumber = v; return this; }
        public Builder supportEmailAddress(String v) { supportEmailAddress = v; return this; }
        public Builder language(String v) { language = v; return this; }
        public Builder region(String v) { region = v; return this; }
        public Builder anchorCerts(List<String> v) { anchorCerts = v; return this; }
        public Builder supervisingHostCerts(List<String> v) { supervisingHostCerts = v; return this; }
        public Builder skipSetupItems(List<String> v) { skipSetupItems = v; return this; }
        public Builder devices(List<String> v) { devices = v; return this; }
        public Builder profileUuid(String v) { profileUuid = v; return this; }

        public DepProfile build() {
            return new DepProfile(profileName, url, configurationWebUrl, allowPairing, isSupervised, isMandatory,
                    isMdmRemovable, awaitDeviceConfigured, autoAdvanceSetup, isMultiUser, isReturnToService,
                    doNotUseProfileFromBackup, department, orgMagic, supportPhoneNumber, supportEmailAddress,
                    language, region, anchorCerts, supervisingHostCerts, skipSetupItems, devices, profileUuid);
        }
    }
}
