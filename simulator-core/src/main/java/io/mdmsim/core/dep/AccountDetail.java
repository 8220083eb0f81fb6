package io.mdmsim.core.dep;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Response of {@code GET /account} (ADS {@code AccountDetail.json}).
 *
 * @param facilitatorId legacy form of adminId
 * @param orgType       edu, org or tvprovider (protocol version 3+)
 * @param orgVersion    v1 or v2 (protocol version 3+)
 * @param urls          the endpoints and their limits (protocol version 3+)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountDetail(String serverName, String serverUuid, String adminId, String facilitatorId,
        String orgName, String orgEmail, String orgPhone, String orgAddress, String orgId, String orgIdHash,
        String orgType, String orgVersion, List<Url> urls) {

    public AccountDetail {
        urls = urls == null ? null : List.copyOf(urls);
    }

    /** One endpoint of the service (ADS {@code Url.json}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
    public record Url(String uri, List<String> httpMethod, Limit limit) {

        public Url {
            httpMethod = httpMethod == null ? null : List.copyOf(httpMethod);
        }
    }

    /** The page-size limits of an endpoint (ADS {@code Limit.json}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limit(@JsonProperty("default") Integer defaultValue, Integer maximum) {
    }
}
