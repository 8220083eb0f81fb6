package io.mdmsim.core.dep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * Response of fetch and sync (ADS {@code FetchDeviceResponse.json}); required: cursor, fetched_until, more_to_follow.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FetchDevicesResponse(List<DepDevice> devices, String cursor, Instant fetchedUntil,
        boolean moreToFollow) {

    public FetchDevicesResponse {
        devices = devices == null ? List.of() : List.copyOf(devices);
        requireNonNull(cursor, "cursor");
        requireNonNull(fetchedUntil, "fetchedUntil");
    }
}
