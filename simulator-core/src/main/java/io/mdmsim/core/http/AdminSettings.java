package io.mdmsim.core.http;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * How a part's admin API is protected, as its configuration says.
 *
 * @param token        the bearer token; null generates one at start ({@link AdminAccess#newToken()})
 * @param allowedHosts Host names accepted besides the loopback ones
 * @param tokenFile    where the token is written (0600) at start; null writes none (servers started in a JVM hand
 *                     their token out through their server object)
 */
public record AdminSettings(String token, List<String> allowedHosts, Path tokenFile) {

    /** A generated token, loopback hosts only, no file. */
    public static final AdminSettings DEFAULT = new AdminSettings(null, List.of(), null);

    public AdminSettings {
        if (token != null) {
            AdminAccess.validToken(token);
        }
        allowedHosts = List.copyOf(requireNonNull(allowedHosts, "allowedHosts"));
    }

    public AdminSettings withToken(String newToken) {
        return new AdminSettings(newToken, allowedHosts, tokenFile);
    }

    public AdminSettings withAllowedHosts(List<String> hosts) {
        return new AdminSettings(token, hosts, tokenFile);
    }

    public AdminSettings withTokenFile(Path file) {
        return new AdminSettings(token, allowedHosts, file);
    }

    /** The access these settings give: this token, or a new one. */
    public AdminAccess access() {
        return AdminAccess.of(token, allowedHosts);
    }
}
