package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Response of {@code GET /session}: {@code {"auth_session_token": "..."}}, sent back in X-ADM-Auth-Session. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionResponse(String authSessionToken) {
}
