package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Body of {@code POST /devices/sync} (ADS {@code SyncDeviceRequest.json}); the cursor is required by the service. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncDevicesRequest(String cursor, Integer limit) {
}
