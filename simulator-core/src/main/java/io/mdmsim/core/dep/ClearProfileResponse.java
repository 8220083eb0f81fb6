package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** Response of {@code DELETE /profile/devices} (ADS {@code ClearProfileResponse.json}); no THROTTLED here. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClearProfileResponse(Map<String, DeviceResult> devices) {

    public ClearProfileResponse {
        devices = devices == null ? null : Map.copyOf(devices);
    }
}
