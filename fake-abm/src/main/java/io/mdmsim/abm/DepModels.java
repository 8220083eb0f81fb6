package io.mdmsim.abm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The JSON the fake ABM writes on the DEP API, shaped after ADS dep/schemas (snake_case, absent rather than null).
 * Timestamps are already formatted as Apple writes them (ISO-8601 UTC, whole seconds).
 */
final class DepModels {

    private DepModels() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SessionResponse(String authSessionToken) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Limit(@JsonProperty("default") int defaultLimit, int maximum) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Url(String uri, List<String> httpMethod, Limit limit) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AccountDetail(String serverName, String serverUuid, String adminId, String facilitatorId, String orgName,
            String orgEmail, String orgPhone, String orgAddress, String orgId, String orgIdHash, String orgType,
            String orgVersion, List<Url> urls) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Device(String serialNumber, String model, String description, String color, String assetTag, String os,
            String deviceFamily, String profileStatus, String profileUuid, String profileAssignTime,
            String profilePushTime, String deviceAssignedDate, String deviceAssignedBy, String opType, String opDate) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeviceListResponse(List<Device> devices, String cursor, String fetchedUntil, boolean moreToFollow) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProfileResponse(String profileUuid, Map<String, String> devices) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Profile(String profileUuid, String profileName, String url, String configurationWebUrl, Boolean allowPairing,
            Boolean isSupervised, Boolean isMandatory, Boolean isMdmRemovable, Boolean awaitDeviceConfigured,
            Boolean autoAdvanceSetup, Boolean isMultiUser, Boolean isReturnToService, Boolean doNotUseProfileFromBackup,
            String department, String orgMagic, String supportPhoneNumber, String supportEmailAddress, String language,
            String region, List<String> anchorCerts, List<String> supervisingHostCerts, List<String> skipSetupItems) {
    }
}
