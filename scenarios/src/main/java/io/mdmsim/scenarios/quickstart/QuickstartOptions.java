package io.mdmsim.scenarios.quickstart;

import java.nio.file.Path;

/** What the quickstart was asked to do; {@code pkiDir} null means an in-memory PKI. */
public record QuickstartOptions(int devices, long seed, int concurrency, Path pkiDir) {
}
