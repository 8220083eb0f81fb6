package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Body of {@code POST|PUT /profile/devices} (ADS {@code ProfileServiceRequest.json}); at most 1000 serials. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssignProfileRequest(String profileUuid, List<String> devices) {

    public AssignProfileRequest {
        devices = devices == null ? null : List.copyOf(devices);
    }
}
