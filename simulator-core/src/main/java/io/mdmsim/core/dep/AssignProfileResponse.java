package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * Response of {@code POST|PUT /profile/devices} (ADS {@code AssignProfileResponse.json}).
 *
 * @param retryAfterSeconds how long to wait before retrying the THROTTLED serials (protocol version 10+); or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssignProfileResponse(String profileUuid, Map<String, DeviceResult> devices, Integer retryAfterSeconds) {

    public AssignProfileResponse {
        devices = devices == null ? null : Map.copyOf(devices);
    }
}
