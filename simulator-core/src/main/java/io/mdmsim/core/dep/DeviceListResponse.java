package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** Response of {@code POST /devices}: serial to device with {@code response_status} (ADS {@code DeviceListResponse.json}). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceListResponse(Map<String, DepDevice> devices) {

    public DeviceListResponse {
        devices = devices == null ? null : Map.copyOf(devices);
    }
}
