package io.mdmsim.scenarios.cli;

import io.mdmsim.core.pki.SimPki;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;

/** The simulator PKI directory the standalone parts share, so they trust each other across processes. */
final class PkiOption {

    @Option(names = "--pki-dir", paramLabel = "DIR",
            description = "Simulator PKI directory (PEM files), created on first start and shared by the parts"
                    + " (default: ~/.mdmsim/pki).")
    Path pkiDir;

    SimPki load(Instant now) {
        Path dir = pkiDir != null ? pkiDir : Path.of(System.getProperty("user.home"), ".mdmsim", "pki");
        return SimPki.loadOrCreate(dir, now);
    }
}
