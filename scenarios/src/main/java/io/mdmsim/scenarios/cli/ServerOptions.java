package io.mdmsim.scenarios.cli;

import io.mdmsim.core.http.AdminAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where a standalone server listens (loopback only, by design), and who may use its admin API. */
final class ServerOptions {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "TCP port on 127.0.0.1 (0 picks a free one and prints it; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed for every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "The admin API's bearer token (at least 16 characters). Default: $" + AdminAccess.ENV
                    + " when set, else a new random token at each start. It is printed and written to"
                    + " --admin-token-file.")
    String adminToken;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Where to write the admin token (readable by you only). Default: ~/.mdmsim/admin-tokens/PORT,"
                    + " where the mdmsim commands that talk to this server find it.")
    Path adminTokenFile;

    @Option(names = "--admin-allowed-host", paramLabel = "HOST",
            description = "A Host name the admin API accepts besides 127.0.0.1, localhost and ::1 (repeatable), e.g."
                    + " the name of this machine inside a container network.")
    List<String> adminAllowedHosts = new ArrayList<>();

    void validate(CommandLine cl) {
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(cl, "--port: " + port + " (expected: 0..65535)");
        }
        String token = token();
        if (token != null) {
            try {
                AdminAccess.validToken(token);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, (adminToken != null ? "--admin-token" : "$"
                        + AdminAccess.ENV) + ": " + e.getMessage().replaceFirst("^admin token: ", ""));
            }
        }
    }

    /** The fixed token: --admin-token, else $MDMSIM_ADMIN_TOKEN; null to generate one. */
    String token() {
        if (adminToken != null) {
            return adminToken;
        }
        String env = System.getenv(AdminAccess.ENV);
        return env == null || env.isBlank() ? null : env.trim();
    }

    /**
     * Writes the started server's admin token to its file (0600) and prints both; the clients find it there by the
     * server's URL.
     */
    void announce(PrintWriter out, URI base, String token) throws IOException {
        Path file = adminTokenFile != null ? adminTokenFile : AdminAccess.tokenFile(base);
        AdminAccess.writeTokenFile(file, token);
        out.printf("  admin token %s  (Authorization: Bearer; in %s)%n", token, file);
    }
}
