package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Body of {@code POST /devices} (device details) and {@code POST /devices/disown} (ADS {@code DeviceListRequest.json}). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceListRequest(List<String> devices) {

    public DeviceListRequest {
        devices = devices == null ? null : List.copyOf(devices);
    }
}
