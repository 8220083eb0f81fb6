package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Body of {@code POST /server/devices} (ADS {@code FetchDeviceRequest.json}): no cursor on the first call.
 *
 * @param limit documented default 100, maximum 1000; null when not sent
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FetchDevicesRequest(String cursor, Integer limit) {
}
