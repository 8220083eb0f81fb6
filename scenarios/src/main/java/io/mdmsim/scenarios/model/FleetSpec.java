package io.mdmsim.scenarios.model;

import java.time.Duration;

/**
 * How the virtual devices of every population run; null means the runner's default.
 *
 * @param concurrency         devices running at once
 * @param maxConnections      HTTP exchanges at once, fleet-wide
 * @param keyPool             RSA keys drawn from a pool of this many
 * @param keyPoolFile         the pool's keys kept in this PEM file across runs, or null
 * @param lifetime            how long devices live after enrollment
 * @param checkinInterval     periodic check-ins during their lifetime
 * @param tokenUpdateInterval repeated TokenUpdates during their lifetime
 * @param idlePollInterval    wait between polls of a device awaiting configuration
 * @param push                hold the fake APNs push channel
 * @param traces              which traces to keep: failed, all or none
 * @param language            the language users choose in Setup Assistant
 */
public record FleetSpec(Integer concurrency, Integer maxConnections, Integer keyPool, java.nio.file.Path keyPoolFile,
                        Duration lifetime,
                        Duration checkinInterval, Duration tokenUpdateInterval, Duration idlePollInterval,
                        Boolean push, String traces, String language) {

    /** Everything at its default. */
    public static final FleetSpec DEFAULT = new FleetSpec(null, null, null, null, null, null, null, null, null, null, null);
}
