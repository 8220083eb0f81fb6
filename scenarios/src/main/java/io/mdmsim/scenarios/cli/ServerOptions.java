package io.mdmsim.scenarios.cli;

import picocli.CommandLine.Option;

/** Where a standalone server listens. Loopback only, by design. */
final class ServerOptions {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "TCP port on 127.0.0.1 (0 picks a free one and prints it; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed for every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    void validate(picocli.CommandLine cl) {
        if (port < 0 || port > 65_535) {
            throw new picocli.CommandLine.ParameterException(cl, "--port: " + port + " (expected: 0..65535)");
        }
    }
}
