package io.mdmsim.core.pki;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The one simulator PKI of DESIGN.md "Identities and trust": a root CA, the "fake Apple device CA" that issues each
 * virtual device its MachineInfo signing certificate, the MDM's SCEP CA, and the TLS server identity for 127.0.0.1 and
 * localhost. In memory, or persisted as PEM files in a directory.
 */
public final class SimPki {
    public static final String ROOT_CN = "mdmsim Root CA";
    public static final String APPLE_DEVICE_CA_CN = "Apple iPhone Device CA (mdmsim)";
    public static final String SCEP_CA_CN = "mdmsim SCEP CA";
    public static final String TLS_SERVER_CN = "127.0.0.1";

    private SimPki() {}

    public static SimPki create(Instant now) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Loads the PEM files of dir; creates and writes them on first start (and a fresh TLS certificate if it expired). */
    public static SimPki loadOrCreate(Path dir, Instant now) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public CertificateAuthority root() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public CertificateAuthority appleDeviceCa() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public CertificateAuthority scepCa() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** For 127.0.0.1 and localhost. */
    public Identity tlsServer() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Writes every certificate and key as PEM (keys PKCS#8, owner-only where the file system allows). */
    public void exportPem(Path dir) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
