package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Body of {@code DELETE /profile/devices} (ADS {@code ClearProfileRequest.json}); profile_uuid is ignored by Apple. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClearProfileRequest(List<String> devices, String profileUuid) {

    public ClearProfileRequest {
        devices = devices == null ? null : List.copyOf(devices);
    }
}
