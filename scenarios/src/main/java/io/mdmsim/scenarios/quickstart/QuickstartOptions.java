package io.mdmsim.scenarios.quickstart;

import java.nio.file.Path;

/**
 * What the quickstart was asked to do; {@code pkiDir} null means an in-memory PKI; {@code devicesPerMinute} is the
 * fake ABM's pace for newly assigned devices (0 = unlimited).
 */
public record QuickstartOptions(int devices, long seed, int concurrency, Path pkiDir, int devicesPerMinute) {

    public QuickstartOptions(int devices, long seed, int concurrency, Path pkiDir) {
        this(devices, seed, concurrency, pkiDir, 0);
    }
}
