package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** Response of {@code POST /profile} (ADS {@code DefineProfileResponse.json}). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DefineProfileResponse(String profileUuid, Map<String, DeviceResult> devices) {

    public DefineProfileResponse {
        devices = devices == null ? null : Map.copyOf(devices);
    }
}
